"""People, organizations, chats and their transcripts, service orders and tasks through the
persona matrix of the pages: who may list and read each, what the records say, and 404 for
whoever may not see one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AgentFactory, CustomerFactory
from chat import services as chat_services
from fieldwork import services as fieldwork
from tickets.models import ServiceOrder

PEOPLE = ["light_user", "colleague", "master_user", "outsider", "agent", "other_agent",
          "manager", "administrator"]  # fmt: skip


def url(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs or None)


def matrix(**expected):
    """The persona matrix as pytest parameters: `expected` by person, in PEOPLE's order."""
    return pytest.mark.parametrize(
        ("person", "expected"), [(name, expected[name]) for name in PEOPLE], indirect=["person"]
    )


def assert_not_found(response):
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


# People and organizations --------------------------------------------------------------------

NOBODY_BUT_LEADERS = dict.fromkeys(PEOPLE, 403) | {"manager": 200, "administrator": 200}


@matrix(**NOBODY_BUT_LEADERS)
def test_who_lists_people_and_organizations(api_as, ticket, person, expected):
    api = api_as(person)
    assert api.get(url("people")).status_code == expected
    assert api.get(url("organizations")).status_code == expected


@matrix(**(dict.fromkeys(PEOPLE, 404) | {"manager": 200, "administrator": 200}))
def test_who_reads_the_requester_and_their_organization(
    api_as, ticket, light_user, organization, person, expected
):
    api = api_as(person)
    response = api.get(url("person", person_id=light_user.id))
    assert response.status_code == expected
    organization_response = api.get(url("organization", organization_id=organization.id))
    assert organization_response.status_code == expected
    if expected == 404:
        assert_not_found(response)
        assert_not_found(organization_response)
        return
    assert response.json() == {
        "id": light_user.id, "full_name": light_user.full_name, "email": "light@acme.example",
        "phone": light_user.phone, "role": "customer",
        "organization": {"id": organization.id, "name": "Acme Ltda"}, "is_master": False,
        "language": light_user.language, "is_active": True,
        "date_joined": response.json()["date_joined"],
        "url": url("person", person_id=light_user.id),
    }  # fmt: skip
    body = organization_response.json()
    assert (body["name"], body["email_domain"]) == ("Acme Ltda", "acme.example")
    assert body["url"] == url("organization", organization_id=organization.id)


def test_a_manager_sees_their_departments_people_only(
    api_as, ticket, manager, agent, light_user, outsider, other_agent, other_organization,
    administrator,
):  # fmt: skip
    api = api_as(manager)
    listed = {row["email"] for row in api.get(url("people")).json()["results"]}
    assert listed == {light_user.email, agent.email, manager.email}
    assert_not_found(api.get(url("person", person_id=other_agent.id)))
    assert_not_found(api.get(url("person", person_id=outsider.id)))
    assert_not_found(api.get(url("organization", organization_id=other_organization.id)))
    names = [row["name"] for row in api.get(url("organizations")).json()["results"]]
    assert names == ["Acme Ltda"]
    everyone = api_as(administrator).get(url("people")).json()["results"]
    assert {outsider.email, other_agent.email, administrator.email} <= {
        row["email"] for row in everyone
    }
    names = [
        row["name"] for row in api_as(administrator).get(url("organizations")).json()["results"]
    ]
    assert names == ["Acme Ltda", "Globex S.A."]


def test_people_come_a_page_at_a_time_by_cursor(db, api_as, administrator, settings):
    settings.TICKETS_PER_PAGE = 2
    for number in range(3):
        CustomerFactory(full_name=f"Zé {number}")
    api = api_as(administrator)
    first = api.get(url("people")).json()
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    names = [row["full_name"] for row in first["results"] + second["results"]]
    assert names == sorted(names)
    assert len(names) == 4  # the administrator and the three
    assert second["next"] is None
    back = api.get(second["previous"]).json()
    assert back["results"] == first["results"]


def test_the_people_list_runs_a_fixed_number_of_queries(
    db, api_as, administrator, organization, django_assert_num_queries
):
    api = api_as(administrator)
    api.get(url("people"))  # the token's first use is logged once
    for _ in range(5):
        CustomerFactory(organization=organization)
    with django_assert_num_queries(5):  # the same however many people there are
        response = api.get(url("people"))
    assert len(response.json()["results"]) == 6


def test_an_id_past_the_largest_is_not_found(db, api_as, administrator):
    assert_not_found(api_as(administrator).get(url("person", person_id=2**40)))


# Chats -------------------------------------------------------------------------------------


@pytest.fixture
def chat(light_user, department, agent):
    session = chat_services.start_chat(
        name="Light", email="", department=department, visitor=light_user, ip="192.0.2.1"
    )
    chat_services.post_message(session=session, text="My printer says no.")
    session = chat_services.accept_chat(session=session, agent=agent)
    chat_services.post_message(session=session, text="Let us see.", agent=agent)
    return session


@pytest.fixture
def billing_chat(outsider, other_department):
    return chat_services.start_chat(
        name="Out", email="", department=other_department, visitor=outsider, ip="192.0.2.2"
    )


@matrix(light_user=200, colleague=404, master_user=404, outsider=404, agent=200,
        other_agent=404, manager=200, administrator=200)  # fmt: skip
def test_who_reads_a_chat_and_its_transcript(api_as, chat, agent, department, person, expected):
    api = api_as(person)
    response = api.get(url("chat", chat_id=chat.id))
    transcript = api.get(url("chat_transcript", chat_id=chat.id))
    ids = [row["id"] for row in api.get(url("chats")).json()["results"]]
    assert ids.count(chat.id) == (1 if expected == 200 else 0)
    if expected == 404:
        assert_not_found(response)
        assert_not_found(transcript)
        return
    body = response.json()
    assert body["status"] == "active"
    assert body["visitor_email"] == "light@acme.example"
    assert body["department"] == {"id": department.id, "name": "Support"}
    assert body["agent"] == {"id": agent.id, "full_name": agent.full_name}
    assert body["ticket"] is None
    assert body["transcript"] == url("chat_transcript", chat_id=chat.id)
    lines = [(line["kind"], line["body_text"]) for line in transcript.json()]
    assert ("visitor", "My printer says no.") in lines
    assert lines[-1] == ("agent", "Let us see.")
    assert [line["sequence"] for line in transcript.json()] == list(range(1, len(lines) + 1))


def test_a_customer_lists_only_their_own_chats(api_as, chat, billing_chat, outsider, administrator):
    assert [row["id"] for row in api_as(outsider).get(url("chats")).json()["results"]] == [
        billing_chat.id
    ]
    everything = [row["id"] for row in api_as(administrator).get(url("chats")).json()["results"]]
    assert everything == [billing_chat.id, chat.id]  # newest first


# Service orders and tasks ----------------------------------------------------------------


@pytest.fixture
def technician(department):
    return AgentFactory(departments=[department], is_technician=True, full_name="Tec Nico")


@pytest.fixture
def order(ticket, agent, technician):
    starts = timezone.now() + timedelta(days=1)
    return fieldwork.schedule_service_order(
        ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.ON_SITE,
        starts_at=starts, ends_at=starts + timedelta(hours=2), description="Replace the fuser.",
    )  # fmt: skip


@pytest.fixture
def task(ticket, agent):
    due = timezone.now() + timedelta(days=2)
    return fieldwork.add_task(ticket=ticket, actor=agent, title="Call back", assignee=agent,
                              due_at=due)  # fmt: skip


AGENTS_OF_THE_TICKET = {"light_user": 404, "colleague": 404, "master_user": 404,
                        "outsider": 404, "agent": 200, "other_agent": 404, "manager": 200,
                        "administrator": 200}  # fmt: skip


@matrix(**AGENTS_OF_THE_TICKET)
def test_who_reads_a_service_order_and_a_task(
    api_as, ticket, order, task, technician, agent, person, expected
):
    api = api_as(person)
    response = api.get(url("service_order", order_id=order.id))
    task_response = api.get(url("task", task_id=task.id))
    if expected == 404:
        assert_not_found(response)
        assert_not_found(task_response)
        return
    body = response.json()
    assert body["ticket"] == ticket.number
    assert body["technician"] == {"id": technician.id, "full_name": "Tec Nico"}
    assert (body["status"], body["kind"]) == ("scheduled", "on_site")
    assert body["description"] == "Replace the fuser."
    body = task_response.json()
    assert (body["ticket"], body["title"], body["done_at"]) == (ticket.number, "Call back", None)
    assert body["assignee"] == {"id": agent.id, "full_name": agent.full_name}


@matrix(**(dict.fromkeys(PEOPLE[:4], 403) | {"agent": 1, "other_agent": 0, "manager": 1,
                                                   "administrator": 1}))  # fmt: skip
def test_whose_lists_hold_the_service_order_and_the_task(api_as, order, task, person, expected):
    api = api_as(person)
    orders = api.get(url("service_orders"))
    tasks = api.get(url("tasks"))
    if expected == 403:
        assert (orders.status_code, tasks.status_code) == (403, 403)
        return
    assert [row["id"] for row in orders.json()["results"]].count(order.id) == expected
    assert [row["id"] for row in tasks.json()["results"]].count(task.id) == expected


def test_a_guest_chat_under_a_customers_address_is_not_theirs(api_as, light_user, department):
    # Anybody may type anybody's address: the pages show such a chat to no customer, even once
    # the address was confirmed (its transcript went to the mailbox, not to a page).
    typed = chat_services.start_chat(
        name="Light", email=light_user.email, department=department, ip="192.0.2.9"
    )
    chat_services.confirm_visitor_email(session=typed)
    api = api_as(light_user)
    assert api.get(url("chats")).json()["results"] == []
    assert_not_found(api.get(url("chat", chat_id=typed.id)))
    assert_not_found(api.get(url("chat_transcript", chat_id=typed.id)))
