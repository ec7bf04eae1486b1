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


# Sockets follow the session and the person: what an agent who logged out, was deactivated or
# left a department could still do on a console opened before.


async def closed_with(socket, *, timeout=3) -> int | None:
    """The close code the server sent (None: the socket is still open)."""
    if await socket.receive_nothing(timeout=timeout):
        return None
    while True:
        output = await socket.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            return output.get("code")


async def test_logging_out_closes_the_console_at_once(client, agent, chat):
    desk = await agent_socket(client, agent)
    await sync_to_async(client.logout)()
    assert await closed_with(desk) == 4403


async def test_a_console_whose_session_ended_elsewhere_is_closed_at_its_next_frame(
    client, agent, chat
):
    from django.contrib.sessions.models import Session

    desk = await agent_socket(client, agent)
    key = client.cookies["sessionid"].value
    # Gone from the store without the log-out signal (expired, cleared, cache and database).
    await sync_to_async(lambda: Session.objects.filter(session_key=key).delete())()
    from django.core.cache import cache

    await sync_to_async(cache.clear)()
    await desk.send_json_to({"type": "join", "chat": chat.id})
    assert await closed_with(desk) == 4403


async def test_a_deactivated_agent_is_closed_at_the_next_frame(client, agent, chat):
    desk = await agent_socket(client, agent)
    await sync_to_async(type(agent).objects.filter(id=agent.id).update)(is_active=False)
    await desk.send_json_to({"type": "accept", "chat": chat.id})
    assert await closed_with(desk) == 4403
    assert (await sync_to_async(lambda: chat.__class__.objects.get(id=chat.id).agent_id)()) is None


async def test_an_agent_demoted_to_customer_is_closed_at_the_next_event(
    client, agent, department, monkeypatch
):
    from chat import consumers

    monkeypatch.setattr(consumers, "EVENT_RECHECK_SECONDS", 0)  # news asks again at once
    desk = await agent_socket(client, agent)
    await sync_to_async(type(agent).objects.filter(id=agent.id).update)(role="customer")
    await sync_to_async(services.start_chat)(
        name="Rui", email="rui@example.com", department=department, ip="1.1.1.3"
    )
    assert await closed_with(desk) == 4403


async def test_an_agent_moved_out_of_the_department_no_longer_joins_nor_hears_it(
    client, agent, chat, department
):
    from accounts.models import DepartmentMembership

    desk = await agent_socket(client, agent)
    await sync_to_async(
        lambda: DepartmentMembership.objects.filter(user=agent, department=department).delete()
    )()
    await desk.send_json_to({"type": "join", "chat": chat.id})
    refused = await desk.receive_json_from(timeout=3)
    assert refused == {"type": "error", "error": "no such chat"}
    await sync_to_async(services.start_chat)(
        name="Rui", email="rui@example.com", department=department, ip="1.1.1.2"
    )
    assert await desk.receive_nothing(timeout=0.5)
    await desk.disconnect()


async def test_only_the_chats_agent_sends_its_typing_indicator(client, agent, chat, department):
    from accounts.tests.factories import AgentFactory

    holder = await sync_to_async(AgentFactory)(departments=[department])
    await sync_to_async(services.accept_chat)(session=chat, agent=holder)
    visitor = await visitor_socket(chat)
    desk = await agent_socket(client, agent)
    await desk.send_json_to({"type": "typing", "chat": chat.id})
    refused = await receive_type(desk, "error")
    assert refused["error"] == "not this agent's chat"
    assert await visitor.receive_nothing(timeout=0.5)
    await visitor.disconnect()
    await desk.disconnect()


async def test_ending_a_chat_one_does_not_hold_is_refused_on_the_socket(
    client, agent, chat, department
):
    from accounts.tests.factories import AgentFactory

    holder = await sync_to_async(AgentFactory)(departments=[department])
    await sync_to_async(services.accept_chat)(session=chat, agent=holder)
    desk = await agent_socket(client, agent)
    await desk.send_json_to({"type": "end", "chat": chat.id})
    refused = await receive_type(desk, "error")
    assert refused == {"type": "error", "chat": chat.id, "error": "not this agent's chat"}
    status = await sync_to_async(lambda: chat.__class__.objects.get(id=chat.id).status)()
    assert status == "active"
    await desk.disconnect()


BAD_FRAMES = [
    "not json",
    "[1, 2]",
    "42",
    '"a string"',
    "null",
    "{" * 3,
    "[" * 50_000,
    '{"type": "message", "text": "' + "x" * 100_000 + '"}',
]


@pytest.mark.parametrize("frame", BAD_FRAMES, ids=range(len(BAD_FRAMES)))
async def test_a_frame_that_is_not_a_json_object_gets_an_error_on_either_socket(
    client, agent, chat, frame
):
    await sync_to_async(services.post_message)(session=chat, text="first")
    desk = await agent_socket(client, agent)
    visitor = await visitor_socket(chat)
    for socket in (desk, visitor):
        await socket.send_to(text_data=frame)
        assert await socket.receive_json_from(timeout=3) == {"type": "error", "error": "bad_frame"}
    await visitor.send_to(bytes_data=b"\xff\x00")
    assert (await visitor.receive_json_from(timeout=3))["error"] == "bad_frame"
    # Still open and answering.
    await desk.send_json_to({"type": "join", "chat": chat.id, "after": [1]})
    assert (await receive_type(desk, "message"))["text"] == "first"
    await visitor.send_json_to({"type": "resume", "after": {"n": 1}})
    assert (await receive_type(visitor, "message"))["text"] == "first"
    await desk.disconnect()
    await visitor.disconnect()


@pytest.mark.parametrize("chat_value", [[1], {"id": 1}, "1e999", 1e300, 10**30, None])
async def test_a_chat_number_of_the_wrong_kind_is_no_such_chat(client, agent, chat, chat_value):
    desk = await agent_socket(client, agent)
    await desk.send_json_to({"type": "join", "chat": chat_value})
    assert await desk.receive_json_from(timeout=3) == {"type": "error", "error": "no such chat"}
    await desk.disconnect()


async def test_an_unknown_kind_of_frame_is_answered(client, agent, chat):
    desk = await agent_socket(client, agent)
    await desk.send_json_to({"type": ["accept"], "chat": chat.id})
    assert (await desk.receive_json_from(timeout=3))["error"] == "unknown type"
    await desk.disconnect()


@pytest.fixture
def redis_layer(redis_url):
    """The channel layer as production builds it, on the suite's Redis (REDIS_URL's database)."""
    import asyncio

    from channels.layers import get_channel_layer

    from helpdesk.settings.main import redis_channel_layer

    with override_settings(CHANNEL_LAYERS={"default": redis_channel_layer(redis_url)}):
        yield get_channel_layer()
        asyncio.run(get_channel_layer().flush())


async def test_on_redis_a_console_idle_past_the_layers_wait_still_hears_news(
    client, agent, department, redis_layer
):
    desk = await agent_socket(client, agent)
    # Longer than channels-redis's 5 s BZPOPMIN and redis-py 8's default 5 s read timeout.
    assert await desk.receive_nothing(timeout=6.5)
    chat = await sync_to_async(services.start_chat)(
        name="Rui", email="rui@example.com", department=department, ip="1.1.1.4"
    )
    assert await desk.receive_json_from(timeout=3) == {"type": "waiting", "chat": chat.id}
    await desk.disconnect()


async def test_on_redis_logging_out_closes_the_console(client, agent, redis_layer):
    desk = await agent_socket(client, agent)
    await sync_to_async(client.logout)()
    assert await closed_with(desk) == 4403
