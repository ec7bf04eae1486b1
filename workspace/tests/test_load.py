"""What one ticket change costs with 200 agents on the live panel: the messages sent through
the channel layer, the frames the browsers get, and the queries, counted (README figures).

150 agents in the ticket's department and 50 in another, each on the "New" queue with its
counts (the dearest page). Run with `-s` to see the figures."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db.backends import utils
from django.test import Client
from django.utils import timezone

from accounts.models import DepartmentMembership, User
from helpdesk.asgi import application
from tickets import services
from tickets.tests.fixtures import open_for
from workspace import consumers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
AGENTS_HERE, AGENTS_ELSEWHERE = 150, 50
ORIGIN = [(b"origin", b"http://testserver")]


class Counter:
    def __init__(self, monkeypatch):
        self.queries = 0
        self.group_sends = 0
        self.deliveries = 0
        original = utils.CursorWrapper._execute_with_wrappers

        def counted(cursor, *args, **kwargs):
            self.queries += 1
            return original(cursor, *args, **kwargs)

        monkeypatch.setattr(utils.CursorWrapper, "_execute_with_wrappers", counted)
        layer = get_channel_layer()
        group_send = layer.group_send

        async def counted_group_send(group, message):
            self.group_sends += 1
            self.deliveries += len(layer.groups.get(group, {}))
            return await group_send(group, message)

        monkeypatch.setattr(layer, "group_send", counted_group_send)


def make_agents(count, department, prefix):
    people = User.objects.bulk_create(
        User(email=f"{prefix}{n}@helpdesk.example", full_name=f"Agent {prefix}{n}",
             role=User.Role.AGENT, is_active=True, email_confirmed_at=timezone.now())
        for n in range(count)
    )  # fmt: skip
    DepartmentMembership.objects.bulk_create(
        DepartmentMembership(user=person, department=department) for person in people
    )
    return list(User.objects.filter(email__startswith=prefix))


async def connect(user):
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(
        application, "/ws/agent/live/", headers=[*ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await socket.connect()
    assert connected
    await socket.receive_json_from()
    await socket.send_json_to({"type": "watch", "queue": "new", "counts": True})
    return socket


async def test_one_ticket_change_with_200_agents_connected(
    monkeypatch, light_user, department, other_department
):
    monkeypatch.setattr(consumers, "GATHER_SECONDS", 0.05)
    here = await sync_to_async(make_agents)(AGENTS_HERE, department, "here")
    elsewhere = await sync_to_async(make_agents)(AGENTS_ELSEWHERE, other_department, "away")
    ticket = await sync_to_async(open_for)(light_user, department)
    sockets = [await connect(user) for user in [*here, *elsewhere]]
    await asyncio.sleep(0.3)
    counter = Counter(monkeypatch)

    started = time.monotonic()
    await sync_to_async(services.claim_ticket)(ticket=ticket, actor=here[0])
    change_queries = counter.queries
    frames = [await socket.receive_json_from(timeout=20) for socket in sockets[:AGENTS_HERE]]
    elapsed = time.monotonic() - started
    for socket in sockets[AGENTS_HERE:]:
        assert await socket.receive_nothing(timeout=0.01)
    told_queries = counter.queries - change_queries

    print(
        f"\n200 agents connected, one claim: {counter.group_sends} group messages, "
        f"{counter.deliveries} channel deliveries, {len(frames)} frames to browsers, "
        f"{change_queries} queries by the claim and its fan-out, {told_queries} by the "
        f"sockets ({told_queries / len(frames):.1f} an agent told), last frame after "
        f"{elapsed * 1000:.0f} ms"
    )
    assert all(frame["type"] == "news" for frame in frames)
    assert all(frame["counts"]["claimed"] in (0, 1) for frame in frames)
    # Groups: the department, the agent who claimed, the requester, the administrators, the
    # ticket's page; each agent of the department gets one message, the others none.
    assert counter.group_sends <= 5
    assert counter.deliveries == AGENTS_HERE + 1  # the claimer also hears as "their" agent
    # Each agent told costs two queries (what they may see of it, the counts) and, past 2 s
    # since the last, two to ask again who the session is (the person, their departments),
    # however many are connected; the agents of the other department cost nothing. The one
    # who claimed may hear twice (as a member of the department and as its agent).
    assert told_queries <= 4 * AGENTS_HERE + 4
    # A second change, now that each socket's counting statement is compiled (tickets.queues).
    deliveries = counter.deliveries
    started = time.monotonic()
    await sync_to_async(services.reply_to_ticket)(
        ticket=ticket, actor=light_user, body_html="<p>Any news?</p>"
    )
    for socket in sockets[:AGENTS_HERE]:
        await socket.receive_json_from(timeout=20)
    print(f"a second change: last frame after {(time.monotonic() - started) * 1000:.0f} ms")
    assert counter.deliveries - deliveries >= AGENTS_HERE
    for socket in sockets:
        await socket.disconnect()
