"""What arrives from outside, refused in the browser as a person meets it."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import field, link_in_last_mail
from tests.browser.test_portal_flow import log_in, write
from tickets.models import Ticket
from tickets.tests.factories import CategoryFactory, PriorityFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(department):
    PriorityFactory(name="Normal", name_pt_br="Normal", is_default=True)
    CategoryFactory(name="Question", name_pt_br="Dúvida")


@pytest.fixture
def bomb_file(tmp_path):
    """12,000 x 12,000 pixels in about 20 KB."""
    path = tmp_path / "huge.png"
    Image.new("1", (12_000, 12_000)).save(path, optimize=True)
    return path


def test_an_image_bomb_is_refused_next_to_the_field_and_what_was_typed_stays(
    page, live_server, light_user, password, catalogue, bomb_file, csp_violations
):
    log_in(page, live_server.url, light_user, password)
    page.goto(f"{live_server.url}/tickets/new/")
    field(page, "Title").fill("The screen is all black")
    field(page, "Department").select_option(label="Support")
    field(page, "Category").select_option(label="Question")
    write(page, "See the screenshot attached.")
    field(page, "Attachments").set_input_files(str(bomb_file))
    page.get_by_role("button", name="Open the ticket").click()

    # Next to the file field (crispy-forms names its errors after the field's id).
    message = page.locator("[id^=error_][id$=_id_attachments]")
    expect(message).to_contain_text("huge.png has too many pixels to be shown safely")
    expect(message).to_be_visible()
    expect(field(page, "Title")).to_have_value("The screen is all black")
    expect(page.locator(".jodit-wysiwyg").first).to_contain_text("See the screenshot attached.")
    assert not Ticket.objects.exists()
    assert csp_violations == []


def test_revoking_a_tickets_links_makes_the_mailed_link_stop_working(
    browser, page, live_server, light_user, password, department
):
    ticket = open_for(light_user, department, title="Where is my order?")
    base = live_server.url
    page.goto(f"{base}/tickets/status/")
    field(page, "E-mail").fill(light_user.email)
    field(page, "Ticket number").fill(str(ticket.number))
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = link_in_last_mail(light_user.email, base)
    assert light_user.email not in link

    # Someone the mail was forwarded to opens it in another browser.
    forwarded = browser.new_context().new_page()
    forwarded.goto(link)
    expect(forwarded.get_by_role("heading", name="Where is my order?")).to_be_visible()

    # The customer revokes the links from their ticket page.
    log_in(page, base, light_user, password)
    page.goto(f"{base}/tickets/{ticket.number}/")
    page.get_by_role("button", name="Revoke access links").click()
    expect(
        page.get_by_text("Every link to this ticket sent by e-mail has stopped working.")
    ).to_be_visible()

    forwarded.reload()
    expect(forwarded.get_by_role("heading", name="Log in")).to_be_visible()
    forwarded.goto(link)
    expect(forwarded.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert ticket.guest_links.get().revoked_at is not None
