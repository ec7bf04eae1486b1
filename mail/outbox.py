"""Outgoing mail: a row first, then a Celery task (STYLE rule 5; SPEC §6).

`queue_email()` renders the mail in the recipient's language and writes it in the caller's
transaction; after commit a task delivers it. `deliver()` sends one row holding its lock, so
two workers never send the same row; `send_pending()` picks up whatever a broker or SMTP
outage left behind.
"""

import logging
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from core.queue import enqueue_on_commit

from .models import OutboundEmail
from .rendering import render_email

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def new_message_id() -> str:
    return make_msgid(idstring="helpdesk", domain=settings.MAIL_DOMAIN)


SEND_TASK = "mail.tasks.send_email"


def queue_email(
    *, to: str, template: str, context: dict, language: str, thread_id: str = "", user=None,
    reply_to: str = "", also_to=(), cc=(), attachments=(),
) -> OutboundEmail:  # fmt: skip
    """Write a mail to send after commit, rendered now in `language`.

    Mails of one conversation name its first Message-ID (`thread_id`), so mail clients
    thread them and a reply can be matched to it. `attachments` are stored files:
    (name in storage, file name shown, content type).
    """
    subject, text, html = render_email(template, context, language=language)
    row = OutboundEmail.objects.create(
        to=to,
        template=template,
        user=user,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        reply_to=reply_to,
        also_to="\n".join(also_to),
        cc="\n".join(cc),
        attachments=[list(attachment) for attachment in attachments],
        message_id=new_message_id(),
        in_reply_to=thread_id,
        references=thread_id,
    )
    enqueue_on_commit(SEND_TASK, row.id)
    return row


def deliver(email_id: int) -> bool:
    """Send one pending mail; True when this call sent it. Raises when the SMTP server fails,
    after recording the attempt."""
    failure = None
    with transaction.atomic():
        row = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(id=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if row is None:  # sent already, or another worker holds it right now
            return False
        row.attempts += 1
        try:
            _message(row).send()
        except Exception as error:
            failure = error
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = OutboundEmail.Status.FAILED
        else:
            row.status = OutboundEmail.Status.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if failure is not None:
        raise failure
    return True


def _message(row: OutboundEmail) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": row.message_id,
        # Our mail is automatic: well-behaved auto-responders must not answer it (RFC 3834).
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if row.in_reply_to:
        headers["In-Reply-To"] = row.in_reply_to
        headers["References"] = row.references or row.in_reply_to
    message = EmailMultiAlternatives(
        row.subject,
        row.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [row.to, *row.also_to.split()],
        cc=row.cc.split(),
        headers=headers,
        reply_to=[row.reply_to] if row.reply_to else None,
    )
    message.attach_alternative(row.body_html, "text/html")
    for stored_name, name, content_type in row.attachments:
        with default_storage.open(stored_name, "rb") as stored:
            message.attach(name, stored.read(), content_type)
    return message


def send_pending(*, older_than_seconds: int = 30) -> int:
    """Deliver what is still pending a while after it was written; returns how many were sent."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, created_at__lte=cutoff
    ).order_by("created_at")
    sent = 0
    for email_id in pending.values_list("id", flat=True)[:500]:
        try:
            sent += deliver(email_id)
        except Exception:
            logger.warning("mail %s not sent yet", email_id, exc_info=True)
    return sent


def retry_failed(queryset) -> int:
    """Give failed mails another round of attempts (an administrator's action)."""
    ids = list(queryset.values_list("id", flat=True))
    OutboundEmail.objects.filter(id__in=ids).update(status=OutboundEmail.Status.PENDING, attempts=0)
    for email_id in ids:
        enqueue_on_commit(SEND_TASK, email_id)
    return len(ids)
