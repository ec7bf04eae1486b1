"""A message "as an e-mail" (S2 §4 5b): from, to, date, subject and body, as a page shows it."""

from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr

from django.conf import settings

from .models import OutboundEmail


@dataclass(frozen=True)
class AsEmail:
    sender: str
    to: str
    date: datetime
    subject: str
    body: str


def _address(name_and_email: tuple[str, str]) -> str:
    # A party with no address of its own (a department without one) writes from ours.
    return formataddr(name_and_email) if name_and_email[1] else settings.DEFAULT_FROM_EMAIL


def as_mailed(
    mail_id: int | None, *, sender: tuple[str, str], to: tuple[str, str], date: datetime,
    subject: str, body: str,
) -> AsEmail:  # fmt: skip
    """The outbox's mail `mail_id` as it went out (from us; its to, date and subject) with
    `body`, the words of the message rather than the mail's links; when no such mail was
    written, the message rebuilt from `sender` (name, e-mail), `to`, `date` and `subject`."""
    row = OutboundEmail.objects.filter(id=mail_id or 0).first()
    if row is None:
        return AsEmail(_address(sender), _address(to), date, subject, body)
    return AsEmail(
        settings.DEFAULT_FROM_EMAIL, row.to, row.sent_at or row.created_at, row.subject, body
    )
