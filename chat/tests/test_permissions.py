"""The chat gate (chat/permissions.py) with the named people: who sees a chat, who may take
it, who holds it; the pages and the console's socket ask it and nothing else."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chat import services
from chat.models import ChatSession
from chat.permissions import (
    chats_for,
    get_chat_for,
    holds,
    may_accept,
    may_take_transfer,
    may_type,
    may_use_console,
    own_chats,
)
from chat.tests.test_consumers import agent_socket, receive_type

PEOPLE = [
    "light_user", "colleague", "master_user", "outsider", "agent", "other_agent", "manager",
    "administrator",
]  # fmt: skip


def deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def start(department):
    return services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="3.3.3.3"
    )


@pytest.fixture
def chats(db, agent, department, other_department):
    """A chat waiting in Support, one waiting in Billing, and one of Billing's the agent holds."""
    held = start(other_department)
    ChatSession.objects.filter(id=held.id).update(agent=agent, status=ChatSession.Status.ACTIVE)
    held.refresh_from_db()
    return {"support": start(department), "billing": start(other_department), "held": held}


SEES = {
    "agent": {"support", "held"},
    "other_agent": {"billing", "held"},
    "manager": {"support"},
    "administrator": {"support", "billing", "held"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_sees_their_departments_chats_and_those_they_hold(request, person, chats):
    user = request.getfixturevalue(person)
    assert set(chats_for(user)) == {chats[name] for name in SEES.get(person, set())}


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["agent", "administrator"])
def test_an_agent_made_inactive_sees_no_chat(request, person, chats):
    user = request.getfixturevalue(person)
    assert get_chat_for(user, chats["support"].id) == chats["support"]
    deactivate(user)
    assert not chats_for(user).exists()
    with pytest.raises(Http404):
        get_chat_for(user, chats["support"].id)


@pytest.mark.django_db
def test_a_visitor_sees_no_chat(chats):
    assert not chats_for(AnonymousUser()).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_a_customer_owns_the_chats_they_started_logged_in_and_no_guest_chat(
    request, person, light_user, department
):
    mine = services.start_chat(
        name="Light", email="", department=department, visitor=light_user, ip="3.3.3.4"
    )
    typed = services.start_chat(  # a guest who typed the customer's address, then confirmed it
        name="Light", email=light_user.email, department=department, ip="3.3.3.5"
    )
    services.confirm_visitor_email(session=typed)
    user = request.getfixturevalue(person)
    assert list(own_chats(user)) == ([mine] if person == "light_user" else [])
    assert not own_chats(AnonymousUser()).exists()
    assert not own_chats(deactivate(light_user)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("chat_id", ["forged", None, 999999])
def test_a_chat_id_that_names_no_chat_is_404(agent, chats, chat_id):
    with pytest.raises(Http404):
        get_chat_for(agent, chat_id)


@pytest.mark.django_db
def test_a_chat_fetched_to_change_is_locked_and_still_gated(agent, other_agent, chats):
    chat = chats["support"]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert get_chat_for(agent, str(chat.id), lock=True) == chat
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in queries[-1]["sql"]
    with transaction.atomic(), pytest.raises(Http404):
        get_chat_for(other_agent, chat.id, lock=True)


ACCEPTS = {"agent", "manager", "administrator"}


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_agents_of_its_department_and_administrators_accept_a_chat(request, person, chats):
    user = request.getfixturevalue(person)
    assert may_accept(user, chats["support"]) == (person in ACCEPTS)


@pytest.mark.django_db
def test_an_agent_made_inactive_accepts_no_chat(agent, chats):
    assert may_accept(agent, chats["support"])
    deactivate(agent)
    assert not may_accept(agent, chats["support"])
    with pytest.raises(services.ChatNotAllowed):
        services.accept_chat(session=chats["support"], agent=agent)


HOLDS = {"agent", "administrator"}


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_its_agent_and_administrators_hold_a_chat(request, person, chats):
    user = request.getfixturevalue(person)
    assert holds(user, chats["held"]) == (person in HOLDS)  # other_agent: Billing's, not theirs


@pytest.mark.django_db
def test_an_agent_made_inactive_no_longer_holds_their_chat(agent, chats):
    assert holds(agent, chats["held"])
    deactivate(agent)
    assert not holds(agent, chats["held"])
    with pytest.raises(services.ChatNotAllowed):
        services.end_chat(session=chats["held"], agent=agent)


@pytest.mark.django_db
def test_a_chat_is_handed_only_to_an_agent_of_its_department(
    agent, other_agent, department, other_department
):
    assert may_take_transfer(agent, department.id)
    assert not may_take_transfer(agent, other_department.id)
    assert may_take_transfer(other_agent, other_department.id)


def test_a_chat_is_never_handed_to_an_inactive_agent(agent, department):
    agent.is_active = False
    agent.save()
    assert not may_take_transfer(agent, department.id)


# The pages.


AGENT_PAGES = [
    ("get", "chat:detail"),
    ("get", "chat:agent_print"),
    ("post", "chat:transfer"),
    ("post", "chat:end"),
    ("post", "chat:to_ticket"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url_name"), AGENT_PAGES)
def test_an_agent_of_another_department_gets_404_from_the_chat_pages(
    client, other_agent, chats, method, url_name
):
    chat = chats["support"]
    client.force_login(other_agent)
    response = getattr(client, method)(reverse(url_name, args=[chat.id]))
    assert response.status_code == 404
    chat.refresh_from_db()
    assert (chat.status, chat.agent) == (ChatSession.Status.WAITING, None)


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_the_chat_page_matrix(client, request, person, chats):
    client.force_login(request.getfixturevalue(person))
    response = client.get(reverse("chat:detail", args=[chats["billing"].id]))
    if person in {"other_agent", "administrator"}:
        assert response.status_code == 200
        assert response.context["session"] == chats["billing"]
    elif person in {"agent", "manager"}:
        assert response.status_code == 404
    else:
        assert response.status_code == 403  # customers never reach the agent's pages


@pytest.mark.django_db
def test_the_history_lists_only_the_chats_one_may_see(client, other_agent, administrator, chats):
    services.end_chat(session=chats["support"])
    services.end_chat(session=chats["billing"])
    client.force_login(other_agent)
    listed = set(client.get(reverse("chat:history")).context["chats"])
    assert chats["billing"] in listed
    assert chats["support"] not in listed
    client.force_login(administrator)
    listed = set(client.get(reverse("chat:history")).context["chats"])
    assert {chats["support"], chats["billing"]} <= listed


# The console's socket.


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["accept", "join", "message", "end"])
async def test_an_agent_of_another_department_gets_an_error_on_the_socket(
    client, other_agent, department, kind
):
    chat = await sync_to_async(start)(department)
    desk = await agent_socket(client, other_agent)
    await desk.send_json_to({"type": kind, "chat": chat.id, "text": "Hello"})
    assert await receive_type(desk, "error") == {"type": "error", "error": "no such chat"}
    await desk.disconnect()
    chat = await ChatSession.objects.aget(id=chat.id)
    assert (chat.status, chat.agent_id) == (ChatSession.Status.WAITING, None)
    assert await chat.messages.acount() == 0


@pytest.mark.django_db(transaction=True)
async def test_an_administrator_accepts_any_chat_on_the_socket(client, administrator, department):
    chat = await sync_to_async(start)(department)
    desk = await agent_socket(client, administrator)
    await desk.send_json_to({"type": "accept", "chat": chat.id})
    await receive_type(desk, "message")  # the system line naming who took it
    await desk.disconnect()
    chat = await ChatSession.objects.aget(id=chat.id)
    assert (chat.status, chat.agent_id) == (ChatSession.Status.ACTIVE, administrator.id)


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_only_active_signed_in_agents_use_the_console(request, person):
    user = request.getfixturevalue(person)
    assert may_use_console(user) is (person in {"agent", "other_agent", "manager", "administrator"})
    assert may_use_console(deactivate(user)) is False
    assert may_use_console(AnonymousUser()) is False


@pytest.mark.django_db
def test_only_the_chats_agent_types_in_it(agent, other_agent, administrator, chats):
    held = chats["held"]
    assert may_type(agent, held) is True
    assert may_type(other_agent, held) is False
    assert may_type(administrator, held) is False
    assert may_type(AnonymousUser(), held) is False
    assert may_type(deactivate(agent), held) is False


@pytest.mark.django_db
def test_a_chat_number_too_big_for_an_integer_is_not_found(agent):
    with pytest.raises(Http404):
        get_chat_for(agent, float("inf"))
