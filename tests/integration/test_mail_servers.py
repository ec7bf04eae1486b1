"""Mail against real servers: IMAP (Dovecot), SMTP (aiosmtpd), Redis and a Celery worker."""

import imaplib
import json
import statistics
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mail.models import MailboxStatus, OutboundEmail
from mail.tasks import send_pending_emails
from tests.integration.conftest import wait_until
from tickets import services
from tickets.models import InboundEmail, Ticket
from tickets.tests.factories import DepartmentFactory
from tickets.tests.fixtures import open_for

MAIL = Path(__file__).resolve().parent.parent.parent / "inbound" / "tests" / "mail"
REPORTS = Path(__file__).resolve().parent.parent.parent / ".reports"


@pytest.fixture
def mailbox(dovecot, settings):
    settings.IMAP_HOST = dovecot["host"]
    settings.IMAP_PORT = dovecot["port"]
    settings.IMAP_TLS = "none"
    settings.IMAP_USER = dovecot["user"]
    settings.IMAP_PASSWORD = dovecot["password"]
    settings.IMAP_FOLDER = "INBOX"
    imap = imaplib.IMAP4(dovecot["host"], dovecot["port"])
    imap.login(dovecot["user"], dovecot["password"])

    def deliver(name: str):
        raw = (MAIL / name).read_bytes().replace(b"\n", b"\r\n")
        imap.append("INBOX", None, None, raw)

    yield deliver
    imap.logout()


@pytest.mark.django_db
def test_fetch_mail_reads_the_mailbox_and_stores_each_message_once(mailbox, client):
    DepartmentFactory(name="Support", email="support@helpdesk.example")
    DepartmentFactory(name="Billing", email="billing@helpdesk.example")
    mailbox("gmail_new_ticket.eml")
    mailbox("gmail_inline_image.eml")
    mailbox("mailing_list.eml")
    call_command("fetch_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Ticket.objects.count() == 2
    assert InboundEmail.objects.count() == 3
    # The same message delivered again, and a second reading: nothing new.
    mailbox("gmail_new_ticket.eml")
    call_command("fetch_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("fetch_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Ticket.objects.count() == 2
    assert InboundEmail.objects.count() == 3
    status = MailboxStatus.objects.get()
    assert status.messages_read == 4
    assert not status.is_failing
    assert client.get("/healthz").json()["checks"]["mailbox"] == "ok"


@pytest.mark.django_db
def test_a_failing_mailbox_shows_in_healthz(dovecot, settings, client):
    settings.IMAP_HOST = dovecot["host"]
    settings.IMAP_PORT = dovecot["port"]
    settings.IMAP_TLS = "none"
    settings.IMAP_USER = "helpdesk"
    settings.IMAP_PASSWORD = "wrong password"
    with pytest.raises(CommandError, match="could not be read"):
        call_command("fetch_mail")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["mailbox"]
    assert "AUTHENTICATIONFAILED" in MailboxStatus.objects.get().last_error or (
        "authentication" in MailboxStatus.objects.get().last_error.lower()
    )


@pytest.mark.django_db(transaction=True)
def test_customer_guest_and_agent_get_their_mail_at_a_real_smtp_server(
    celery_worker, smtp_sink, light_user, department, agent, manager
):
    ticket = open_for(light_user, department)
    guest_ticket, _ = services.open_guest_ticket(
        full_name="Gabi Guest", email="gabi@example.com", phone="", language="pt-br",
        department=department, title="Guest question", body_html="<p>Hello</p>",
    )  # fmt: skip
    services.assign_ticket(ticket=ticket, actor=manager, agent=agent)
    wait_until(lambda: len(smtp_sink.messages) == 3)
    by_recipient = {m["to"][0]: m["message"] for m in smtp_sink.messages}
    customer = by_recipient[light_user.email]
    assert str(customer["Subject"]).startswith(f"[#{ticket.number}]")
    assert str(customer["In-Reply-To"]) == ticket.email_thread_id
    guest = by_recipient["gabi@example.com"]
    assert str(guest["Subject"]).startswith(f"[#{guest_ticket.number}] Ticket recebido")
    assert "/tickets/access/" in guest.get_body(("plain",)).get_content()
    assert str(by_recipient[agent.email]["Subject"]).startswith(f"[#{ticket.number}] Assigned")
    # The worker marks a mail sent once the server has taken it: a moment after the sink has it.
    wait_until(lambda: set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"})


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_and_doubles_nothing(
    celery_worker, publish_to, smtp_sink, light_user, department, agent
):
    first = open_for(light_user, department)
    wait_until(lambda: len(smtp_sink.messages) == 1)

    publish_to.stop()  # Redis goes away while people keep working
    second = open_for(light_user, department, title="During the outage")
    services.claim_ticket(ticket=first, actor=agent)
    services.reply_to_ticket(ticket=first, actor=agent, body_html="<p>Answered meanwhile</p>")
    services.reply_to_ticket(ticket=second, actor=light_user, body_html="<p>More</p>")
    pending = OutboundEmail.objects.filter(status="pending")
    assert pending.count() == 3  # receipt, reply to the customer, acknowledgement
    assert len(smtp_sink.messages) == 1

    publish_to.start()  # back; beat's sweeper finds what was left
    send_pending_emails.delay(0)
    wait_until(lambda: len(smtp_sink.messages) == 4, timeout=60)
    wait_until(lambda: not OutboundEmail.objects.filter(status="pending").exists())
    send_pending_emails.delay(0)  # a second sweep sends nothing again
    time.sleep(2)
    ids = smtp_sink.ids()
    assert len(ids) == len(set(ids)) == 4
    assert set(ids) == set(OutboundEmail.objects.values_list("message_id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_hundred_replies_reach_the_smtp_server(
    celery_worker, smtp_sink, light_user, department, agent
):
    ticket = open_for(light_user, department)
    services.claim_ticket(ticket=ticket, actor=agent)
    wait_until(lambda: len(smtp_sink.messages) == 1)
    for n in range(200):
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html=f"<p>Reply {n}</p>")
    wait_until(lambda: len(smtp_sink.messages) == 201, timeout=120)
    written = {
        row.message_id: row.created_at.timestamp()
        for row in OutboundEmail.objects.filter(template="tickets/reply_posted")
    }
    delays = sorted(
        (m["at"] - written[str(m["message"]["Message-ID"])]) * 1000
        for m in smtp_sink.messages
        if str(m["message"]["Message-ID"]) in written
    )
    assert len(delays) == 200
    figures = {
        "mails": len(delays),
        "p50_ms": round(statistics.median(delays), 1),
        "p95_ms": round(delays[int(len(delays) * 0.95) - 1], 1),
        "max_ms": round(delays[-1], 1),
    }
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "mail-latency.json").write_text(json.dumps(figures, indent=2))
    print("mail latency:", figures)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_pdf_the_customer_downloads(
    celery_worker, client, light_user, department, agent
):
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    ticket = open_for(light_user, department, title="Relatório em branco")
    services.add_note(ticket=ticket, actor=agent, body_html="<p>internal only</p>")
    client.force_login(light_user)
    page = client.get(reverse("tickets:pdf", args=[ticket.number]))
    assert "Preparing the PDF" in page.content.decode()  # the request did not wait
    pdf = ticket.pdfs.get()
    status_url = reverse("tickets:pdf_status", args=[ticket.number, pdf.id])
    wait_until(lambda: client.get(status_url).status_code == 286, timeout=60)  # htmx: done
    response = client.get(reverse("tickets:pdf_download", args=[ticket.number, pdf.id]))
    content = b"".join(response.streaming_content)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert f"#{ticket.number}" in text
    assert "Relatório em branco" in text
    assert "internal only" not in text
