"""Webhooks: deliveries written with the change, sent in order by the worker, signed, retried,
paused, logged; never to a private address unless an administrator allows it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api import transport, webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from api.tests.receiver import SECRET, Receiver, endpoint_for, verify
from chat import services as chat
from tickets import services
from tickets.tests.fixtures import open_for
from workspace.merge import merge_tickets


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    """Run the block's after-commit work (the delivery tasks, eager in the suite)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_a_tickets_life_reaches_the_receiver_signed_in_order_once_each(
    receiver, run_commits, light_user, agent, department, normal_priority, high_priority
):
    endpoint_for(receiver)
    with run_commits():
        ticket = open_for(light_user, department)
    with run_commits():
        services.claim_ticket(ticket=ticket, actor=agent)
    with run_commits():
        services.add_note(ticket=ticket, actor=agent, body_html="<p>Only for us.</p>")
    with run_commits():
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Try again now.</p>")
    with run_commits():
        services.change_priority(ticket=ticket, actor=light_user, priority=high_priority)
    with run_commits():
        services.resolve_ticket(ticket=ticket, actor=agent, body_html="<p>Fixed.</p>")
    with run_commits():
        services.rate_ticket(ticket=ticket, actor=light_user, score=5, comment="Fast!")

    assert receiver.events == [
        "ticket.created",
        "ticket.updated",  # claimed: the status
        "ticket.updated",  # claimed: the assignee
        "ticket.updated",  # the reply: waiting for the customer
        "ticket.entry_created",  # the reply's message (the note is not asked for)
        "ticket.updated",  # the priority
        "ticket.updated",  # resolved
        "ticket.entry_created",  # the resolution's message
        "ticket.updated",  # closed by the rating
        "ticket.rated",
    ]
    for headers, body in receiver.received:
        assert verify(SECRET, headers["X-Helpdesk-Signature"], body)
        assert not verify("another secret", headers["X-Helpdesk-Signature"], body)
    payloads = receiver.payloads()
    assert len({p["id"] for p in payloads}) == len(payloads) == WebhookDelivery.objects.count()
    assert {p["ticket"]["number"] for p in payloads} == {ticket.number}
    assert payloads[0]["entry"]["body_text"].strip() == "The printer says no."
    assert payloads[2]["changes"] == {"assignee": {"from": None, "to": agent.full_name}}
    assert payloads[3]["changes"] == {"status": {"from": "open", "to": "waiting_customer"}}
    assert payloads[5]["changes"]["priority"]["to"] == high_priority.name
    assert payloads[-1]["rating"] == {"score": 5, "comment": "Fast!"}
    assert not WebhookDelivery.objects.exclude(status="delivered").exists()


def test_internal_notes_are_sent_only_to_an_endpoint_that_asks_for_them(
    receiver, run_commits, ticket, agent
):
    quiet = endpoint_for(receiver, events=["ticket.entry_created"])
    noted = endpoint_for(receiver, events=["ticket.entry_created"], include_notes=True)
    with run_commits():
        services.add_note(ticket=ticket, actor=agent, body_html="<p>Only for us.</p>")
    assert not quiet.deliveries.exists()
    assert noted.deliveries.get().payload["entry"]["kind"] == "note"


def test_a_change_rolled_back_leaves_no_delivery(receiver, light_user, department):
    endpoint_for(receiver)

    def fails_after_opening():
        with transaction.atomic():
            open_for(light_user, department)
            assert WebhookDelivery.objects.exists()
            raise ZeroDivisionError  # the change fails after the ticket was written

    with pytest.raises(ZeroDivisionError):
        fails_after_opening()
    assert not WebhookDelivery.objects.exists()


def test_an_inactive_or_paused_endpoint_or_another_event_records_nothing(
    receiver, light_user, department
):
    endpoint_for(receiver, is_active=False)
    endpoint_for(receiver, paused_at=timezone.now())
    endpoint_for(receiver, events=["chat.started"])
    open_for(light_user, department)
    assert not WebhookDelivery.objects.exists()


def test_a_failed_delivery_waits_with_backoff_and_holds_back_the_later_ones(
    receiver, run_commits, light_user, agent, department, settings
):
    endpoint = endpoint_for(receiver)
    receiver.answers = [500]
    with run_commits():
        ticket = open_for(light_user, department)
    with run_commits():
        services.claim_ticket(ticket=ticket, actor=agent)
    first, *later = WebhookDelivery.objects.order_by("id")
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("pending", 1)
    wait = first.next_attempt_at - timezone.now()
    assert timedelta(seconds=settings.WEBHOOK_FIRST_RETRY_SECONDS - 5) < wait
    assert wait <= timedelta(seconds=settings.WEBHOOK_FIRST_RETRY_SECONDS)
    assert receiver.events == []  # the claim's events wait for the opening's
    assert first.tries.get().status_code == 500
    assert first.tries.get().response_excerpt == "boom"
    assert webhooks.retry_delay(3) == timedelta(seconds=settings.WEBHOOK_FIRST_RETRY_SECONDS * 4)
    assert webhooks.retry_delay(30) == timedelta(hours=1)

    WebhookDelivery.objects.filter(id=first.id).update(next_attempt_at=timezone.now())
    assert webhooks.deliver_due() == 1 + len(later)
    assert receiver.events == ["ticket.created", "ticket.updated", "ticket.updated"]
    assert not endpoint.deliveries.exclude(status="delivered").exists()


def test_a_slow_receiver_times_out_and_the_attempt_says_so(
    receiver, run_commits, light_user, department, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 2
    endpoint_for(receiver)
    with run_commits():
        open_for(light_user, department)
    attempt = WebhookDelivery.objects.get().tries.get()
    assert attempt.status_code is None
    assert "timed out" in attempt.error


def test_a_redirect_is_not_followed(receiver, run_commits, light_user, department):
    receiver.answers = [302]
    endpoint_for(receiver)
    with run_commits():
        open_for(light_user, department)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.tries.get().status_code == 302


def test_loopback_is_refused_unless_the_administrator_allowed_private_addresses(
    receiver, run_commits, light_user, department
):
    endpoint_for(receiver, allow_private=False)
    with run_commits():
        open_for(light_user, department)
    attempt = WebhookDelivery.objects.get().tries.get()
    assert attempt.error.startswith("Refused")
    assert receiver.received == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # a cloud's metadata service
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - the address under test
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fd00::1", False),
        ("224.0.0.1", False),
    ],
)
def test_which_addresses_are_public(address, public):
    assert transport.is_public(address) is public


def test_urls_without_http_or_a_host_are_refused():
    for url in ["ftp://example.com/", "file:///etc/passwd", "http:///nohost", "gopher://x/"]:
        with pytest.raises(transport.Refused):
            transport.addresses_of(url, allow_private=True)


def test_a_delivery_failing_for_a_day_fails_pauses_its_endpoint_and_mails_its_creator(
    receiver, run_commits, light_user, department, administrator, settings
):
    administrator.language = "pt-br"
    administrator.save(update_fields=["language"])
    endpoint = endpoint_for(receiver, creator=administrator)
    receiver.answers = [500, 500]
    with run_commits():
        open_for(light_user, department)
    delivery = WebhookDelivery.objects.get()
    long_ago = timezone.now() - timedelta(hours=settings.WEBHOOK_RETRY_HOURS, minutes=1)
    WebhookDelivery.objects.filter(id=delivery.id).update(
        failing_since=long_ago, next_attempt_at=timezone.now()
    )
    with run_commits():
        webhooks.deliver_due()
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == "failed"
    assert endpoint.paused_at is not None
    (sent,) = [m for m in mail.outbox if m.to == [administrator.email]]
    assert sent.subject == 'Webhook "CRM" pausado'
    assert "/admin/api/webhookendpoint/" in sent.body


def test_the_beat_sweep_sends_what_a_lost_task_never_did(
    receiver, light_user, department, monkeypatch
):
    endpoint_for(receiver)
    with transaction.atomic():  # no after-commit work runs: the broker was down
        open_for(light_user, department)
    assert WebhookDelivery.objects.get().status == "pending"
    assert webhooks.deliver_due() == 1
    assert receiver.events == ["ticket.created"]
    assert webhooks.deliver_due() == 0  # nothing is sent twice
    assert len(receiver.received) == 1


def test_chats_tell_when_they_start_and_end(receiver, run_commits, department):
    endpoint_for(receiver, events=["chat.started", "chat.ended"])
    with run_commits():
        session = chat.start_chat(name="Ana", email="ana@example.com", department=department,
                                  ip="192.0.2.1")  # fmt: skip
    with run_commits():
        chat.end_chat(session=session)
    assert receiver.events == ["chat.started", "chat.ended"]
    assert receiver.payloads()[1]["chat"]["visitor_email"] == "ana@example.com"


def test_the_administrator_registers_an_endpoint_and_its_private_url_is_refused_beside_the_field(
    db, client, administrator, password
):
    client.login(email=administrator.email, password=password)
    add = reverse("admin:api_webhookendpoint_add")
    data = {"name": "CRM", "url": "http://127.0.0.1:9/hooks", "events": ["ticket.created"],
            "secret": "", "is_active": "on"}  # fmt: skip
    response = client.post(add, data)
    assert response.status_code == 200
    assert "a public address" in response.context["adminform"].form.errors["url"][0]
    response = client.post(add, {**data, "allow_private": "on"})
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.created_by == administrator
    assert len(endpoint.secret) >= 40  # made when left blank
    assert endpoint.event_names == ["ticket.created"]


def test_send_again_from_the_log_delivers_once_more(
    db, receiver, run_commits, client, administrator, password, light_user, department, agent
):
    endpoint_for(receiver)
    with run_commits():
        open_for(light_user, department)
    delivery = WebhookDelivery.objects.get()
    client.login(email=administrator.email, password=password)
    page = client.get(reverse("admin:api_webhookdelivery_change", args=[delivery.id]))
    again = reverse("admin:api_webhookdelivery_send_again", args=[delivery.id])
    assert again in page.content.decode()
    assert client.get(again).status_code == 404
    response = client.post(again)
    assert response.status_code == 302
    assert receiver.events == ["ticket.created", "ticket.created"]
    assert delivery.tries.count() == 2
    client.logout()
    client.login(email=agent.email, password=password)
    assert client.post(again).status_code == 302  # to the admin's log-in page
    assert len(receiver.received) == 2


def test_a_merge_reaches_the_receiver_as_ticket_merged_of_the_surviving_ticket(
    receiver, run_commits, light_user, agent, department
):
    endpoint_for(receiver, events=["ticket.merged"])
    with run_commits():
        target, source = open_for(light_user, department), open_for(light_user, department)
    with run_commits():
        merge_tickets(actor=agent, sources=[source], target=target)
    assert receiver.events == ["ticket.merged"]
    (payload,) = receiver.payloads()
    assert payload["ticket"]["number"] == target.number
    assert payload["merged"] == {
        "numbers": [source.number],
        "by": {"id": agent.id, "name": agent.full_name, "email": agent.email},
    }
