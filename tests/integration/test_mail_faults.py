"""Mail survives the outages it meets in production, on real servers on loopback: an SMTP
server down for longer than the old ten attempts, one that hangs, Redis or the database gone
while the mail server pipes a message in."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from mail import outbox
from mail.models import OutboundEmail, ReceivedMessage
from mail.tasks import send_pending_emails
from tests.integration.conftest import start_worker, stop_worker, wait_until
from tests.servers import Sink, free_port, server_env
from tickets.models import InboundEmail, Ticket
from tickets.tests.factories import DepartmentFactory
from tickets.tests.fixtures import open_for

ROOT = Path(__file__).resolve().parent.parent.parent
MAIL = ROOT / "inbound" / "tests" / "mail" / "gmail_new_ticket.eml"
MESSAGE_ID = "<CAJ8x7Q1fGmail-new-0001@mail.gmail.com>"


@pytest.fixture
def smtp_at(settings):
    """Outgoing mail goes to 127.0.0.1 on a port of our own, where nothing listens yet."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return port


def _everything_due():
    # Time passes: every retry's hour has come (no sleeping for it).
    OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.django_db(transaction=True)
def test_mail_queued_while_smtp_is_down_arrives_once_when_it_returns(
    require_postgres, smtp_at, light_user, department, agent
):
    from tickets import services

    ticket = open_for(light_user, department)  # the receipt: refused at once
    services.claim_ticket(ticket=ticket, actor=agent)
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Which version?</p>")
    unsent = OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT)
    assert unsent.count() == 2  # the receipt and the reply to the customer
    # each sweep stops at the first refusal: 22 sweeps try each mail 11 more times, beyond
    # the old ten attempts (after which a mail was "failed" forever)
    for _sweep in range(22):
        _everything_due()
        assert send_pending_emails(0) == 0
    assert set(unsent.values_list("status", flat=True)) == {OutboundEmail.Status.PENDING}
    assert max(unsent.values_list("attempts", flat=True)) > 10
    assert "ConnectionRefusedError" in unsent.first().last_error

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_at)
    controller.start()  # the server is back; nobody clicks anything
    try:
        _everything_due()
        assert send_pending_emails(0) == 2
        _everything_due()
        assert send_pending_emails(0) == 0  # the next sweep sends nothing again
    finally:
        controller.stop()
    ids = sink.ids()
    assert len(ids) == len(set(ids)) == 2
    assert set(ids) == set(OutboundEmail.objects.values_list("message_id", flat=True))
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


# The suite's outage is short, with retries and sweeps seconds apart; at production scale
# (the figures, the default retry schedule): HELPDESK_SMTP_OUTAGE_SECONDS=1200
# HELPDESK_SMTP_OUTAGE_MAILS=100 HELPDESK_MAIL_SCHEDULE=production.
SMTP_OUTAGE_SECONDS = float(os.environ.get("HELPDESK_SMTP_OUTAGE_SECONDS", "8"))
SMTP_OUTAGE_MAILS = int(os.environ.get("HELPDESK_SMTP_OUTAGE_MAILS", "12"))
FAST_SCHEDULE = os.environ.get("HELPDESK_MAIL_SCHEDULE") != "production"


@pytest.mark.django_db(transaction=True)
def test_smtp_down_for_a_while_every_mail_arrives_once_by_beat_alone(
    require_postgres, publish_to, light_user, department, tmp_path
):
    port = free_port()
    schedule = {"MAIL_FIRST_RETRY_SECONDS": "1", "MAIL_SWEEP_SECONDS": "2"} if FAST_SCHEDULE else {}
    worker = start_worker(
        tmp_path / "worker.log", redis_url=publish_to.url, email_url=f"smtp://127.0.0.1:{port}",
        beat=True, **schedule,
    )  # fmt: skip
    try:
        began = time.monotonic()
        for _ in range(SMTP_OUTAGE_MAILS):
            open_for(light_user, department)  # each with its receipt, refused while down
        expected = set(OutboundEmail.objects.values_list("message_id", flat=True))
        wait_until(lambda: OutboundEmail.objects.filter(attempts__gt=0).count() == len(expected))
        time.sleep(max(0.0, SMTP_OUTAGE_SECONDS - (time.monotonic() - began)))
        tried = sum(OutboundEmail.objects.values_list("attempts", flat=True))
        assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).exists()
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()  # the server is back; nobody clicks anything
        back = time.monotonic()
        try:
            everything = lambda: len(sink.messages) >= len(expected)  # noqa: E731
            wait_until(everything, timeout=SMTP_OUTAGE_SECONDS * 2 + 60)
            arrived = time.monotonic() - back
            time.sleep(5 if FAST_SCHEDULE else 90)  # two more sweeps send nothing again
        finally:
            controller.stop()
    finally:
        stop_worker(worker)
    ids = sink.ids()
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
    print(f"{len(ids)} mails, {tried} refused attempts, all sent once {arrived:.0f} s after")


class HungServer:
    """Accepts connections and never says a word."""

    def __init__(self, port: int):
        self.listener = socket.create_server(("127.0.0.1", port))
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                accepted, _address = self.listener.accept()
            except OSError:
                return
            self.connections.append(accepted)

    def close(self):
        self.listener.close()
        for accepted in self.connections:
            accepted.close()


@pytest.mark.django_db(transaction=True)
def test_a_hung_smtp_server_times_out_and_the_lease_keeps_a_second_worker_off(
    require_postgres, smtp_at, settings
):
    settings.EMAIL_TIMEOUT = 3
    server = HungServer(smtp_at)
    try:
        row = outbox.queue_email(
            to="maria@example.com",
            template="accounts/password_reset",
            context={"user": {"full_name": "Maria"}, "link": "https://x/", "valid_hours": 3},
            language="en",
        )  # autocommit: sent at once, and the server hangs until EMAIL_TIMEOUT
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.PENDING
        assert "timed out" in row.last_error
        assert len(server.connections) == 1

        _everything_due()
        first = threading.Thread(target=lambda: _swallow(outbox.deliver, row.id))
        first.start()  # a worker stuck in the SMTP conversation
        wait_until(
            lambda: OutboundEmail.objects.filter(id=row.id, status="sending").exists(),
            timeout=5,
        )
        claimed = OutboundEmail.objects.get(id=row.id)
        assert claimed.lease_until > timezone.now() + timedelta(minutes=4)
        assert outbox.deliver(row.id) is False  # a second worker keeps off
        assert send_pending_emails(0) == 0
        first.join(timeout=10)
        assert len(server.connections) == 2  # the second worker never connected
    finally:
        server.close()
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 2
    assert row.next_attempt_at > timezone.now()
    assert row.lease_until is None


def _swallow(function, *args):
    try:
        with contextlib.suppress(OSError):  # the timeout, recorded on the row
            function(*args)
    finally:
        connection.close()  # this thread's own connection, or the test database stays busy


def _receive_mail(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "receive_mail"],
        input=MAIL.read_bytes(), cwd=ROOT, env=env, capture_output=True, timeout=120,
    )  # fmt: skip


def _production_env(**extra) -> dict:
    # The production settings, as the mail server's pipe runs them (the suite's own keep the
    # cache in memory whatever REDIS_URL says).
    return server_env(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.main",
        DJANGO_SECRET_KEY="receive-mail-in-tests-" + "x" * 40,
        DJANGO_DEBUG="false",
        EMAIL_URL="consolemail://",
        DJANGO_DB_POOL_SIZE="0",
        **extra,
    )


@pytest.mark.django_db(transaction=True)
def test_mail_piped_in_while_redis_is_down_is_stored_processed_and_accepted(
    require_postgres, redis_server
):
    DepartmentFactory(name="Support", email="support@helpdesk.example")
    redis_server.stop()  # the database answers, Redis does not
    result = _receive_mail(_production_env(REDIS_URL=redis_server.url))
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    received = ReceivedMessage.objects.get()
    assert received.message_id == MESSAGE_ID
    assert bytes(received.raw) == MAIL.read_bytes()
    # Processed at once: the handler needs the database only (the cache and the queue of
    # the receipt degrade without Redis); the receipt waits in the outbox for the broker.
    assert received.status == ReceivedMessage.Status.PROCESSED, received.last_error
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()
    assert InboundEmail.objects.get().outcome == InboundEmail.Outcome.OPENED
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_mail_piped_in_while_the_database_is_down_is_left_with_the_mail_server(
    require_postgres,
):
    closed = free_port()
    env = _production_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/helpdesk")
    result = _receive_mail(env)
    assert result.returncode == 75, result.stderr.decode()[-2000:]  # EX_TEMPFAIL: try later
    assert b"try again later" in result.stderr
    assert not ReceivedMessage.objects.exists()
