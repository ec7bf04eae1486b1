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
    # Told by the socket at once, or by the next place-in-line answer (5 s) if that was missed.
    expect(visitor.get_by_text("Waiting for an agent.")).to_be_hidden(timeout=10_000)

    visitor.get_by_role("button", name="Exit").click()
    visitor.locator("label[for=id_score_0]").click()
    field(visitor, "Comment").fill("Rápido!")
    visitor.get_by_label("Send this conversation to my e-mail").check()
    visitor.get_by_role("button", name="Send my rating").click()
    # The visitor typed the address: it is confirmed by a link mailed there before the
    # conversation goes to it.
    expect(visitor.get_by_text("We mailed a link to vera@example.com")).to_be_visible()

    def mails_to_vera():
        return [m["message"] for m in smtp_sink.messages if "vera@example.com" in m["to"]]

    wait_until(lambda: len(mails_to_vera()) == 1)
    asking = mails_to_vera()[0].get_body(("plain",)).get_content()
    assert "Olá, o relatório não abre" not in asking
    link = re.search(r"https?://[^/\s]+(/chat/confirm/\S+)", asking).group(1)
    visitor.goto(visitors_server.url + link)
    visitor.get_by_role("button", name="Confirm my address").click()
    expect(visitor.get_by_text("vera@example.com is confirmed")).to_be_visible()

    wait_until(lambda: len(mails_to_vera()) == 2)
    transcript = mails_to_vera()[1]
    text = transcript.get_body(("plain",)).get_content()
    assert "Olá, o relatório não abre" in text
    assert re.search(r"Qual navegador você usa\?", text)
    assert desk_blocked == visitor_blocked == []


def test_the_agent_sees_a_typed_address_as_not_verified_and_a_log_out_closes_the_console(
    browser, asgi_servers, redis_server, agent, password, department
):
    (server,) = asgi_servers(1, HELPDESK_TEST_CHANNEL_REDIS=redis_server.url)
    set_presence(agent=agent, status="online")
    agent.language = "pt-br"  # the console in Portuguese, as the help desk's agents read it
    agent.save(update_fields=["language"])
    agents = browser.new_context(locale="pt-BR")
    desk = agents.new_page()
    visitor = browser.new_context().new_page()
    for page in (desk, visitor):
        page.set_default_timeout(10_000)

    desk.goto(f"{server.url}/accounts/login/")
    field(desk, "E-mail").fill(agent.email)
    field(desk, "Senha").fill(password)
    desk.get_by_role("button", name="Entrar").click()
    desk.goto(f"{server.url}/agent/chats/")
    expect(desk.get_by_text("Ninguém aguardando.")).to_be_visible()

    visitor.goto(f"{server.url}/chat/")
    field(visitor, "Name").fill("Vera Visitante")
    field(visitor, "E-mail").fill("ceo@helpdesk.example")
    field(visitor, "Department").select_option(label=department.name)
    visitor.get_by_role("button", name="Start the chat").click()
    expect(visitor.get_by_text("Waiting for an agent.")).to_be_visible()

    waiting = desk.locator(".waiting-chat")
    expect(waiting).to_contain_text("ceo@helpdesk.example")
    expect(waiting.get_by_text("não verificado")).to_be_visible()
    desk.get_by_role("button", name="Aceitar").click()
    expect(desk.locator(".console-chat").get_by_text("não verificado")).to_be_visible()

    # Logging out in another tab of the same browser closes this console's socket at once.
    other_tab = agents.new_page()
    other_tab.goto(f"{server.url}/agent/chats/history/")
    other_tab.get_by_role("button", name=agent.full_name).click()
    other_tab.get_by_role("button", name="Sair").click()
    expect(desk.get_by_text("Este console foi fechado")).to_be_visible()
    expect(desk.get_by_text("Conexão perdida; reconectando…")).to_be_hidden()
