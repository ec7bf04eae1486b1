"""The outbox: a mail is a row first, sent once after commit, kept until the server takes it."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from mail import outbox
from mail.models import OutboundEmail

pytestmark = pytest.mark.django_db
THREAD = "<thread-1@helpdesk.example>"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def queue(**fields):
    """A password-reset mail: a template every installation has."""
    defaults = {
        "to": "maria@example.com",
        "template": "accounts/password_reset",
        "context": {
            "user": {"full_name": "Maria"},
            "link": "https://help.example/r/",
            "valid_hours": 3,
        },
        "language": "pt-br",
    }
    return outbox.queue_email(**{**defaults, **fields})


def test_every_mail_is_a_row_first_then_sent_in_its_thread(committed):
    with committed():
        queued = queue(thread_id=THREAD)
    row = OutboundEmail.objects.get()
    assert row.id == queued.id
    assert row.status == OutboundEmail.Status.SENT
    assert row.attempts == 1
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    assert message.extra_headers["In-Reply-To"] == THREAD
    assert message.extra_headers["References"] == THREAD
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_rolled_back_change_sends_nothing(committed):
    def fail_after_queueing():
        with transaction.atomic():
            queue()
            raise RuntimeError("the request failed after the change")

    with committed(), pytest.raises(RuntimeError):
        fail_after_queueing()
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_delivering_twice_sends_once():
    row = queue()  # on_commit not run: the row waits
    assert outbox.deliver(row.id) is True
    assert outbox.deliver(row.id) is False
    assert len(mail.outbox) == 1


def test_a_failing_smtp_server_is_recorded_and_retried_later():
    row = queue()
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPServerDisconnected("gone"),
        ),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        outbox.deliver(row.id)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 1
    assert "gone" in row.last_error
    assert outbox.send_pending(older_than_seconds=0) == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_stored_files_ride_along_under_their_own_names(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = default_storage.save("attachments/x/abc.pdf", ContentFile(b"%PDF-1.4 test"))
    row = queue(attachments=[(stored, "orçamento.pdf", "application/pdf")])
    outbox.deliver(row.id)
    ((name, content, content_type),) = mail.outbox[0].attachments
    assert (name, content, content_type) == ("orçamento.pdf", b"%PDF-1.4 test", "application/pdf")
