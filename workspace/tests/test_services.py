"""The fan-out of ticket changes, and the agent's alerts."""

import asyncio
import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from tickets import services as tickets
from tickets.tests.fixtures import open_for
from workspace import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(services, "send", lambda group, message: messages.append((group, message)))
    return messages


def test_a_transfer_tells_both_departments_both_agents_and_the_page(
    agent, manager, light_user, department, other_department, sent,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    ticket = open_for(light_user, department)
    tickets.claim_ticket(ticket=ticket, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        tickets.transfer_ticket(ticket=ticket, actor=manager, department=other_department)
    groups = {group for group, _ in sent}
    assert groups == {
        services.EVERYTHING,
        services.ticket_group(ticket.id),
        services.department_group(department.id),
        services.department_group(other_department.id),
        services.agent_group(agent.id),
        services.agent_group(light_user.id),
    }
    assert all(message["tickets"] == [ticket.id] for _, message in sent)
    assert all(message["opened"] == [] for _, message in sent)


def test_opening_says_opened_once_and_the_bell_rings_its_agent(
    agent, manager, light_user, department, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(light_user, department)
    assert {message["opened"][0] for _, message in sent} == {ticket.id}
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tickets.assign_ticket(ticket=ticket, actor=manager, agent=agent)
    assert (services.agent_group(agent.id), {"type": "live.bell"}) in sent


def test_nothing_is_told_of_a_change_that_rolled_back(agent, light_user, department, sent):
    ticket = open_for(light_user, department)
    with pytest.raises(tickets.NotAllowed):
        tickets.add_note(ticket=ticket, actor=light_user, body_html="<p>x</p>")
    assert sent == []


def test_a_channel_layer_away_loses_the_news_not_the_change(monkeypatch, caplog):
    def down(*args):
        raise ConnectionError("redis away")

    monkeypatch.setattr(services, "get_channel_layer", down)
    with caplog.at_level(logging.ERROR, logger="workspace.services"):
        services.send("live.agent.1", {"type": "live.bell"})
    assert "could not tell live.agent.1" in caplog.text


def test_news_sent_from_a_thread_that_runs_an_event_loop_still_arrives(caplog):
    # A browser test's own thread runs Playwright's loop while its factories open tickets.
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("live.agent.7", channel)

    async def caller():
        services.send("live.agent.7", {"type": "live.bell"})

    with caplog.at_level(logging.ERROR, logger="workspace.services"):
        asyncio.run(caller())
    assert caplog.text == ""
    assert async_to_sync(layer.receive)(channel) == {"type": "live.bell"}


def test_alerts_are_off_until_turned_on(agent):
    assert services.set_new_ticket_alerts(actor=agent, enabled=False).new_ticket_alerts is False
    assert services.set_new_ticket_alerts(actor=agent, enabled=True).new_ticket_alerts is True
