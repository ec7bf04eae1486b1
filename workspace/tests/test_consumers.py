"""The live socket through the project's ASGI application (origin check, session auth)."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.tests.factories import AgentFactory
from helpdesk.asgi import application
from tickets import services
from tickets.tests.fixtures import open_for
from workspace import consumers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = [(b"origin", b"http://testserver")]


@pytest.fixture(autouse=True)
def _quick(monkeypatch):
    monkeypatch.setattr(consumers, "GATHER_SECONDS", 0.01)


async def live_socket(person, *, watch=None, client=None):
    client = client or Client()
    await sync_to_async(client.force_login)(person)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(
        application, "/ws/agent/live/", headers=[*ORIGIN, (b"cookie", cookie)]
    )
    connected, code = await socket.connect()
    if not connected:
        return socket, code
    hello = await socket.receive_json_from()
    assert hello["type"] == "hello"
    if watch is not None:
        await socket.send_json_to({"type": "watch", **watch})
    socket.client = client
    return socket, hello


async def next_of(socket, kind, *, timeout=3):
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def settle():
    await asyncio.sleep(0.1)


async def test_a_customer_and_a_stranger_are_refused_with_4403(light_user):
    _socket, code = await live_socket(light_user)
    assert code == consumers.CLOSE_NOT_ALLOWED
    anonymous = WebsocketCommunicator(application, "/ws/agent/live/", headers=ORIGIN)
    connected, code = await anonymous.connect()
    assert (connected, code) == (False, consumers.CLOSE_NOT_ALLOWED)


async def test_a_new_ticket_reaches_the_department_queue_counts_and_alert(
    agent, other_agent, light_user, department
):
    desk, hello = await live_socket(agent, watch={"queue": "new", "counts": True})
    assert hello["alerts"] is False
    elsewhere, _ = await live_socket(other_agent, watch={"queue": "new", "counts": True})
    await settle()
    ticket = await sync_to_async(open_for)(light_user, department)
    news = await next_of(desk, "news")
    assert news["tickets"] == [{"number": ticket.number, "in_queue": True, "new": True}]
    assert news["counts"]["new"] == 1
    # The other department's agent hears nothing of it.
    assert await elsewhere.receive_nothing(timeout=0.3)
    await desk.disconnect()
    await elsewhere.disconnect()


async def test_a_ticket_sent_away_leaves_only_counts_behind(
    agent, manager, light_user, department, other_department
):
    ticket = await sync_to_async(open_for)(light_user, department)
    desk, _ = await live_socket(agent, watch={"queue": "new", "counts": True})
    await settle()
    await sync_to_async(services.transfer_ticket)(
        ticket=ticket, actor=manager, department=other_department
    )
    news = await next_of(desk, "news")
    assert news["tickets"] == []  # no number of a ticket the agent may no longer see
    assert news["counts"]["new"] == 0
    await desk.disconnect()


async def test_claiming_moves_it_out_of_the_queue_being_read(agent, light_user, department):
    ticket = await sync_to_async(open_for)(light_user, department)
    desk, _ = await live_socket(agent, watch={"queue": "new", "counts": True})
    await settle()
    await sync_to_async(services.claim_ticket)(ticket=ticket, actor=agent)
    news = await next_of(desk, "news")
    assert news["tickets"] == [{"number": ticket.number, "in_queue": False, "new": False}]
    assert news["counts"]["claimed"] == 1
    await desk.disconnect()


async def test_the_bell_rings_on_the_agent_assigned(agent, manager, light_user, department):
    ticket = await sync_to_async(open_for)(light_user, department)
    desk, _ = await live_socket(agent, watch={})
    await settle()
    await sync_to_async(services.assign_ticket)(ticket=ticket, actor=manager, agent=agent)
    news = await next_of(desk, "news")
    assert news["bell"] == 1
    assert "counts" not in news  # the page shows no counts: none are counted
    await desk.disconnect()


async def test_logging_out_closes_the_socket_with_4403(agent):
    desk, _ = await live_socket(agent)
    await sync_to_async(desk.client.logout)()
    closed = await desk.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": consumers.CLOSE_NOT_ALLOWED}


async def test_a_session_ended_elsewhere_is_noticed_at_the_next_frame(agent):
    desk, _ = await live_socket(agent)
    await sync_to_async(desk.client.session.flush)()
    await desk.send_json_to({"type": "watch"})
    closed = await desk.receive_output(timeout=3)
    assert closed["code"] == consumers.CLOSE_NOT_ALLOWED


async def test_bad_frames_get_an_error_and_the_socket_stays(agent):
    desk, _ = await live_socket(agent)
    for frame in ("not json", "[1, 2]", "x" * 5000, '{"type": "dance"}'):
        await desk.send_to(text_data=frame)
        assert (await desk.receive_json_from())["error"] == "bad_frame"
    await desk.send_json_to({"type": "watch", "ticket": "99999999999999999999999"})
    await desk.send_json_to({"type": "watch", "ticket": 424242})
    assert (await desk.receive_json_from())["error"] == "no_such_ticket"
    await desk.disconnect()


async def test_who_else_is_here_and_typing(agent, light_user, department, other_agent):
    ticket = await sync_to_async(open_for)(light_user, department)
    colleague = await sync_to_async(AgentFactory)(full_name="Bia Lima", departments=[department])
    first, _ = await live_socket(agent, watch={"ticket": ticket.number})
    await settle()
    second, _ = await live_socket(colleague, watch={"ticket": ticket.number})
    joined = await next_of(first, "presence")
    assert (joined["event"], joined["name"]) == ("here", "Bia Lima")
    already = await next_of(second, "presence")
    assert (already["event"], already["name"]) == ("here", agent.full_name)
    await second.send_json_to({"type": "typing", "what": "note"})
    typing = await next_of(first, "presence")
    assert (typing["event"], typing["what"]) == ("typing", "note")
    # Someone who may not see the ticket is never told it exists, nor joins its page.
    stranger, _ = await live_socket(other_agent, watch={"ticket": ticket.number})
    assert (await stranger.receive_json_from())["error"] == "no_such_ticket"
    await second.disconnect()
    left = await next_of(first, "presence")
    assert left["event"] == "left"
    assert await stranger.receive_nothing(timeout=0.2)
    await first.disconnect()
    await stranger.disconnect()


async def test_a_reply_on_the_ticket_being_read_is_told_to_its_page(agent, light_user, department):
    ticket = await sync_to_async(open_for)(light_user, department)
    desk, _ = await live_socket(agent, watch={"ticket": ticket.number})
    await settle()
    await sync_to_async(services.reply_to_ticket)(
        ticket=ticket, actor=light_user, body_html="<p>Any news?</p>"
    )
    news = await next_of(desk, "news")
    assert news["viewed_changed"] is True
    await desk.disconnect()
