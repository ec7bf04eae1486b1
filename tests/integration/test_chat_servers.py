"""The live chat across real ASGI server processes (uvicorn) and a Redis channel layer."""

import asyncio
import json
import statistics
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from chat import services
from chat.selectors import visitor_token

pytestmark = pytest.mark.django_db(transaction=True)
REPORTS = Path(__file__).resolve().parent.parent.parent / ".reports"


def ws_url(server, path):
    return server.url.replace("http://", "ws://") + path


def agent_headers(client, agent):
    client.force_login(agent)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


async def next_of(socket, kind, *, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if event["type"] == kind:
            return event


def test_a_visitor_on_one_process_and_an_agent_on_another_converse(
    asgi_servers, redis_server, client, agent, department
):
    first, second = asgi_servers(2, HELPDESK_TEST_CHANNEL_REDIS=redis_server.url)
    chat = services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="9.9.9.9"
    )
    token = visitor_token(chat)
    headers = agent_headers(client, agent)

    async def converse():
        async with connect(ws_url(first, f"/ws/chat/{token}/"), origin=first.url) as visitor, \
                connect(ws_url(second, "/ws/agent/chats/"), origin=second.url,
                        additional_headers=headers) as desk:  # fmt: skip
            await next_of(visitor, "state")
            await desk.send(json.dumps({"type": "accept", "chat": chat.id}))
            accepted = await next_of(visitor, "accepted")
            assert accepted["agent"] == agent.full_name
            await visitor.send(json.dumps({"type": "message", "text": "from process one"}))
            heard = await next_of(desk, "message")
            while heard.get("kind") != "visitor":
                heard = await next_of(desk, "message")
            assert heard["text"] == "from process one"
            await desk.send(json.dumps({"type": "message", "chat": chat.id, "text": "from two"}))
            answer = await next_of(visitor, "message")
            while answer.get("kind") != "agent":
                answer = await next_of(visitor, "message")
            assert answer["text"] == "from two"

    asyncio.run(converse())


def test_two_hundred_open_chats_and_the_latency_of_a_message(
    asgi_servers, client, agent, department
):
    (server,) = asgi_servers(1, CHAT_MESSAGES_PER_SECOND="1000")
    chats = [
        services.start_chat(
            name=f"V{n}",
            email=f"v{n}@example.com",
            department=department,
            ip=f"10.1.{n // 200}.{n % 200}",
        )
        for n in range(201)
    ]
    tokens = [visitor_token(chat) for chat in chats]
    talking = chats[0]
    services.accept_chat(session=talking, agent=agent)
    headers = agent_headers(client, agent)

    async def measure():
        crowd = [
            await connect(
                ws_url(server, f"/ws/chat/{token}/"), origin=server.url, ping_interval=None
            )
            for token in tokens[1:]
        ]
        for socket in crowd:
            await next_of(socket, "state")
        visitor_url = ws_url(server, f"/ws/chat/{tokens[0]}/")
        async with connect(visitor_url, origin=server.url) as visitor, \
                connect(ws_url(server, "/ws/agent/chats/"), origin=server.url,
                        additional_headers=headers) as desk:  # fmt: skip
            await next_of(visitor, "state")
            await desk.send(json.dumps({"type": "join", "chat": talking.id}))
            await next_of(desk, "message")  # the "joined" line
            delays = []
            for n in range(200):
                started = time.perf_counter()
                await visitor.send(json.dumps({"type": "message", "text": f"m{n}"}))
                while (await next_of(desk, "message"))["text"] != f"m{n}":
                    pass
                delays.append((time.perf_counter() - started) * 1000)
        open_connections = sum(1 for socket in crowd if socket.state.name == "OPEN")
        for socket in crowd:
            await socket.close()
        return delays, open_connections

    delays, still_open = asyncio.run(measure())
    assert still_open == 200
    delays.sort()
    figures = {
        "open_connections": still_open + 2,
        "messages": len(delays),
        "p50_ms": round(statistics.median(delays), 1),
        "p95_ms": round(delays[int(len(delays) * 0.95) - 1], 1),
    }
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "chat-figures.json").write_text(json.dumps(figures, indent=2))
    print("chat:", figures)
