"""Two agents in two browsers on the live panel: a new ticket reaches the other's queue and
the bell within 2 s without a reload, each sees the other on the ticket and typing, and a
reply written while the other answered is held with the other's reply shown."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import override_settings
from playwright.sync_api import expect

from accounts.tests.factories import AgentFactory
from helpdesk.settings.main import redis_channel_layer
from tests.browser.conftest import watch_csp
from tests.browser.test_agent_flow import editor_in
from tests.browser.test_portal_flow import log_in
from tickets import services
from tickets.tests.factories import PriorityFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)
WITHIN = 2_000  # ms


def elsewhere(action, *args, **kwargs):
    """Run a service in a thread of its own, as another request would: this thread runs
    Playwright's event loop, where the after-commit news cannot be sent."""

    def run():
        try:
            return action(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def test_two_agents_live_queue_bell_presence_and_collision(
    browser, asgi_servers, redis_server, light_user, agent, manager, password, department
):
    (server,) = asgi_servers(1, HELPDESK_TEST_CHANNEL_REDIS=redis_server.url)
    PriorityFactory(name="Normal", is_default=True)
    bia = AgentFactory(full_name="Bia Lima", departments=[department], password=password)
    first, second = browser.new_context().new_page(), browser.new_context().new_page()
    blocked = watch_csp(first) + watch_csp(second)
    for page, person in ((first, agent), (second, bia)):
        page.set_default_timeout(10_000)
        log_in(page, server.url, person, password)
        page.goto(f"{server.url}/agent/?queue=new")
        expect(page.locator('[data-queue-count="new"]')).to_have_text("0")
    first.wait_for_timeout(500)  # the sockets are open and watching

    # The change happens in this process: it tells the server's sockets through Redis.
    with override_settings(CHANNEL_LAYERS={"default": redis_channel_layer(redis_server.url)}):
        ticket = elsewhere(open_for, light_user, department, title="Invoice totals are wrong")
        expect(second.get_by_role("button", name="1 new ticket: show")).to_be_visible(
            timeout=WITHIN
        )
        expect(second.locator('[data-queue-count="new"]')).to_have_text("1", timeout=WITHIN)
        elsewhere(services.assign_ticket, ticket=ticket, actor=manager, agent=bia)
        expect(second.locator(".bell-count")).to_have_text("1", timeout=WITHIN)
        expect(second.locator('[data-queue-count="new"]')).to_have_text("0", timeout=WITHIN)
    second.get_by_role("button", name="1 new ticket: show").click()
    expect(second.get_by_role("link", name="Invoice totals are wrong")).to_have_count(0)

    # Both on the ticket: each sees the other, and the other typing.
    for page in (first, second):
        page.goto(f"{server.url}/agent/tickets/{ticket.number}/")
    expect(first.locator(".live-presence")).to_contain_text("Bia Lima")
    expect(second.locator(".live-presence")).to_contain_text(agent.full_name)
    editor_in(second, "agent-reply-form", "We are fixing the totals.")
    expect(first.locator(".live-presence")).to_contain_text("typing a reply")

    # The manager answers meanwhile: Bia's reply is held, the manager's shown, hers kept.
    with override_settings(CHANNEL_LAYERS={"default": redis_channel_layer(redis_server.url)}):
        elsewhere(
            services.reply_to_ticket, ticket=ticket, actor=manager,
            body_html="<p>Refund issued today.</p>", then="reply_and_keep",
        )  # fmt: skip
        expect(second.get_by_text("This ticket changed since you opened it.")).to_be_visible(
            timeout=WITHIN
        )
    second.get_by_role("button", name="Send reply").click()
    warning = second.locator(".meanwhile")
    expect(warning).to_contain_text("Someone else wrote on this ticket")
    expect(warning).to_contain_text("Refund issued today.")
    expect(second.locator("#agent-reply-form .jodit-wysiwyg")).to_have_text(
        "We are fixing the totals."
    )
    second.get_by_role("button", name="Send mine anyway").click()
    expect(second.get_by_text("Your reply is sent.")).to_be_visible()
    assert ticket.entries.filter(kind="reply", author=bia).count() == 1
    assert blocked == []
