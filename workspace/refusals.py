"""Why a ticket refused an action, as a code kept on a job and told in the reader's language,
and the one place a service call is tried and its refusal caught (bulk actions, macros)."""

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tickets.services import (
    AlreadyClaimed,
    AnsweredMeanwhile,
    HasOpenChildren,
    NotAllowed,
    Unanswered,
)
from tickets.workflow import TransitionNotAllowed

logger = logging.getLogger(__name__)

REASONS = {
    "not_found": _("You may not see this ticket (or it does not exist)."),
    "not_allowed": _("You may not do this to this ticket."),
    "already_claimed": _("Already claimed by %(agent)s."),
    "open_children": _("Its escalations are still open."),
    "unanswered": _("Nobody answered it yet: tick the box to finalize those too."),
    "status": _("Not possible in its current status."),
    "invalid": _("Not possible for this ticket."),
    "answered_meanwhile": _("Someone wrote on the ticket meanwhile: read it and try again."),
    "failed": _("Something went wrong with this ticket: try it on its own page."),
    "merge_none": _("Choose at least one ticket to merge."),
    "merge_self": _("A ticket cannot be merged into itself."),
    "merge_merged": _("Already merged into another ticket."),
    "merge_closed": _("The ticket to keep is closed: reopen it first."),
    "merge_kind": _("An internal ticket and a customer's ticket cannot be merged."),
    "merge_escalation": _("Escalations and tickets with escalations cannot be merged."),
    "merge_requester": _(
        "Its requester is not the surviving ticket's, nor of its organization: their messages "
        "would reach someone else."
    ),
    "unmerge_done": _("This merge was undone already."),
    "unmerge_late": _("This merge is older than the trash period: it can no longer be undone."),
}


class Refused(Exception):
    """The action cannot be done to this ticket, for the reason REASONS[code] tells."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(REASONS[self.code]) % {"agent": ""}


def attempt(call: Callable[[], object], ticket_id: int) -> dict | None:
    """Run one service call on its own (a refused one leaves nothing half done); the
    refusal, if any, as a row with a reason code of REASONS."""
    try:
        with transaction.atomic():
            call()
    except AlreadyClaimed as taken:
        return {"reason": "already_claimed", "agent": taken.agent.full_name}
    except NotAllowed:
        return {"reason": "not_allowed"}
    except HasOpenChildren:
        return {"reason": "open_children"}
    except Unanswered:
        return {"reason": "unanswered"}
    except AnsweredMeanwhile:
        return {"reason": "answered_meanwhile"}
    except Refused as refused:
        return {"reason": refused.code}
    except TransitionNotAllowed:
        return {"reason": "status"}
    except ValueError:
        return {"reason": "invalid"}
    except Exception:  # one broken ticket must not hold up the others of the job
        logger.exception("action on ticket %s failed", ticket_id)
        return {"reason": "failed"}
    return None
