"""A visitor and an agent chat in two browsers, each on its own ASGI server process, the two
processes joined by the Redis channel layer."""

import re

import pytest
from playwright.sync_api import expect

from chat.services import set_presence
from tests.browser.conftest import field, watch_csp
from tests.servers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_and_agent_chat_then_rate_and_get_the_transcript(
    browser, asgi_servers, redis_server, smtp_sink, agent, password, department
):
    visitors_server, agents_server = asgi_servers(
        2,
        HELPDESK_TEST_EMAIL_URL=str(smtp_sink.port),
        HELPDESK_TEST_CHANNEL_REDIS=redis_server.url,
    )
    set_presence(agent=agent, status="online")
    desk = browser.new_context().new_page()
    visitor = browser.new_context().new_page()
    for page in (desk, visitor):
        page.set_default_timeout(10_000)
    desk_blocked, visitor_blocked = watch_csp(desk), watch_csp(visitor)

    desk.goto(f"{agents_server.url}/accounts/login/")
    field(desk, "E-mail").fill(agent.email)
    field(desk, "Password").fill(password)
    desk.get_by_role("button", name="Log in").click()
    desk.goto(f"{agents_server.url}/agent/chats/")
    expect(desk.get_by_text("Nobody is waiting.")).to_be_visible()

    visitor.goto(f"{visitors_server.url}/chat/")
    field(visitor, "Name").fill("Vera Visitante")
    field(visitor, "E-mail").fill("vera@example.com")
    field(visitor, "Department").select_option(label=department.name)
    visitor.get_by_role("button", name="Start the chat").click()
    expect(visitor.get_by_text("Waiting for an agent.")).to_be_visible()
    expect(visitor.get_by_text("You are number 1 in line.")).to_be_visible()

    # The waiting chat appears in the console without a reload.
    desk.get_by_role("button", name="Accept").click()
    expect(visitor.get_by_text(f"{agent.full_name} joined the chat.")).to_be_visible()
    visitor.get_by_label("Your message").fill("Olá, o relatório não abre")
    visitor.keyboard.press("Enter")
    expect(desk.get_by_text("Olá, o relatório não abre")).to_be_visible()
    desk.get_by_label("Your message").fill("Qual navegador você usa?")
    desk.get_by_role("button", name="Send").click()
    expect(visitor.get_by_text("Qual navegador você usa?")).to_be_visible()

    # Handed back to the department's line: the visitor waits again, and is told the place.
    # Once taken, the next answer (at most 5 s on) no longer asks again, nor shows a place.
    expect(visitor.locator(".chat-position")).to_have_text("", timeout=10_000)
    desk.get_by_role("link", name="Details").click()
    desk.get_by_role("button", name="Transfer").click()
    expect(desk.get_by_text("The chat is transferred.")).to_be_visible()
    expect(visitor.get_by_text("Waiting for an agent.")).to_be_visible()
    expect(visitor.get_by_text("You are number 1 in line.")).to_be_visible()
    desk.get_by_role("button", name="Accept").click()
    expect(visitor.get_by_text("Waiting for an agent.")).to_be_hidden()

    visitor.get_by_role("button", name="Exit").click()
    visitor.locator("label[for=id_score_0]").click()
    field(visitor, "Comment").fill("Rápido!")
    visitor.get_by_label("Send this conversation to my e-mail").check()
    visitor.get_by_role("button", name="Send my rating").click()
    expect(
        visitor.get_by_text("The conversation is on its way to vera@example.com.")
    ).to_be_visible()

    wait_until(lambda: any("vera@example.com" in m["to"] for m in smtp_sink.messages))
    transcript = next(m["message"] for m in smtp_sink.messages if "vera@example.com" in m["to"])
    text = transcript.get_body(("plain",)).get_content()
    assert "Olá, o relatório não abre" in text
    assert re.search(r"Qual navegador você usa\?", text)
    assert desk_blocked == visitor_blocked == []
