"""The message editor (Jodit, static/js/editor.js): formatting that survives the server's
judge (core.sanitize) into the thread, and an image pasted in place, stored as the ticket's
attachment, shown where it was pasted and mailed inside the mail."""

import base64
import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_portal_flow import log_in
from tickets import services
from tickets.models import Attachment
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)

PASTE_HTML = """(html) => {
  const area = document.querySelector("#agent-reply-form .jodit-wysiwyg");
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "table");
  const init = {clipboardData: data, bubbles: true, cancelable: true};
  area.dispatchEvent(new ClipboardEvent("paste", init));
}"""
PASTE_FILE = """([png, name]) => {
  const area = document.querySelector("#agent-reply-form .jodit-wysiwyg");
  const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, {type: "image/png"}));
  const init = {clipboardData: data, bubbles: true, cancelable: true};
  area.dispatchEvent(new ClipboardEvent("paste", init));
}"""


@pytest.fixture
def claimed(light_user, agent, department):
    ticket = open_for(light_user, department, title="Totals are wrong")
    services.claim_ticket(ticket=ticket, actor=agent)
    return ticket


def png_base64() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 220)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_formatting_a_table_and_a_colour_reach_the_thread(
    page, live_server, agent, password, claimed, csp_violations
):
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, agent, password)
    page.goto(f"{live_server.url}/agent/tickets/{claimed.number}/")
    area = page.locator("#agent-reply-form .jodit-wysiwyg")
    area.click()
    toolbar = page.locator("#agent-reply-form .jodit-toolbar__box")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.type("Totals fixed")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.press("Enter")
    page.evaluate(
        PASTE_HTML,
        '<p><span style="color: rgb(200, 0, 0)">Red warning</span> H<sub>2</sub>O x<sup>2</sup></p>'
        "<table><tbody><tr><td>Month</td><td>Total</td></tr>"
        "<tr><td>March</td><td>R$ 10</td></tr></tbody></table>"
        '<p style="font-size: 18px; background-image: url(/x)">end</p>',
    )
    expect(area.locator("table td")).to_have_count(4)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is sent.")).to_be_visible()

    body = page.locator(".message-body").filter(has_text="Totals fixed")
    expect(body.locator("strong")).to_have_text("Totals fixed")
    expect(body.locator("table td")).to_have_count(4)
    expect(body.locator("td").nth(3)).to_have_text("R$ 10")
    expect(body.locator("span", has_text="Red warning")).to_have_css("color", "rgb(200, 0, 0)")
    expect(body.locator("sub")).to_have_text("2")
    expect(body.locator("sup")).to_have_text("2")
    stored = claimed.entries.get(kind="reply").body_html
    assert '<p style="font-size:18px">end</p>' in stored
    assert csp_violations == []


def test_an_image_pasted_is_shown_in_place_and_mailed_inside_the_mail(
    page, live_server, agent, password, claimed, csp_violations
):
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, agent, password)
    page.goto(f"{live_server.url}/agent/tickets/{claimed.number}/")
    page.locator("#agent-reply-form .jodit-wysiwyg").click()
    page.keyboard.type("Here is the screen:")
    page.keyboard.press("Enter")
    page.evaluate(PASTE_FILE, [png_base64(), "screen.png"])
    pasted = page.locator("#agent-reply-form .jodit-wysiwyg img")
    expect(pasted).to_have_attribute("src", re.compile(r"^/drafts/images/\d+/$"))
    expect(page.locator("#agent-reply-form .draft-file-name")).to_have_text("screen.png")
    page.keyboard.type("and after it.")
    mail.outbox.clear()
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is sent.")).to_be_visible()

    image = Attachment.objects.get(entry__ticket=claimed)
    shown = f"/tickets/{claimed.number}/files/{image.id}/"
    body = page.locator(".message-body").filter(has_text="Here is the screen:")
    expect(body.locator(f'img[src="{shown}"]')).to_be_visible()
    assert body.locator("img").evaluate("img => img.naturalWidth") == 40

    (sent,) = [m for m in mail.outbox if claimed.requester.email in m.to]
    html = sent.alternatives[0][0]
    assert 'src="cid:image1@' in html
    message = sent.message()
    parts = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert len(parts) == 1
    assert parts[0]["Content-ID"].startswith("<image1@")
    assert parts[0].get_content_disposition() == "inline"
    assert csp_violations == []
