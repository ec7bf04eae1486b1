import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import field, link_in_last_mail
from tickets import workflow
from tickets.models import Ticket
from tickets.tests.factories import CategoryFactory, PriorityFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(department, other_department):
    PriorityFactory(name="Normal", name_pt_br="Normal", is_default=True)
    CategoryFactory(name="Question", name_pt_br="Dúvida")
    CategoryFactory(name="Invoices", name_pt_br="Boletos", department=other_department)


@pytest.fixture
def screenshot_file(tmp_path):
    path = tmp_path / "error-screen.png"
    Image.new("RGB", (640, 400), (220, 40, 40)).save(path)
    return path


def log_in(page, base, user, password):
    page.goto(f"{base}/accounts/login/")
    field(page, "E-mail").fill(user.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def write(page, text):
    page.locator(".jodit-wysiwyg").first.click()
    page.keyboard.type(text)


def test_customer_opens_a_ticket_with_a_file_finds_it_and_replies(
    page, live_server, light_user, password, catalogue, screenshot_file, csp_violations
):
    base = live_server.url
    log_in(page, base, light_user, password)
    page.get_by_role("link", name="New ticket").click()
    field(page, "Title").fill("Invoices do not print")
    field(page, "Department").select_option(label="Support")
    # Billing's own category is not offered for Support.
    # (an assertion that waits: the page's script may still be loading when Support is chosen)
    expect(page.locator("#id_category option:not([hidden])", has_text="Invoices")).to_have_count(0)
    field(page, "Category").select_option(label="Question")
    write(page, "The printer says no.")
    field(page, "Attachments").set_input_files(str(screenshot_file))
    page.get_by_role("button", name="Open the ticket").click()

    ticket = Ticket.objects.get()
    expect(page.get_by_text(f"Ticket #{ticket.number} is open")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("error-screen.png"))).to_be_visible()
    expect(page.locator("img.attachment-thumb")).to_be_visible()

    page.get_by_role("link", name="My tickets").click()
    page.get_by_role("searchbox").fill("printer")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Invoices do not print").click()
    # A ticket number typed in the search opens that ticket straight away.
    page.get_by_role("link", name="My tickets").click()
    page.get_by_role("searchbox").fill(str(ticket.number))
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.number}/$"))

    page.get_by_role("button", name="Quote in my reply").click()
    expect(page.get_by_text("Quoting: ")).to_be_visible()
    write(page, "Here is more detail.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is saved.")).to_be_visible()
    expect(page.get_by_text("Here is more detail.")).to_be_visible()
    expect(page.locator("blockquote.quoted")).to_contain_text("The printer says no.")
    assert csp_violations == []


def test_master_user_reads_and_comments_on_a_colleagues_ticket(
    page, live_server, master_user, colleague, password, department, catalogue
):
    from tickets.tests.fixtures import open_for

    ticket = open_for(colleague, department, title="Colleague's problem")
    log_in(page, live_server.url, master_user, password)
    page.get_by_role("link", name="Organization tickets").first.click()
    row = page.get_by_role("row", name=re.compile("Colleague's problem"))
    expect(row.get_by_label("Opened by a colleague")).to_be_visible()
    expect(row).to_contain_text(colleague.full_name)
    row.get_by_role("link", name="Colleague's problem").click()
    write(page, "I can confirm this on my machine too.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("I can confirm this on my machine too.")).to_be_visible()
    assert ticket.entries.filter(author=master_user, kind="reply").exists()


def test_guest_asks_for_the_status_link_and_opens_the_ticket_from_the_mail(
    page, live_server, department, catalogue
):
    base = live_server.url
    page.goto(f"{base}/tickets/new/")
    field(page, "Your name").fill("Gabi Guest")
    field(page, "Your e-mail").fill("gabi@example.com")
    field(page, "Title").fill("Where is my order?")
    field(page, "Department").select_option(label="Support")
    field(page, "Category").select_option(label="Question")
    write(page, "Ordered last week.")
    page.get_by_role("button", name="Open the ticket").click()
    # The same answer for every address: the receipt's link opens the ticket.
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    ticket = Ticket.objects.get()

    # Later, in another browser: the status check.
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.get_by_role("link", name="Check a ticket").first.click()
    field(page, "E-mail").fill("gabi@example.com")
    field(page, "Ticket number").fill(str(ticket.number))
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert mail.outbox[-1].subject == f"[#{ticket.number}] Your link to the ticket"

    page.goto(link_in_last_mail("gabi@example.com", base))
    expect(page.get_by_role("heading", name=re.compile("Where is my order"))).to_be_visible()
    write(page, "Any news?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Any news?")).to_be_visible()


def test_a_resolved_ticket_is_rated_and_closes(
    page, live_server, light_user, password, department, catalogue
):
    from tickets.tests.fixtures import open_for

    ticket = open_for(light_user, department, title="Slow reports")
    workflow.apply(ticket, "resolve")
    ticket.save(update_fields=["status"])
    log_in(page, live_server.url, light_user, password)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    expect(page.get_by_text("Waiting for your rating")).to_be_visible()
    page.locator("label[for=id_rating-score_1]").click()  # the fourth star from the left is 4
    field(page, "Comment").fill("Fast and friendly.")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_text("Thank you for your rating.")).to_be_visible()
    expect(page.locator(".status-badge")).to_have_text("Closed")
    expect(page.get_by_text("This ticket is closed")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert ticket.rating.score == 4


def test_the_portal_in_portuguese(page, live_server, light_user, password, department, catalogue):
    log_in(page, live_server.url, light_user, password)
    page.get_by_role("button", name="Português Brasileiro").click()
    page.get_by_role("link", name="Novo ticket").click()
    expect(page.get_by_role("heading", name="Abrir um ticket")).to_be_visible()
    field(page, "Departamento").select_option(label="Suporte")
    expect(page.locator("#id_category option:not([hidden])", has_text="Dúvida")).to_have_count(1)


def test_a_reply_to_a_resolved_ticket_reopens_it_and_keeps_every_word(
    page, live_server, light_user, password, department, catalogue, csp_violations
):
    """A resolved ticket's page has two editors (\"It is not solved\" and the reply): each
    writes into its own form."""
    from tickets.tests.fixtures import open_for

    ticket = open_for(light_user, department, title="Slow reports")
    workflow.apply(ticket, "resolve")
    ticket.save(update_fields=["status"])
    log_in(page, live_server.url, light_user, password)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    expect(page.get_by_text("Waiting for your rating")).to_be_visible()
    ids = page.locator("[id]").evaluate_all("nodes => nodes.map(node => node.id)")
    assert len(ids) == len(set(ids)), "two elements of the page share an id"
    page.locator("#reply-form .jodit-wysiwyg").click()
    page.keyboard.type("Still slow on Mondays.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is saved.")).to_be_visible()
    expect(page.get_by_text("Still slow on Mondays.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "reopened"
    assert ticket.entries.filter(kind="reply", body_text="Still slow on Mondays.").exists()


def test_not_solved_reopens_with_its_own_editor(
    page, live_server, light_user, password, department, catalogue, csp_violations
):
    from tickets.tests.fixtures import open_for

    ticket = open_for(light_user, department, title="Slow reports")
    workflow.apply(ticket, "resolve")
    ticket.save(update_fields=["status"])
    log_in(page, live_server.url, light_user, password)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.get_by_text("It is not solved").click()
    page.locator("details .jodit-wysiwyg").click()
    page.keyboard.type("The report still times out.")
    page.get_by_role("button", name="Reopen the ticket").click()
    expect(page.get_by_text("The ticket is reopened.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "reopened"
    assert ticket.entries.filter(kind="reply", body_text="The report still times out.").exists()
