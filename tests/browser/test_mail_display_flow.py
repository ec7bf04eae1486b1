"""A mail as the requester sees it on the ticket page: its inline image where the text showed
it, loaded through the attachment view, and its paragraphs apart as its blank lines kept them."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbound.handler import receive
from tests.browser.conftest import field

pytestmark = pytest.mark.django_db(transaction=True)

# Written for these tests (see inbound/tests/test_inline_images.py).
RELATED = Path(__file__).parents[2] / "inbound" / "tests" / "mail" / "related_image_in_text.eml"
PLAIN = """From: Light <light@acme.example>
To: support@helpdesk.example
Subject: Texto puro
Message-ID: <plain-blank-lines-0001@acme.example>
Content-Type: text/plain; charset=utf-8

Primeiro paragrafo.



Segundo paragrafo.
"""


def gap_between_paragraphs(page) -> float:
    return page.locator(".message-body").first.evaluate(
        """body => {
            const [first, second] = body.querySelectorAll("p");
            return second.getBoundingClientRect().top - first.getBoundingClientRect().bottom;
        }"""
    )


def test_the_requester_sees_the_image_in_place_and_the_paragraphs_apart(
    page, live_server, light_user, password, department, csp_violations
):
    raw = RELATED.read_text().replace("{{from}}", light_user.email).replace("{{from_name}}", "L")
    shown = receive(raw.encode()).ticket
    plain = receive(PLAIN.encode()).ticket
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail").fill(light_user.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/tickets/{shown.number}/")
    image = page.locator(".message-body img")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("alt", "tela.png")
    image.evaluate("img => img.decode()")  # loaded from the attachment view, not broken
    assert image.evaluate("img => img.naturalWidth") == 40
    assert page.locator(".message-body p").nth(1).locator("img").count() == 1
    assert gap_between_paragraphs(page) > 5

    page.goto(f"{live_server.url}/tickets/{plain.number}/")
    paragraphs = page.locator(".message-body").first.locator("p")
    expect(paragraphs).to_have_text(["Primeiro paragrafo.", "Segundo paragrafo."])
    assert gap_between_paragraphs(page) > 5
    assert csp_violations == []
