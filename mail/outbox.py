"""Outgoing mail: a row first, then a Celery task (STYLE rule 5; SPEC §6).

`queue_email()` renders the mail in the recipient's language and writes it in the caller's
transaction; after commit a task delivers it. `deliver()` claims one row (`sending`, with a
lease), sends it outside any transaction and marks it sent, so two workers never send the same
row; a failure sets the next attempt further off (1, 2, 4... minutes, at most an hour apart)
and the mail is given up only after two days of failures. Beat's `send_pending()` takes up
what is due again, what a broker outage left behind and sends whose worker died, and alerts
the administrators once when mail has been failing for a quarter of an hour.
"""

import logging
import re
import secrets
import smtplib
import time
from datetime import timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.queue import enqueue_on_commit

from .models import OutboundEmail
from .rendering import render_email, with_inline_images

logger = logging.getLogger(__name__)

LONGEST_RETRY = timedelta(hours=1)
# A mail keeps being tried this long after its first failure before it is marked failed.
RETRY_FOR = timedelta(days=2)
# A claimed mail is left to its sender this long; longer than any send can take (the SMTP
# timeout, EMAIL_TIMEOUT, and the task's hard time limit are both well under it).
LEASE = timedelta(minutes=5)
ALERT_AFTER = timedelta(minutes=15)
ALERT_TEMPLATE = "mail/outbox_failing"
# The alert about failing mail goes the same failing way: it is not retried for long.
ALERT_RETRY_FOR = timedelta(hours=1)
# Refusals of one mail; any other OSError (smtplib's errors are OSErrors too) says the server
# is unreachable or hangs, and the sweep stops there instead of waiting on every mail in turn.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
SWEEP_SECONDS = 60


def new_message_id() -> str:
    """128 random bits: a reply naming one of our Message-IDs proves it answers our mail."""
    return f"<{secrets.token_hex(16)}@{settings.MAIL_DOMAIN}>"


URL = re.compile(r"https?://[^\s\"'<>]+")
# A path segment this long from a token's alphabet is a secret: a password reset or address
# confirmation token, a signed guest link. Ticket numbers and page names are far shorter.
TOKEN_SEGMENT = re.compile(r"/[A-Za-z0-9_:.=-]{20,}(/|$|\?)")
REDACTED = "[redacted]"


def redacted(text: str) -> str:
    """`text` with every link that carries a token replaced by REDACTED."""
    return URL.sub(
        lambda found: REDACTED if TOKEN_SEGMENT.search(found.group(0)) else found.group(0), text
    )


SEND_TASK = "mail.tasks.send_email"


def queue_email(
    *, to: str, template: str, context: dict, language: str, thread_id: str = "", user=None,
    reply_to: str = "", also_to=(), cc=(), attachments=(), inline_images=None,
) -> OutboundEmail:  # fmt: skip
    """Write a mail to send after commit, rendered now in `language`.

    Mails of one conversation name its first Message-ID (`thread_id`), so mail clients
    thread them and a reply can be matched to it. `attachments` are stored files:
    (name in storage, file name shown, content type); `inline_images` are such files by the
    address the HTML shows them from, sent inside the mail and shown in place.
    """
    subject, text, html = render_email(template, context, language=language)
    html, inline = with_inline_images(html, inline_images or {}, domain=settings.MAIL_DOMAIN)
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
        attachments=[list(attachment) for attachment in attachments] + inline,
        message_id=new_message_id(),
        in_reply_to=thread_id,
        references=thread_id,
    )
    enqueue_on_commit(SEND_TASK, row.id)
    return row


def _claimable(now):
    due = Q(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now)
    abandoned = Q(status=OutboundEmail.Status.SENDING, lease_until__lt=now)
    return OutboundEmail.objects.filter(due | abandoned)


def _claim(email_id: int) -> OutboundEmail | None:
    """Take the row for this sender until its lease ends; None when it is not due, sent, or
    another sender holds it."""
    now = timezone.now()
    with transaction.atomic():
        row = _claimable(now).select_for_update(skip_locked=True).filter(id=email_id).first()
        if row is None:
            return None
        row.status = OutboundEmail.Status.SENDING
        row.lease_until = now + LEASE
        row.attempts += 1
        row.save(update_fields=["status", "lease_until", "attempts"])
    return row


def deliver(email_id: int) -> bool:
    """Send one due mail; True when this call sent it. Raises when the SMTP server fails,
    after recording the attempt and when to try again.

    The row is claimed (committed as `sending`) before the SMTP conversation and marked sent
    after it, both outside any transaction held during the send. One window remains: if the
    process dies after the server accepted the message and before the "sent" mark is
    written, the mail is sent again once the lease expires (at least once, never lost).
    """
    row = _claim(email_id)
    if row is None:
        return False
    try:
        _message(row).send()
    except Exception as error:
        _record_failure(row, error)
        raise
    # Sent: the links that let someone in (reset, confirmation, guest links) are not kept
    # readable in the row, which the admin shows for as long as it lives.
    OutboundEmail.objects.filter(id=row.id, status=OutboundEmail.Status.SENDING).update(
        status=OutboundEmail.Status.SENT,
        body_text=redacted(row.body_text),
        body_html=redacted(row.body_html),
        sent_at=timezone.now(),
        last_error="",
        lease_until=None,
        failing_since=None,
    )
    return True


def retry_delay(attempts: int) -> timedelta:
    """How long after its `attempts`-th failed attempt a mail is tried again."""
    first = timedelta(seconds=settings.MAIL_FIRST_RETRY_SECONDS)
    return min(LONGEST_RETRY, first * 2 ** min(max(attempts - 1, 0), 12))


def _record_failure(row: OutboundEmail, error: Exception) -> None:
    now = timezone.now()
    failing_since = row.failing_since or now
    give_up_after = ALERT_RETRY_FOR if row.template == ALERT_TEMPLATE else RETRY_FOR
    gives_up = now - failing_since >= give_up_after
    OutboundEmail.objects.filter(id=row.id, status=OutboundEmail.Status.SENDING).update(
        status=OutboundEmail.Status.FAILED if gives_up else OutboundEmail.Status.PENDING,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        failing_since=failing_since,
        next_attempt_at=now + retry_delay(row.attempts),
        lease_until=None,
    )


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
    inline_only = bool(row.attachments) and all(len(a) > 3 for a in row.attachments)
    if inline_only:  # the images belong to the HTML part (RFC 2387), not beside it
        message.mixed_subtype = "related"  # type: ignore[attr-defined]  # not in the stubs
    for stored_name, name, content_type, *content_id in row.attachments:
        with default_storage.open(stored_name, "rb") as stored:
            data = stored.read()
        if content_id and content_type.startswith("image/"):
            image = MIMEImage(data, _subtype=content_type.partition("/")[2])
            image.add_header("Content-ID", f"<{content_id[0]}>")
            image.add_header("Content-Disposition", "inline", filename=name)
            message.attach(image)
        else:
            message.attach(name, data, content_type)
    return message


def send_pending(*, older_than_seconds: int = 30) -> int:
    """Deliver what is due (new mail a while after it was written, retries whose time has
    come, sends whose lease expired); returns how many were sent. Stops early when the
    server is unreachable: the rest stays due for the next sweep."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    due = (
        _claimable(timezone.now())
        .filter(Q(attempts__gt=0) | Q(created_at__lte=cutoff))
        .order_by("next_attempt_at")
    )
    sent, started = 0, time.monotonic()
    for email_id in due.values_list("id", flat=True)[:500]:
        try:
            sent += deliver(email_id)
        except Exception as error:
            logger.warning("mail %s not sent yet", email_id, exc_info=True)
            if isinstance(error, OSError) and not isinstance(error, REFUSED):
                break  # the server is unreachable: the rest stays due
        if time.monotonic() - started > SWEEP_SECONDS:
            break
    alert_if_failing()
    return sent


def failing_since():
    """When the oldest mail still unsent began failing, once that is over ALERT_AFTER ago;
    None while mail goes out."""
    oldest = (
        OutboundEmail.objects.filter(failing_since__isnull=False)
        .exclude(status=OutboundEmail.Status.SENT)
        .exclude(template=ALERT_TEMPLATE)
        .order_by("failing_since")
        .values_list("failing_since", flat=True)
        .first()
    )
    if oldest is None or timezone.now() - oldest < ALERT_AFTER:
        return None
    return oldest


def alert_if_failing() -> int:
    """Mail the administrators once per run of failures older than ALERT_AFTER; returns
    how many alerts were queued."""
    since = failing_since()
    if since is None:
        return 0
    if OutboundEmail.objects.filter(template=ALERT_TEMPLATE, created_at__gte=since).exists():
        return 0  # told already about this run of failures
    unsent = (
        OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT)
        .exclude(failing_since=None)
        .count()
    )
    queued = 0
    with transaction.atomic():
        for address, language in import_string(settings.MAIL_ALERT_RECIPIENTS)():
            queue_email(
                to=address,
                template=ALERT_TEMPLATE,
                context={"since": since, "unsent": unsent},
                language=language,
            )
            queued += 1
    return queued


def retry_failed(queryset) -> int:
    """Give failed mails another two days of attempts, now (an administrator's action)."""
    ids = list(queryset.values_list("id", flat=True))
    OutboundEmail.objects.filter(id__in=ids).update(
        status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now(),
        failing_since=None,
    )  # fmt: skip
    for email_id in ids:
        enqueue_on_commit(SEND_TASK, email_id)
    return len(ids)
