"""Received mail is stored before anything can fail, and tried again until it is taken."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mail import inbox
from mail.models import ReceivedMessage

pytestmark = pytest.mark.django_db
RAW = b"Message-ID: <one@example.com>\r\nFrom: a@example.com\r\nSubject: Hi\r\n\r\nHello\r\n"
handled = []


def broken_handler(raw: bytes):
    raise ConnectionError("Redis is down")


def handler(raw: bytes):
    handled.append(raw)


@pytest.fixture
def handler_fails(settings):
    settings.INBOUND_MAIL_HANDLER = "mail.tests.test_inbox.broken_handler"
    handled.clear()
    return settings


def test_a_message_is_stored_as_it_came_and_kept_when_it_cannot_be_processed(handler_fails):
    received = inbox.receive(RAW)
    assert received.message_id == "<one@example.com>"
    assert bytes(received.raw) == RAW
    assert received.status == ReceivedMessage.Status.PENDING
    assert received.attempts == 1
    assert received.last_error == "ConnectionError: Redis is down"
    assert received.next_attempt_at > timezone.now() + timedelta(seconds=50)


def test_beat_processes_what_is_due_once_the_handler_can(handler_fails):
    received = inbox.receive(RAW)
    handler_fails.INBOUND_MAIL_HANDLER = "mail.tests.test_inbox.handler"
    assert inbox.process_due() == 0  # not due yet
    ReceivedMessage.objects.update(next_attempt_at=timezone.now())
    assert inbox.process_due() == 1
    assert inbox.process_due() == 0
    received.refresh_from_db()
    assert received.status == ReceivedMessage.Status.PROCESSED
    assert received.last_error == ""
    assert handled == [RAW]


def test_a_message_is_given_up_after_two_days_and_taken_up_when_delivered_again(handler_fails):
    inbox.receive(RAW)
    ReceivedMessage.objects.update(
        received_at=timezone.now() - timedelta(days=2), next_attempt_at=timezone.now()
    )
    inbox.process_due()
    received = ReceivedMessage.objects.get()
    assert received.status == ReceivedMessage.Status.FAILED
    handler_fails.INBOUND_MAIL_HANDLER = "mail.tests.test_inbox.handler"
    assert inbox.receive(RAW).status == ReceivedMessage.Status.PROCESSED
    assert ReceivedMessage.objects.count() == 1
    assert inbox.receive(RAW).status == ReceivedMessage.Status.PROCESSED
    assert handled == [RAW]  # processed once, however often it comes


def test_a_message_too_broken_to_read_is_stored_under_its_digest(handler_fails):
    received = inbox.store(b"\xff\xfe not a message")
    assert received.message_id.startswith("<sha256.")


def test_an_administrator_processes_failed_messages_again(client, administrator, handler_fails):
    inbox.receive(RAW)
    ReceivedMessage.objects.update(status=ReceivedMessage.Status.FAILED)
    handler_fails.INBOUND_MAIL_HANDLER = "mail.tests.test_inbox.handler"
    client.force_login(administrator)
    changelist = reverse("admin:mail_receivedmessage_changelist")
    page = client.get(changelist).content.decode()
    assert "ConnectionError: Redis is down" in page
    response = client.post(
        changelist,
        {"action": "process_now", "_selected_action": [ReceivedMessage.objects.get().id]},
    )
    assert response.status_code == 302
    assert ReceivedMessage.objects.get().status == ReceivedMessage.Status.PROCESSED
    assert handled == [RAW]
