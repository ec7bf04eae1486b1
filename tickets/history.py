"""A ticket's history: what each event says, and the thread drawn by the Jinja2 fragments
templates/jinja2/tickets/_staff_thread.html and _customer_thread.html (core.jinja).

The sentences with values are written here, plain text in the translation catalogue's own
words (the msgids the templates had); the templates escape them with everything else.
`event_text()` says what an event did, for the screen and for print. Configuration rows an
event names (departments, priorities, labels...) are looked up by the ids it stored, in the
kept tables (no query), and named in the reader's language as they read; the stored English
name stands for a row deleted since.
"""

from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.models import Department
from core.jinja import render_fragment
from core.kept import row_of

from .models import Category, Priority, Product, ProgressLabel, Severity, Ticket, TicketEntry

Kind = TicketEntry.Kind
DASH = "—"
NAMED = {"category": Category, "product": Product, "priority": Priority, "severity": Severity}


def _text(value) -> str:
    # What a template shows of a missing value.
    return "" if value is None else str(value)


def _named(model, data, key) -> str:
    # A row the event named, by the id stored beside its name ("" for none).
    return _name_of(model, data.get(f"{key}_id"), data.get(key))


def _name_of(model, id_, name) -> str:
    row = row_of(model, id_, _text(name))
    return str(row) if row is not None else _text(name)


def _who(entry) -> str:
    return (entry.author.full_name if entry.author else "") or _("System")


def event_text(entry, *, staff: bool, own: bool = True) -> str:
    """What the event `entry` did, in plain text: in the customer's words (`own`: as the
    ticket's requester reads them, else as a colleague does), or with the agents' details."""
    who, data = _who(entry), entry.data or {}
    if staff:
        text = _staff_event_text(entry, who, data)
        if text is not None:
            return text
    if entry.kind == Kind.STATUS:
        return _("%(who)s set the status to “%(status)s”.") % {
            "who": who, "status": entry.customer_status_to(own=own),
        }  # fmt: skip
    if entry.kind == Kind.PRIORITY:
        return _("%(who)s changed the priority from %(old)s to %(new)s.") % {
            "who": who, "old": _named(Priority, data, "from") or DASH,
            "new": _named(Priority, data, "to") or DASH,
        }  # fmt: skip
    if entry.kind == Kind.RATING:
        stars = data.get("score") or 0
        text = ngettext("%(who)s rated the service %(stars)s star.",
                        "%(who)s rated the service %(stars)s stars.", stars) % {
            "who": who, "stars": stars,
        }  # fmt: skip
        if entry.body_text:
            text = f"{text} “{entry.body_text}”"
        return text
    return str(entry.get_kind_display())


def _staff_event_text(entry, who, data) -> str | None:
    kind = entry.kind
    if kind == Kind.STATUS:
        text = _("%(who)s: %(old)s → %(new)s.") % {
            "who": who, "old": entry.status_from_label, "new": entry.status_to_label,
        }  # fmt: skip
        if data.get("reason"):
            # Not inside an f-string: makemessages would miss the msgid there.
            reason = _("Reason: %(reason)s") % {"reason": data["reason"]}
            text = f"{text} {reason}"
        return text
    if kind == Kind.ASSIGNMENT and data.get("taken_over"):
        return _("%(who)s took it over from %(agent)s.") % {"who": who, "agent": data["from"]}
    if kind == Kind.ASSIGNMENT and data.get("by_reply"):
        return _("%(who)s claimed it by replying.") % {"who": who}
    if kind == Kind.ASSIGNMENT:
        return _("%(who)s assigned it to %(agent)s.") % {"who": who, "agent": _text(data.get("to"))}
    if kind == Kind.TRANSFER:
        said = (_("%(who)s transferred it to %(department)s (%(agent)s).") if data.get("to_agent")
                else _("%(who)s transferred it to %(department)s, to its queue."))  # fmt: skip
        return said % {"who": who, "department": _named(Department, data, "to_department"),
                       "agent": data.get("to_agent")}  # fmt: skip
    if kind == Kind.ESCALATION:
        return _("%(who)s escalated it to %(department)s as #%(number)s.") % {
            "who": who, "department": _named(Department, data, "department"),
            "number": _text(data.get("child")),
        }  # fmt: skip
    if kind == Kind.EDIT:
        return _edit_text(who, data)
    if kind == Kind.TIME:
        minutes = entry.minutes or 0
        return ngettext("%(who)s logged %(minutes)s minute.",
                        "%(who)s logged %(minutes)s minutes.", minutes) % {
            "who": who, "minutes": minutes,
        }  # fmt: skip
    return None


def _edit_text(who, data) -> str:
    if data.get("service_order"):
        return _service_order_text(who, data)
    if data.get("held_reply_accepted"):
        return _("%(who)s accepted the held reply of %(sender)s.") % {
            "who": who, "sender": data["held_reply_accepted"]}  # fmt: skip
    if merge := data.get("merge"):
        said = _("%(who)s undid the merge of %(numbers)s into #%(into)s.") if merge.get("undo") \
            else _("%(who)s merged %(numbers)s into #%(into)s.")  # fmt: skip
        numbers = ", ".join(f"#{n}" for n in merge["sources"])
        return said % {"who": who, "numbers": numbers, "into": merge["into"]}
    if data.get("trash") == "trashed":
        return _("%(who)s moved it to the trash.") % {"who": who}
    if data.get("trash") == "restored":
        return _("%(who)s restored it from the trash.") % {"who": who}
    changes = "; ".join(_change_text(field, change) for field, change in data.items())
    edited = _("%(who)s edited:") % {"who": who}
    return f"{edited} {changes}"


def _change_text(field, change) -> str:
    # [before, after], and the rows' ids after them for a configuration field.
    values = list(change) if isinstance(change, (list, tuple)) else []
    before, after, before_id, after_id = (values + ["", "", None, None][len(values) :])[:4]
    if field in NAMED:
        before, after = (_name_of(NAMED[field], before_id, before),
                         _name_of(NAMED[field], after_id, after))  # fmt: skip
    try:
        model_field = Ticket._meta.get_field(field)
    except FieldDoesNotExist:  # the opening message
        model_field = None
    boolean = getattr(model_field, "get_internal_type", str)() == "BooleanField"
    name = model_field.verbose_name if model_field else _("message")
    return f"{name}: {_value(before, boolean)} → {_value(after, boolean)}"


def _value(value, boolean: bool) -> str:
    text = _text(value)
    if boolean and text in ("True", "False"):
        text = _("yes") if text == "True" else _("no")
    return f"“{text}”" if text else DASH


def _service_order_text(who, data) -> str:
    if data["service_order"] == "scheduled":
        said = _("%(who)s scheduled a service order with %(technician)s")
    else:
        said = _("%(who)s changed a service order of %(technician)s")
    said %= {"who": who, "technician": _text(data.get("technician"))}
    try:  # stored as ISO times; shown in the reader's locale, in the site's time zone
        starts, ends = (timezone.localtime(datetime.fromisoformat(data[key]))
                        for key in ("starts_at", "ends_at"))  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return f"{said}."
    day = date_format(starts, "SHORT_DATE_FORMAT")
    return f"{said}: {day} {starts:%H:%M}–{ends:%H:%M}."  # noqa: RUF001 - a range of hours


def _in_language(data: dict, key: str) -> str:
    # A name an entry stored in both languages (an attendance type), in the reader's.
    if (get_language() or "").lower().startswith("pt") and data.get(f"{key}_pt_br"):
        return data[f"{key}_pt_br"]
    return _text(data.get(key))


def _progress_text(label) -> str:
    return _("Progress: %(label)s") % {"label": label}


def progress_name(data: dict) -> str:
    """The progress label a PROGRESS entry set, in the reader's language ("" when it ended)."""
    if data.get("label") and (row := row_of(ProgressLabel, data.get("label_id"), data["label"])):
        return row.display_name
    if (get_language() or "").lower().startswith("pt") and data.get("label_pt_br"):
        return data["label_pt_br"]
    return data.get("label") or ""


def _minutes_text(minutes) -> str:
    return ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {"minutes": minutes}


def _wrote_text(quoted) -> str:
    return _("%(name)s wrote:") % {"name": quoted.author.full_name if quoted.author else ""}


def staff_thread(entries, ticket):
    """The agent page's history: messages, notes, mail and progress as cards, events as lines.
    `entries` come from `queues.agent_thread()`: the fragment does no query."""
    return render_fragment(
        "tickets/_staff_thread.html",
        {
            "entries": entries,
            "ticket": ticket,
            "event_text": event_text,
            "progress_text": _progress_text,
            "progress_name": progress_name,
            "minutes_text": _minutes_text,
            "in_language": _in_language,
        },
    )


def customer_thread(entries, ticket, *, may_act: bool, reader_id: int | None):
    """The customer's history as the person `reader_id` reads it (None: a guest): messages as
    cards (with "Quote" for who may answer), events as lines. `entries` come from
    `selectors.public_thread()`."""
    return render_fragment(
        "tickets/_customer_thread.html",
        {
            "entries": entries,
            "ticket": ticket,
            "quotes": may_act and not ticket.is_closed,
            "own": ticket.is_own_for(reader_id),
            "event_text": event_text,
            "wrote_text": _wrote_text,
            "progress_text": _progress_text,
            "progress_name": progress_name,
        },
    )
