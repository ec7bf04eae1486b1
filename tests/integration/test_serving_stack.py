"""The production layout of the README: granian serves the pages, uvicorn the websockets,
one session for both."""

import asyncio
import http.client
import json
import time

import pytest
from websockets.asyncio.client import connect

from chat import services
from chat.selectors import visitor_token
from tests.integration.test_chat_servers import next_of, ws_url
from tests.integration.test_redis_outage import Browser
from tests.servers import PAGES

pytestmark = pytest.mark.django_db(transaction=True)


def test_pages_from_granian_and_the_chat_from_uvicorn_share_the_session(
    asgi_servers, redis_server, agent, password, department
):
    redis = {"HELPDESK_TEST_CHANNEL_REDIS": redis_server.url}
    (pages,) = asgi_servers(1, command=PAGES, **redis)
    (sockets,) = asgi_servers(1, **redis)
    desk = Browser(pages.url)
    assert desk.sign_in(agent.email, password) == 302
    assert desk.request("/agent/")[0] == 200
    assert desk.request("/agent/chats/")[0] == 200
    session = next(c.value for c in desk.cookies if c.name == "sessionid")
    chat = services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="9.9.9.9"
    )

    async def converse():
        headers = {"Cookie": f"sessionid={session}"}
        visitor_url = ws_url(sockets, f"/ws/chat/{visitor_token(chat)}/")
        async with connect(visitor_url, origin=sockets.url) as visitor, \
                connect(ws_url(sockets, "/ws/agent/chats/"), origin=sockets.url,
                        additional_headers=headers) as console:  # fmt: skip
            await next_of(visitor, "state")
            await console.send(json.dumps({"type": "accept", "chat": chat.id}))
            assert (await next_of(visitor, "accepted"))["agent"] == agent.full_name

    asyncio.run(converse())


def test_the_pages_server_refuses_a_body_past_the_limit_unread(asgi_servers):
    """granian hands the request over before its body arrives: a declared length past
    REQUEST_BODY_MAX_BYTES is answered 413 at once, not after 200 MB were read (or never)."""
    (pages,) = asgi_servers(1, command=PAGES)
    server = http.client.HTTPConnection("127.0.0.1", pages.port, timeout=10)
    server.putrequest("POST", "/tickets/new/")
    server.putheader("Content-Length", str(200 * 1024 * 1024))
    server.putheader("Content-Type", "multipart/form-data; boundary=part")
    server.endheaders()
    server.send(b"--part\r\n")  # and nothing more
    started = time.monotonic()
    answer = server.getresponse()
    assert answer.status == 413
    assert time.monotonic() - started < 5
    assert "<html" in answer.read().decode()
