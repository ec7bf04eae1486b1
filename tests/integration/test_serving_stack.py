"""The production layout of the README: granian serves the pages, uvicorn the websockets,
one session for both."""

import asyncio
import json

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
