"""The chat's websockets, through the project's ASGI application (origin check and auth)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from chat import services
from chat.models import ChatMessage
from chat.selectors import visitor_token
from helpdesk.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = [(b"origin", b"http://testserver")]


async def visitor_socket(session):
    token = await sync_to_async(visitor_token)(session)
    socket = WebsocketCommunicator(application, f"/ws/chat/{token}/", headers=ORIGIN)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "state"
    return socket


async def agent_socket(client, agent):
    await sync_to_async(client.force_login)(agent)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(
        application, "/ws/agent/chats/", headers=[*ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await socket.connect()
    assert connected
    return socket


async def receive_type(socket, kind, *, attempts=10):
    for _ in range(attempts):
        event = await socket.receive_json_from(timeout=3)
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


@pytest.fixture
def chat(department):
    return services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="1.1.1.1"
    )


async def test_visitor_and_agent_talk_in_real_time(client, agent, chat):
    desk = await agent_socket(client, agent)
    visitor = await visitor_socket(chat)
    await desk.send_json_to({"type": "accept", "chat": chat.id})
    accepted = await receive_type(visitor, "accepted")
    assert accepted["agent"] == agent.full_name
    await visitor.send_json_to({"type": "message", "text": "Olá, preciso de ajuda"})
    heard = await receive_type(desk, "message")
    while heard["kind"] != "visitor":
        heard = await receive_type(desk, "message")
    assert heard["text"] == "Olá, preciso de ajuda"
    assert heard["chat"] == chat.id
    await visitor.send_json_to({"type": "typing"})
    typing = await receive_type(desk, "typing")
    assert typing["who"] == "visitor"
    await desk.send_json_to({"type": "message", "chat": chat.id, "text": "Claro!"})
    answer = await receive_type(visitor, "message")
    while answer["kind"] != "agent":
        answer = await receive_type(visitor, "message")
    assert answer["text"] == "Claro!"
    await visitor.disconnect()
    await desk.disconnect()


async def test_a_reconnecting_visitor_gets_what_it_missed_once(client, agent, chat):
    await sync_to_async(services.accept_chat)(session=chat, agent=agent)
    first = await sync_to_async(services.post_message)(session=chat, text="one", agent=agent)
    await sync_to_async(services.post_message)(session=chat, text="two", agent=agent)
    await sync_to_async(services.post_message)(session=chat, text="three", agent=agent)
    visitor = await visitor_socket(chat)
    await visitor.send_json_to({"type": "resume", "after": first.sequence})
    got = [await visitor.receive_json_from(timeout=3) for _ in range(2)]
    assert [event["text"] for event in got] == ["two", "three"]
    assert await visitor.receive_nothing(timeout=0.3)
    await visitor.disconnect()


async def test_a_forged_token_is_refused(chat):
    socket = WebsocketCommunicator(application, "/ws/chat/not-a-token/", headers=ORIGIN)
    connected, _ = await socket.connect()
    assert not connected


async def test_another_origin_is_refused(chat):
    token = await sync_to_async(visitor_token)(chat)
    socket = WebsocketCommunicator(
        application, f"/ws/chat/{token}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await socket.connect()
    assert not connected


async def test_customers_cannot_open_the_agent_console(client, light_user):
    await sync_to_async(client.force_login)(light_user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(
        application, "/ws/agent/chats/", headers=[*ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await socket.connect()
    assert not connected


async def test_the_loser_of_two_agents_is_told_who_took_it(client, agent, chat, department):
    from accounts.tests.factories import AgentFactory

    rival = await sync_to_async(AgentFactory)(departments=[department])
    await sync_to_async(services.accept_chat)(session=chat, agent=rival)
    desk = await agent_socket(client, agent)
    await desk.send_json_to({"type": "accept", "chat": chat.id})
    taken = await receive_type(desk, "taken")
    assert taken["agent"] == rival.full_name
    await desk.disconnect()


async def heard_texts(socket) -> list[str]:
    texts = []
    while not await socket.receive_nothing(timeout=0.5):
        event = await socket.receive_json_from()
        if event["type"] == "message":
            texts.append(event["text"])
    return texts


async def test_a_chat_transferred_away_is_no_longer_heard_by_its_old_agent(
    client, agent, chat, department
):
    from accounts.tests.factories import AgentFactory

    colleague = await sync_to_async(AgentFactory)(departments=[department])
    desk = await agent_socket(client, agent)
    await desk.send_json_to({"type": "accept", "chat": chat.id})
    await receive_type(desk, "taken")  # the department hears it; the desk now follows the chat
    await sync_to_async(services.transfer_chat)(session=chat, agent=agent, to_agent=colleague)
    await receive_type(desk, "transferred")
    await sync_to_async(services.post_message)(session=chat, text="for the new agent")
    assert "for the new agent" not in await heard_texts(desk)
    await desk.disconnect()


async def test_a_joined_chat_taken_by_another_agent_is_no_longer_heard(
    client, agent, chat, department
):
    from accounts.tests.factories import AgentFactory

    rival = await sync_to_async(AgentFactory)(departments=[department])
    desk = await agent_socket(client, agent)
    await desk.send_json_to({"type": "join", "chat": chat.id})
    await sync_to_async(services.post_message)(session=chat, text="still waiting")
    assert "still waiting" in await heard_texts(desk)
    await sync_to_async(services.accept_chat)(session=chat, agent=rival)
    await receive_type(desk, "accepted")
    await sync_to_async(services.post_message)(session=chat, text="private now")
    assert "private now" not in await heard_texts(desk)
    await desk.disconnect()


@override_settings(CHAT_MESSAGES_PER_SECOND=3)
async def test_messages_per_second_are_limited(agent, chat):
    await sync_to_async(services.accept_chat)(session=chat, agent=agent)
    visitor = await visitor_socket(chat)
    for n in range(5):
        await visitor.send_json_to({"type": "message", "text": f"spam {n}"})
    errors = 0
    while not await visitor.receive_nothing(timeout=0.5):
        event = await visitor.receive_json_from()
        errors += event["type"] == "error"
    assert errors == 2
    stored = await sync_to_async(
        lambda: ChatMessage.objects.filter(session=chat, kind="visitor").count()
    )()
    assert stored == 3
    await visitor.disconnect()
