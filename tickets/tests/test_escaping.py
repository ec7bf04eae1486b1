"""Hostile titles, names, file names and links are shown as text on every page that shows them:
the lists (Jinja2 rows), the threads (Jinja2 entries), the printouts and the e-mails."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from core.formfields import LinksField
from mail.rendering import render_email
from tickets.models import Attachment, EntryLink
from tickets.tests.factories import EntryFactory, TicketFactory

pytestmark = pytest.mark.django_db

TITLE = "<script>alert(1)</script>"
NAME = '"><img src=x onerror=alert(2)>'
ORGANIZATION = "<svg onload=alert(3)>"
FILE = "<img src=x onerror=alert(4)>.png"
LINK = "javascript:alert(5)"
HOSTILE = {
    TITLE: "&lt;script&gt;alert(1)&lt;/script&gt;",
    NAME: "&gt;&lt;img src=x onerror=alert(2)&gt;",  # the quote is &quot; or &#34;
    ORGANIZATION: "&lt;svg onload=alert(3)&gt;",
    FILE: "&lt;img src=x onerror=alert(4)&gt;.png",
}


def assert_shown_as_text(html: str, *values: str) -> None:
    """Each of `values` is on the page, escaped, and never as markup."""
    for value in values:
        assert value not in html, f"unescaped: {value}"
        assert HOSTILE[value] in html, f"not shown: {value}"
    assert "<script>alert" not in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")


def get(user, url, params=None) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def hostile(light_user, colleague, organization, agent, department):
    organization.name = ORGANIZATION
    organization.save()
    colleague.full_name = NAME
    colleague.save()
    ticket = TicketFactory(requester=colleague, department=department, title=TITLE)
    first = EntryFactory(ticket=ticket, kind="message", author=colleague, body_text=TITLE)
    Attachment.objects.create(
        entry=first, file="a/x.png", name=FILE, content_type="image/png", size=10, thumbnail="t/x"
    )
    EntryLink.objects.create(entry=first, url=LINK)  # as if it slipped past the form
    EntryFactory(ticket=ticket, kind="reply", author=agent, quoted=first)
    EntryFactory(
        ticket=ticket, kind="status", author=colleague,
        data={"from": "new", "to": "open", "reason": TITLE},
    )  # fmt: skip
    EntryFactory(ticket=ticket, kind="rating", author=colleague, data={"score": 1}, body_text=TITLE)
    EntryFactory(
        ticket=ticket, kind="email", is_public=False, author=agent, data={"to": [NAME]},
    )  # fmt: skip
    return ticket


def assert_link_inert(html: str) -> None:
    assert 'href="javascript:' not in html.lower()
    assert LINK in html  # shown as text


def test_the_agent_queue_shows_hostile_values_as_text(hostile, agent):
    html = get(agent, reverse("agent:queues"), {"queue": "all"})
    assert_shown_as_text(html, TITLE, NAME, ORGANIZATION)


def test_the_customer_list_shows_a_hostile_title_as_text(hostile, colleague):
    html = get(colleague, reverse("tickets:list"))
    assert_shown_as_text(html, TITLE)


def test_the_masters_organization_list_shows_hostile_values_as_text(hostile, master_user):
    html = get(master_user, reverse("tickets:list"), {"scope": "organization"})
    assert_shown_as_text(html, TITLE, NAME, ORGANIZATION)


def test_the_staff_thread_shows_hostile_values_as_text(hostile, agent):
    html = get(agent, reverse("agent:ticket", args=[hostile.number]))
    thread = html[html.index('<ol class="list-unstyled thread">') : html.index("</ol>")]
    assert_shown_as_text(thread, TITLE, NAME, FILE)
    assert "Reason: &lt;script&gt;" in thread  # an event's sentence, escaped by the template
    assert_link_inert(thread)


def test_the_customer_thread_shows_hostile_values_as_text(hostile, colleague):
    html = get(colleague, reverse("tickets:detail", args=[hostile.number]))
    thread = html[html.index('<ol class="list-unstyled thread">') : html.index("</ol>")]
    assert_shown_as_text(thread, TITLE, NAME, FILE)
    assert 'data-quote-author="&' in thread  # the name cannot leave its attribute
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”" in thread  # the rating's comment
    assert_link_inert(thread)


def test_the_customer_printout_shows_hostile_values_as_text(hostile, colleague):
    html = get(colleague, reverse("tickets:print", args=[hostile.number]))
    assert_shown_as_text(html, TITLE, NAME, FILE)


def test_the_agent_printout_shows_hostile_values_as_text(hostile, agent):
    html = get(agent, reverse("agent:print", args=[hostile.number]), {"notes": "1"})
    assert_shown_as_text(html, TITLE, NAME, FILE)
    assert "Reason: &lt;script&gt;" in html


def test_the_link_field_refuses_a_javascript_link():
    field = LinksField(required=False)
    with pytest.raises(Exception, match="not http or https"):
        field.clean(f"https://example.com\n{LINK}")


EMAILS = [
    "tickets/agent_assigned", "tickets/agent_email", "attendance/protocol",
    "tickets/customer_replied", "tickets/escalation_answered", "tickets/reply_posted",
    "tickets/reply_posted_internal", "tickets/reply_received", "tickets/service_order_scheduled",
    "tickets/status_link", "tickets/task_assigned", "tickets/ticket_opened",
    "tickets/ticket_resolved",
]  # fmt: skip


@pytest.mark.parametrize("name", EMAILS)
def test_the_emails_show_a_hostile_title_and_names_as_text(name, hostile, agent):
    person = SimpleNamespace(first_name=NAME, full_name=NAME)
    hostile.parent = TicketFactory(department=hostile.department, title=TITLE)
    entry = hostile.entries.filter(kind="message").get()
    context = {
        "ticket": hostile,
        "person": person,
        "entry": SimpleNamespace(author=person, body_html="<p>Hello</p>"),
        "link": "https://help.example/t/1/",
        "agent": person,
        "body": TITLE,
        "attendance": SimpleNamespace(agent=person),
        "order": SimpleNamespace(
            get_kind_display=lambda: TITLE,
            starts_at=entry.created_at,
            ends_at=entry.created_at,
            technician=person,
        ),
        "task": SimpleNamespace(title=TITLE, due_at=entry.created_at),
        "valid_days": 3,
    }
    *_texts, html = render_email(name, context, language="en")
    assert TITLE not in html
    assert NAME not in html
    assert "&lt;script&gt;" in html or "&lt;img src=x" in html
