"""Two agents on one ticket: a reply or note written before another's newer one is held until
its author has read that one, with their text kept; "send anyway" sends it."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.tests.factories import AgentFactory
from tickets import services
from tickets.models import TicketEntry
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_agent(department):
    return AgentFactory(full_name="Bia Lima", departments=[department])


@pytest.fixture
def opened(light_user, department, normal_priority, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return open_for(light_user, department)


def newest(ticket):
    return ticket.entries.order_by("-id").first().id


def test_a_reply_after_anothers_newer_reply_is_refused_naming_it(opened, agent, manager):
    seen = newest(opened)
    theirs = services.reply_to_ticket(ticket=opened, actor=manager, body_html="<p>Done.</p>")
    with pytest.raises(services.AnsweredMeanwhile) as meanwhile:
        services.reply_to_ticket(
            ticket=opened, actor=agent, body_html="<p>Mine</p>", seen_entry_id=seen
        )
    assert meanwhile.value.entries == [theirs]
    assert not opened.entries.filter(author=agent, kind=TicketEntry.Kind.REPLY).exists()


def test_ones_own_entries_and_events_do_not_count_and_none_skips_the_check(opened, agent, manager):
    seen = newest(opened)
    services.claim_ticket(ticket=opened, actor=agent)  # an event, and the agent's own
    services.add_note(ticket=opened, actor=agent, body_html="<p>Looking</p>", seen_entry_id=seen)
    services.reply_to_ticket(ticket=opened, actor=agent, body_html="<p>A</p>", seen_entry_id=seen)
    services.add_note(ticket=opened, actor=manager, body_html="<p>Careful</p>")
    with pytest.raises(services.AnsweredMeanwhile):
        services.add_note(ticket=opened, actor=agent, body_html="<p>B</p>", seen_entry_id=seen)
    services.add_note(ticket=opened, actor=agent, body_html="<p>B</p>", seen_entry_id=None)
    assert opened.entries.filter(kind=TicketEntry.Kind.NOTE, author=agent).count() == 2


def test_the_page_warns_shows_their_reply_keeps_mine_and_sends_it_anyway(
    client, opened, agent, colleague_agent
):
    client.force_login(agent)
    page = client.get(reverse("agent:ticket", args=[opened.number])).content.decode()
    seen = newest(opened)
    assert f'name="reply-seen_entry" value="{seen}"' in page
    services.add_note(ticket=opened, actor=colleague_agent, body_html="<p>I am calling them</p>")
    data = {"reply-body": "<p>Try version 2.4</p>", "reply-then": "reply_and_keep",
            "reply-seen_entry": seen}  # fmt: skip
    refused = client.post(reverse("agent:reply", args=[opened.number]), data)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else wrote on this ticket while you were typing." in html
    assert "I am calling them" in html
    assert "Bia Lima" in html
    assert escape("<p>Try version 2.4</p>") in html  # nothing the agent wrote is lost
    assert "Send mine anyway" in html
    assert "Discard mine" in html
    assert not opened.entries.filter(kind=TicketEntry.Kind.REPLY).exists()
    sent = client.post(
        reverse("agent:reply", args=[opened.number]), {**data, "reply-send_anyway": "on"},
        follow=True,
    )  # fmt: skip
    assert "Your reply is sent" in sent.content.decode()
    assert opened.entries.get(kind=TicketEntry.Kind.REPLY).author == agent


def test_a_note_is_held_the_same_way(client, opened, agent, colleague_agent):
    client.force_login(agent)
    seen = newest(opened)
    services.reply_to_ticket(
        ticket=opened, actor=opened.requester, body_html="<p>It works again</p>"
    )
    data = {"note-body": "<p>Escalate?</p>", "note-seen_entry": seen}
    refused = client.post(reverse("agent:note", args=[opened.number]), data)
    assert "It works again" in refused.content.decode()
    assert not opened.entries.filter(kind=TicketEntry.Kind.NOTE).exists()
