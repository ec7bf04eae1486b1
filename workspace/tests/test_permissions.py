"""Every branch of the workspace's gate."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tickets.tests.fixtures import open_for
from workspace import permissions

pytestmark = pytest.mark.django_db


def test_only_active_agents_go_live(agent, administrator, light_user):
    assert permissions.may_go_live(agent)
    assert permissions.may_go_live(administrator)
    assert not permissions.may_go_live(light_user)
    assert not permissions.may_go_live(AnonymousUser())
    agent.is_active = False
    assert not permissions.may_go_live(agent)


def test_a_reply_being_typed_is_heard_by_all_who_see_the_ticket_a_note_by_who_reads_notes(
    agent, other_agent, light_user, department
):
    ticket = open_for(light_user, department)
    assert permissions.hears_typing(other_agent, ticket, "reply")
    assert permissions.hears_typing(agent, ticket, "note")
    assert not permissions.hears_typing(other_agent, ticket, "note")
