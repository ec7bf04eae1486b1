"""The customer's pages as the manuals show them (issue 15 item 7; S2, S4): the lists' columns,
what a master user may do on a colleague's ticket, the rating shown back, the home page's
cards, the guest's WhatsApp and the length of a message."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tickets import permissions, services
from tickets.models import Ticket
from tickets.services import NotAllowed
from tickets.tests.factories import CategoryFactory, ProgressLabelFactory, TicketFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


def list_html(client, **params):
    return client.get(reverse("tickets:list"), params).content.decode()


def test_a_light_users_list_shows_when_each_ticket_was_created(client, light_user, department):
    ticket = TicketFactory(requester=light_user, department=department)
    moment = timezone.datetime(2026, 3, 9, 12, 0, tzinfo=timezone.get_current_timezone())
    Ticket.objects.filter(id=ticket.id).update(created_at=moment)
    client.force_login(light_user)
    html = list_html(client)
    assert ">Created</a></th>" in html
    assert '<td class="text-nowrap ticket-created"><time datetime="2026-03-09' in html
    assert "ticket-company" not in html  # a light user has one company: their own


def test_the_list_shows_the_agents_progress_label_beside_the_status_in_portuguese(
    client, light_user, department
):
    label = ProgressLabelFactory(name="Under analysis", name_pt_br="Em análise")
    TicketFactory(requester=light_user, department=department, progress_label=label)
    TicketFactory(requester=light_user, department=department, title="No label")
    client.force_login(light_user)
    html = client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert html.count("progress-badge") == 1
    assert '<span class="badge text-bg-info progress-badge">Andamento: Em análise</span>' in html


@pytest.mark.parametrize("scope", ["mine", "organization"])
def test_a_master_user_sees_the_company_and_creation_date_in_both_tabs(
    client, master_user, colleague, department, organization, scope
):
    TicketFactory(requester=master_user, department=department)
    TicketFactory(requester=colleague, department=department)
    client.force_login(master_user)
    html = list_html(client, scope=scope)
    assert ">Company</th>" in html
    assert re.search(r'<td class="ticket-company">Acme Ltda</td>', html)
    assert "ticket-created" in html


def test_pt_br_list_dates_read_day_first(client, master_user, department):
    ticket = TicketFactory(requester=master_user, department=department)
    moment = timezone.datetime(2026, 3, 9, 12, 0, tzinfo=timezone.get_current_timezone())
    Ticket.objects.filter(id=ticket.id).update(created_at=moment)
    client.force_login(master_user)
    html = client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert ">Empresa</th>" in html
    assert ">Criado em" in html
    assert ">09/03/2026</time>" in html


# A master user on a colleague's ticket (S2 §4.11): comments, but its priority, closing and
# rating are its creator's.


@pytest.fixture
def colleagues_ticket(colleague, department, normal_priority, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return open_for(colleague, department)


def test_a_master_user_comments_on_a_colleagues_ticket(client, master_user, colleagues_ticket):
    client.force_login(master_user)
    url = reverse("tickets:reply", args=[colleagues_ticket.number])
    client.post(url, {"reply-body": "<p>Seen it too</p>"})
    assert colleagues_ticket.entries.filter(kind="reply", author=master_user).exists()


def test_the_master_users_page_offers_no_priority_or_close_on_a_colleagues_ticket(
    client, master_user, colleagues_ticket
):
    client.force_login(master_user)
    html = client.get(reverse("tickets:detail", args=[colleagues_ticket.number])).content.decode()
    assert 'name="reply-body"' in html
    assert "Change priority" not in html
    assert "Close the ticket" not in html
    assert "only the person who opened it changes its priority" in html


@pytest.mark.parametrize("person", ["master_user", "light_user"])
def test_only_the_creator_changes_the_priority_closes_or_rates(
    client, request, colleagues_ticket, colleague, high_priority, person
):
    someone = request.getfixturevalue(person)
    number = colleagues_ticket.number
    client.force_login(someone)
    expected = 403 if person == "master_user" else 404  # who may not see it, gets 404
    posts = {
        "priority": {"priority-priority": high_priority.id},
        "close": {"confirm": "yes"},
        "rate": {"rating-score": "5"},
    }
    for name, data in posts.items():
        assert client.post(reverse(f"tickets:{name}", args=[number]), data).status_code == expected
    colleagues_ticket.refresh_from_db()
    assert colleagues_ticket.priority_id != high_priority.id
    assert colleagues_ticket.status != "closed"
    client.force_login(colleague)
    client.post(reverse("tickets:priority", args=[number]), posts["priority"])
    client.post(reverse("tickets:close", args=[number]), posts["close"])
    colleagues_ticket.refresh_from_db()
    assert (colleagues_ticket.priority_id, colleagues_ticket.status) == (high_priority.id, "closed")


def test_the_services_refuse_a_master_user_on_a_colleagues_ticket(
    master_user, colleagues_ticket, high_priority
):
    with pytest.raises(NotAllowed):
        services.change_priority(
            ticket=colleagues_ticket, actor=master_user, priority=high_priority
        )
    with pytest.raises(NotAllowed):
        services.close_ticket(ticket=colleagues_ticket, actor=master_user)
    with pytest.raises(NotAllowed):
        services.rate_ticket(ticket=colleagues_ticket, actor=master_user, score=4)
    colleagues_ticket.refresh_from_db()
    assert colleagues_ticket.status == "new"


def test_the_api_refuses_a_master_user_closing_a_colleagues_ticket(
    client, master_user, colleagues_ticket
):
    client.force_login(master_user)
    response = client.post(
        f"/api/v1/tickets/{colleagues_ticket.number}/close/", content_type="application/json"
    )
    assert response.status_code == 403
    colleagues_ticket.refresh_from_db()
    assert colleagues_ticket.status == "new"


def test_decides_for_requester_branches(
    light_user, master_user, outsider, agent, colleagues_ticket, department
):
    own = open_for(light_user, department)
    assert permissions.decides_for_requester(light_user, own)
    assert not permissions.decides_for_requester(master_user, own)  # a colleague's
    assert not permissions.decides_for_requester(outsider, own)
    assert not permissions.decides_for_requester(agent, own)
    from django.contrib.auth.models import AnonymousUser

    assert permissions.decides_for_requester(AnonymousUser(), own, guest_ticket_ids={own.id})
    assert not permissions.decides_for_requester(AnonymousUser(), own)


def test_the_rating_comment_is_shown_back_on_the_ticket(client, ticket, light_user):
    client.force_login(light_user)
    services.close_ticket(ticket=ticket, actor=light_user)
    client.post(
        reverse("tickets:rate", args=[ticket.number]),
        {"rating-score": "4", "rating-comment": "Quick <and> kind"},
    )
    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert '<blockquote class="rating-comment' in html
    assert "Quick &lt;and&gt; kind</blockquote>" in html


# The home page


def test_the_signed_in_home_page_offers_no_guest_cards(client, light_user, agent):
    for person in (light_user, agent):
        client.force_login(person)
        html = client.get(reverse("home")).content.decode()
        assert "Check a ticket" not in html
        assert "no account needed" not in html
    client.logout()
    html = client.get(reverse("home")).content.decode()
    assert "Check a ticket" in html
    assert "no account needed" in html


# The guest's WhatsApp, as the profile's phone


@pytest.fixture
def guest_data(department, normal_priority):
    return {
        "full_name": "Vera Lúcia",
        "email": "vera@example.com",
        "title": "A question",
        "department": department.id,
        "category": CategoryFactory(name="Question").id,
        "priority": normal_priority.id,
        "body": "<div>How do I print?</div>",
    }


@pytest.mark.parametrize("phone", ["12345", "call me maybe", "+55 11 9<script>"])
def test_a_bad_guest_whatsapp_is_refused_beside_the_field(client, guest_data, phone):
    response = client.post(reverse("tickets:new"), {**guest_data, "phone": phone})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "Enter a phone number with its area code, such as +55 11 91234-5678."
    ]
    html = response.content.decode()
    assert 'id="error_1_id_phone"' in html
    assert 'value="Vera Lúcia"' in html  # nothing typed is lost
    assert not Ticket.objects.exists()


def test_a_good_guest_whatsapp_is_kept(client, guest_data):
    client.post(reverse("tickets:new"), {**guest_data, "phone": " +55 (11) 91234-5678 "})
    assert Ticket.objects.get().requester.phone == "+55 (11) 91234-5678"


def test_the_guest_whatsapp_message_is_in_portuguese(client, guest_data):
    response = client.post(
        reverse("tickets:new"), {**guest_data, "phone": "123"}, HTTP_ACCEPT_LANGUAGE="pt-br"
    )
    (error,) = response.context["form"].errors["phone"]
    assert "com DDD" in error


# A message's length


def test_a_reply_over_the_limit_is_refused_beside_the_field_and_kept(
    client, ticket, light_user, settings
):
    settings.MESSAGE_MAX_CHARS = 100
    client.force_login(light_user)
    body = "<p>" + "a" * 101 + "</p>"
    response = client.post(reverse("tickets:reply", args=[ticket.number]), {"reply-body": body})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write at most 100 characters (this has 101)." in html
    assert 'id="id_reply-body-error"' in html
    assert "a" * 101 in html  # the text is still in the editor
    assert not ticket.entries.filter(kind="reply").exists()
    ok = client.post(
        reverse("tickets:reply", args=[ticket.number]), {"reply-body": "<p>" + "a" * 100 + "</p>"}
    )
    assert ok.status_code == 302


def test_the_default_limit_is_fifty_thousand_characters(client, ticket, light_user):
    client.force_login(light_user)
    url = reverse("tickets:reply", args=[ticket.number])
    response = client.post(url, {"reply-body": "<p>" + "x" * 50_001 + "</p>"})
    assert "Write at most 50000 characters" in response.content.decode()
    huge = client.post(url, {"reply-body": "<b></b>" * 40_000})  # markup beyond all measure
    assert huge.status_code == 200
    assert not ticket.entries.filter(kind="reply").exists()


def test_an_agent_reply_over_the_limit_is_refused_beside_the_field(client, ticket, agent, settings):
    settings.MESSAGE_MAX_CHARS = 50
    services.claim_ticket(ticket=ticket, actor=agent)
    client.force_login(agent)
    response = client.post(
        reverse("agent:reply", args=[ticket.number]),
        {"reply-body": "<p>" + "b" * 60 + "</p>", "reply-then": "reply_and_wait"},
    )
    assert "Write at most 50 characters (this has 60)." in response.content.decode()
    assert not ticket.entries.filter(kind="reply", author=agent).exists()


def test_the_api_refuses_a_message_over_the_limit(client, ticket, light_user, settings):
    settings.MESSAGE_MAX_CHARS = 10
    client.force_login(light_user)
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/replies/",
        {"body": "a very long message indeed"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Write at most 10 characters" in response.content.decode()
