"""The permission matrix of STYLE.md's named people over every customer-side URL."""

import pytest
from django.urls import reverse

from tickets import workflow
from tickets.tests.fixtures import open_for, png_upload
from tickets.workflow import Action

pytestmark = pytest.mark.django_db

PEOPLE = [
    "light_user", "colleague", "master_user", "outsider", "agent", "other_agent", "manager",
    "administrator",
]  # fmt: skip
SEES = {"light_user", "master_user", "agent", "manager", "administrator"}
ACTS = {"light_user", "master_user"}


@pytest.fixture
def resolved_ticket(light_user, department, normal_priority, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(light_user, department, files=[png_upload()])
    workflow.apply(ticket, Action.RESOLVE)
    ticket.save(update_fields=["status"])
    return ticket


def as_person(client, request, person):
    user = request.getfixturevalue(person)
    client.force_login(user)
    return user


@pytest.mark.parametrize("person", PEOPLE)
def test_ticket_page(client, request, person, resolved_ticket):
    as_person(client, request, person)
    response = client.get(reverse("tickets:detail", args=[resolved_ticket.number]))
    assert response.status_code == (200 if person in SEES else 404)
    if person in SEES:
        assert response.context["may_act"] == (person in ACTS)


@pytest.mark.parametrize("person", PEOPLE)
def test_attachment_download(client, request, person, resolved_ticket):
    as_person(client, request, person)
    attachment = resolved_ticket.entries.get(kind="message").attachments.get()
    url = reverse("tickets:attachment", args=[resolved_ticket.number, attachment.id])
    response = client.get(url)
    assert response.status_code == (200 if person in SEES else 404)


@pytest.mark.parametrize("person", PEOPLE)
def test_list_shows_the_ticket_only_to_its_customers(client, request, person, resolved_ticket):
    as_person(client, request, person)
    mine = client.get(reverse("tickets:list"), {"state": "all"})
    org = client.get(reverse("tickets:list"), {"state": "all", "scope": "organization"})
    listed = {t.number for t in mine.context["page"].object_list} | {
        t.number for t in org.context["page"].object_list
    }
    assert (resolved_ticket.number in listed) == (person in ACTS)


WRITES = [
    ("tickets:reply", {"body": "<p>Hello</p>"}),
    ("tickets:rate", {"score": "4", "comment": "ok"}),
    ("tickets:close", {}),
    ("tickets:not_solved", {"body": ""}),
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("url_name", "data"), WRITES)
def test_customer_side_actions(client, request, person, url_name, data, resolved_ticket):
    as_person(client, request, person)
    before = resolved_ticket.entries.count()
    response = client.post(reverse(url_name, args=[resolved_ticket.number]), data)
    if person in ACTS:
        assert response.status_code == 302
        assert resolved_ticket.entries.count() > before
    else:
        assert response.status_code == (403 if person in SEES else 404)
        assert resolved_ticket.entries.count() == before


@pytest.mark.parametrize("person", PEOPLE)
def test_priority_change(
    client, request, person, light_user, department, high_priority, normal_priority
):
    ticket = open_for(light_user, department)
    as_person(client, request, person)
    response = client.post(
        reverse("tickets:priority", args=[ticket.number]), {"priority": high_priority.id}
    )
    ticket.refresh_from_db()
    if person in ACTS:
        assert response.status_code == 302
        assert ticket.priority == high_priority
    else:
        assert response.status_code == (403 if person in SEES else 404)
        assert ticket.priority == normal_priority


def test_a_visitor_is_asked_to_log_in_whatever_the_number(client, resolved_ticket):
    real = client.get(reverse("tickets:detail", args=[resolved_ticket.number]))
    fake = client.get(reverse("tickets:detail", args=[999999]))
    assert real.status_code == fake.status_code == 302
    assert real["Location"].startswith(reverse("accounts:login"))


def test_internal_notes_and_their_files_never_reach_the_customer(
    client, light_user, resolved_ticket, agent
):
    from tickets.models import TicketEntry
    from tickets.services.attachments import store_attachments

    note = TicketEntry.objects.create(
        ticket=resolved_ticket, kind="note", is_public=False, author=agent,
        body_html="<p>secret-note</p>", body_text="secret-note",
    )  # fmt: skip
    (hidden,) = store_attachments(note, [png_upload("internal.png")])
    client.force_login(light_user)
    page = client.get(reverse("tickets:detail", args=[resolved_ticket.number]))
    assert "secret-note" not in page.content.decode()
    url = reverse("tickets:attachment", args=[resolved_ticket.number, hidden.id])
    assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(url).status_code == 200


def test_an_attachment_of_another_ticket_is_404_through_this_one(
    client, light_user, department, resolved_ticket
):
    other = open_for(light_user, department, files=[png_upload("other.png")])
    attachment = other.entries.get().attachments.get()
    client.force_login(light_user)
    url = reverse("tickets:attachment", args=[resolved_ticket.number, attachment.id])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("person", PEOPLE)
def test_organization_tickets_are_the_visible_ones_of_the_organization(
    request, person, light_user, master_user, outsider, department, normal_priority
):
    from tickets.models import Ticket
    from tickets.permissions import organization_tickets, visible_tickets

    mine = open_for(light_user, department)
    open_for(master_user, department)
    open_for(outsider, department)
    Ticket.objects.filter(id=open_for(light_user, department).id).update(trashed_at=mine.created_at)
    user = request.getfixturevalue(person)
    expected = visible_tickets(user).filter(organization_id=user.organization_id)
    assert set(organization_tickets(user)) == set(expected)
    guest = {mine.id}
    expected = visible_tickets(user, guest_ticket_ids=guest).filter(
        organization_id=user.organization_id
    )
    assert set(organization_tickets(user, guest_ticket_ids=guest)) == set(expected)
