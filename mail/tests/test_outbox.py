"""The outbox: a mail is a row first, sent once after commit, kept until the server takes it."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail import outbox
from mail.models import OutboundEmail

pytestmark = pytest.mark.django_db
THREAD = "<thread-1@helpdesk.example>"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


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
    assert row.next_attempt_at > timezone.now()
    assert outbox.send_pending(older_than_seconds=0) == 0  # not due yet: no hammering
    _make_due(row)
    assert outbox.send_pending(older_than_seconds=0) == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.failing_since is None
    assert len(mail.outbox) == 1


def _make_due(row, *, failing_for=None):
    fields = {"next_attempt_at": timezone.now() - timedelta(seconds=1)}
    if failing_for is not None:
        fields["failing_since"] = timezone.now() - failing_for
    OutboundEmail.objects.filter(id=row.id).update(**fields)


def _failing_smtp():
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPRecipientsRefused({}),
    )


def test_retries_back_off_to_an_hour():
    delays = [outbox.retry_delay(attempt) for attempt in range(1, 60)]
    assert delays[:4] == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
    assert max(delays) == timedelta(hours=1)
    assert delays == sorted(delays)
    # at the capped pace a mail gets tried about 50 times in its two days
    total, attempts = timedelta(), 0
    while total < outbox.RETRY_FOR:
        attempts += 1
        total += outbox.retry_delay(attempts)
    assert 45 < attempts < 60


def test_a_mail_is_given_up_only_after_two_days_of_failures():
    row = queue()
    with _failing_smtp():
        for failing_for in (None, timedelta(hours=47, minutes=59)):
            if failing_for:
                _make_due(row, failing_for=failing_for)
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                outbox.deliver(row.id)
            row.refresh_from_db()
            assert row.status == OutboundEmail.Status.PENDING
        _make_due(row, failing_for=timedelta(days=2))
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            outbox.deliver(row.id)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert row.attempts == 3


def test_one_refused_mail_does_not_hold_up_the_others():
    refused, fine = queue(to="nobody@example.com"), queue()
    OutboundEmail.objects.filter(id=refused.id).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    real_send = LocmemBackend.send_messages

    def send_messages(backend, messages):
        if "nobody@example.com" in messages[0].to:
            raise smtplib.SMTPRecipientsRefused({"nobody@example.com": (550, b"no such user")})
        return real_send(backend, messages)

    with mock.patch.object(LocmemBackend, "send_messages", send_messages):
        assert outbox.send_pending(older_than_seconds=0) == 1
    assert [message.to for message in mail.outbox] == [[fine.to]]
    refused.refresh_from_db()
    assert refused.status == OutboundEmail.Status.PENDING
    assert "no such user" in refused.last_error


def test_a_claimed_mail_is_left_to_its_sender_until_the_lease_ends():
    row = queue()
    OutboundEmail.objects.filter(id=row.id).update(
        status=OutboundEmail.Status.SENDING, lease_until=timezone.now() + outbox.LEASE
    )
    assert outbox.deliver(row.id) is False
    assert outbox.send_pending(older_than_seconds=0) == 0
    # the sender died: once its lease is over the sweeper sends the mail
    OutboundEmail.objects.filter(id=row.id).update(lease_until=timezone.now())
    assert outbox.send_pending(older_than_seconds=0) == 1
    assert len(mail.outbox) == 1


def test_failed_mail_is_sent_again_from_the_admin(admin_client):
    row = queue()
    OutboundEmail.objects.filter(id=row.id).update(
        status=OutboundEmail.Status.FAILED, attempts=50, failing_since=timezone.now()
    )
    response = admin_client.post(
        reverse("admin:mail_outboundemail_changelist"),
        {"action": "send_again", "_selected_action": [row.id]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_administrators_are_told_once_when_mail_fails_for_a_quarter_of_an_hour(
    admin_client, administrator, committed
):
    row = queue()
    OutboundEmail.objects.filter(id=row.id).update(attempts=3, last_error="SMTPConnectError")
    _make_due(row, failing_for=timedelta(minutes=14))
    banner = "Outgoing mail has been failing since"
    with _failing_smtp(), committed():
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            outbox.deliver(row.id)
        assert outbox.alert_if_failing() == 0
    assert banner not in admin_client.get(reverse("admin:index")).content.decode()

    _make_due(row, failing_for=timedelta(minutes=16))
    with _failing_smtp(), committed():
        outbox.send_pending(older_than_seconds=0)
        outbox.send_pending(older_than_seconds=0)
    alerts = OutboundEmail.objects.filter(template=outbox.ALERT_TEMPLATE)
    assert list(alerts.values_list("to", flat=True)) == [administrator.email]
    assert banner in admin_client.get(reverse("admin:index")).content.decode()

    _make_due(row)
    with committed():
        outbox.send_pending(older_than_seconds=0)
    assert banner not in admin_client.get(reverse("admin:index")).content.decode()


def test_the_alert_itself_is_not_retried_for_days():
    row = queue(template=outbox.ALERT_TEMPLATE, context={"since": timezone.now(), "unsent": 3})
    _make_due(row, failing_for=outbox.ALERT_RETRY_FOR)
    with _failing_smtp(), pytest.raises(smtplib.SMTPRecipientsRefused):
        outbox.deliver(row.id)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED


def test_stored_files_ride_along_under_their_own_names(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = default_storage.save("attachments/x/abc.pdf", ContentFile(b"%PDF-1.4 test"))
    row = queue(attachments=[(stored, "orçamento.pdf", "application/pdf")])
    outbox.deliver(row.id)
    ((name, content, content_type),) = mail.outbox[0].attachments
    assert (name, content, content_type) == ("orçamento.pdf", b"%PDF-1.4 test", "application/pdf")
