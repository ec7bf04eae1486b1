"""The select boxes' choices kept in the cache (tickets.choices): one round trip a form, and
renewed by any change of what they list."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import Department, DepartmentMembership
from tickets.tests.factories import ProgressLabelFactory, TicketFactory

pytestmark = pytest.mark.django_db


def options(html, select_name):
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def signed_in(user):
    # Signed in once: a sign-in saves the user, which renews every kept list by itself.
    client = Client()
    client.force_login(user)
    return client


def page(client, url):
    return client.get(url).content.decode()


def test_a_form_reads_all_its_kept_lists_in_one_cache_round_trip(agent, monkeypatch):
    page(signed_in(agent), reverse("agent:queues"))  # the lists are kept
    calls = []
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or {})
    monkeypatch.setattr(cache, "get", lambda key, default=None: default)
    from tickets.agent_forms import QueueFilterForm

    form = QueueFilterForm(None)
    for name in ("department", "category", "priority", "agent"):
        str(form[name])
    assert len(calls) == 1
    assert len(calls[0]) == 5  # the version and the four lists


def test_the_assign_box_follows_the_departments_agents(
    manager, agent, other_agent, light_user, department
):
    ticket = TicketFactory(requester=light_user, department=department)
    url = reverse("agent:ticket", args=[ticket.number])
    client = signed_in(manager)
    assert options(page(client, url), "agent") == sorted(
        ["---------", agent.full_name, manager.full_name], key=lambda n: (n != "---------", n)
    )
    assert options(page(client, url), "agent")[1:] == sorted([agent.full_name, manager.full_name])
    DepartmentMembership.objects.create(user=other_agent, department=department)
    assert other_agent.full_name in options(page(client, url), "agent")
    other_agent.full_name = "Zé Renamed"
    other_agent.save()
    assert "Zé Renamed" in options(page(client, url), "agent")


def test_a_new_progress_label_and_a_new_department_are_offered_at_once(
    agent, light_user, department
):
    ticket = TicketFactory(requester=light_user, department=department, assignee=agent)
    url = reverse("agent:ticket", args=[ticket.number])
    client = signed_in(agent)
    assert options(page(client, url), "label") == ["End the current progress"]
    ProgressLabelFactory(name="Testing the fix")
    assert options(page(client, url), "label") == ["End the current progress", "Testing the fix"]
    assert "Legal" not in options(page(client, reverse("agent:queues")), "department")
    Department.objects.create(name="Legal")
    assert "Legal" in options(page(client, reverse("agent:queues")), "department")


def test_a_sign_in_keeps_the_kept_lists(agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(agent)
    page(client, reverse("agent:queues"))
    signed_in(agent)  # another sign-in: it saves the user's last_login alone
    with CaptureQueriesContext(connection) as captured:
        page(client, reverse("agent:queues"))
    assert not [q for q in captured.captured_queries if 'FROM "tickets_department"' in q["sql"]]
