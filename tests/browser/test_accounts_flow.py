import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import field, link_in_last_mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_confirm_log_in_and_switch_to_portuguese(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").first.click()
    field(page, "Full name").fill("Maria da Silva - Acme")
    field(page, "E-mail").fill("maria@example.com")
    field(page, "E-mail again").fill("maria@example.com")
    field(page, "Password").fill("a-long-and-unusual-phrase")
    field(page, "Password again").fill("a-long-and-unusual-phrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    page.goto(link_in_last_mail("maria@example.com", live_server.url))
    expect(page.get_by_text("Your address is confirmed. Welcome!")).to_be_visible()
    expect(page.get_by_role("heading", name="How can we help?")).to_be_visible()

    # Log out through the account menu, then log in again with the new password.
    page.get_by_role("button", name=re.compile("Maria da Silva")).click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    field(page, "E-mail").fill("maria@example.com")
    field(page, "Password").fill("a-long-and-unusual-phrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Hello, Maria.")).to_be_visible()

    page.get_by_role("button", name="Português Brasileiro").click()
    expect(page.get_by_role("heading", name="Como podemos ajudar?")).to_be_visible()
    expect(page.get_by_text("Olá, Maria.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    assert csp_violations == []


def test_a_mistake_on_sign_up_is_shown_next_to_the_field_and_keeps_the_typing(page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    field(page, "Full name").fill("Maria da Silva")
    field(page, "E-mail").fill("maria@example.com")
    field(page, "E-mail again").fill("mari@example.com")
    field(page, "Password").fill("a-long-and-unusual-phrase")
    field(page, "Password again").fill("a-long-and-unusual-phrase")
    page.get_by_role("button", name="Sign up").click()
    again = field(page, "E-mail again")
    expect(again).to_have_value("mari@example.com")
    expect(again).to_have_class(re.compile("is-invalid"))
    expect(page.get_by_text("The two e-mail addresses differ.")).to_be_visible()
    expect(field(page, "Full name")).to_have_value("Maria da Silva")


def test_the_home_page_fits_a_375_pixel_phone(page, live_server, csp_violations):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Open the menu").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert csp_violations == []


def test_keyboard_focus_is_visible(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
