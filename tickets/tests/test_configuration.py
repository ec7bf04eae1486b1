"""The tables kept in each process (core.kept, as tickets.configuration registers them): the
configuration, the agents and their departments, and the select boxes drawn from them."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Department, DepartmentMembership
from core import kept
from tickets.agent_forms import QueueFilterForm
from tickets.configuration import CONFIGURATION
from tickets.models import Category, Priority, ProgressLabel, Ticket
from tickets.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProgressLabelFactory,
    SeverityFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


def test_the_kept_tables_are_read_whole_in_one_query_with_their_types(department, high_priority):
    category = CategoryFactory(department=department, requires_attachment=True)
    ProductFactory(name="Widget")
    SeverityFactory(name="Blocker", is_active=False)
    ProgressLabelFactory(name="Testing")
    kept.forget()
    with CaptureQueriesContext(connection) as captured:
        row = kept.table(Category)[category.id]
    assert len(captured) == 1
    assert row.requires_attachment is True
    assert row.is_active is True
    assert row.department == department
    priority = kept.table(Priority)[high_priority.id]
    assert (priority.first_response_hours, priority.resolution_hours) == (2, 8)
    assert priority.is_default is False
    assert [s.is_active for s in kept.table(CONFIGURATION[4]).values()] == [False]
    assert [p.name for p in kept.table(ProgressLabel).values()] == ["Testing"]
    assert kept.table(Department)[department.id].name_pt_br == "Suporte"


def test_a_renamed_department_shows_on_the_next_page(client, agent, light_user, department):
    ticket = TicketFactory(requester=light_user, department=department)
    client.force_login(agent)
    url = reverse("agent:ticket", args=[ticket.number])
    assert "Support" in client.get(url).content.decode()
    department.name = "Helpdesk team"
    department.save()
    assert "Helpdesk team" in client.get(url).content.decode()


def test_another_processs_change_is_seen_once_the_copy_is_checked(settings, department, light_user):
    settings.KEPT_CHECK_SECONDS = 3600
    ticket = TicketFactory(requester=light_user, department=department)
    assert Ticket.objects.get(id=ticket.id).department.name == "Support"
    # Another process renames it: the shared version changes, this process's copy does not.
    Department.objects.filter(id=department.id).update(name="Renamed elsewhere")
    cache.delete(kept.VERSION_KEY)
    assert Ticket.objects.get(id=ticket.id).department.name == "Support"  # trusted a while
    settings.KEPT_CHECK_SECONDS = 0
    assert Ticket.objects.get(id=ticket.id).department.name == "Renamed elsewhere"


def test_with_the_cache_down_the_kept_tables_are_read_from_the_database(
    dead_cache, department, light_user, caplog
):
    ticket = TicketFactory(requester=light_user, department=department)
    assert Ticket.objects.get(id=ticket.id).department.name == "Support"
    department.name = "Renamed in the outage"
    department.save()  # the version cannot be dropped: the save goes on
    assert Ticket.objects.get(id=ticket.id).department.name == "Renamed in the outage"
    assert kept._copy.version is kept._OUTAGE  # read again once the cache answers
    assert "kept tables: the cache is unavailable" in caplog.text


def test_a_list_names_departments_without_asking_for_each(light_user, department, settings):
    settings.TICKETS_PER_PAGE = 50
    other = Department.objects.create(name="Billing")
    for n in range(10):
        TicketFactory(requester=light_user, department=department if n % 2 else other)
    client = Client()
    client.force_login(light_user)
    kept.forget()
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("tickets:list")).content.decode()
    assert html.count(">Billing</td>") == 5
    assert html.count(">Support</td>") == 5
    asked = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in asked if 'WHERE "tickets_department"."id" =' in sql]
    assert sum('AS "table"' in sql for sql in asked) == 1  # the kept tables, once


def test_same_named_fields_of_the_kept_tables_are_of_one_kind():
    # They share a column of the one query that reads them (kept._read_all).
    kinds = {}
    for entry in kept._registry.values():
        for field in kept._fields(entry):
            kind = "id" if field.is_relation or field.primary_key else type(field).__name__
            assert kinds.setdefault(field.attname, kind) == kind, (entry.model, field.attname)


@pytest.mark.django_db(transaction=True)
def test_a_copy_read_while_a_change_commits_is_read_again_after(require_postgres, settings):
    import threading

    from django.db import connection, transaction

    settings.KEPT_CHECK_SECONDS = 0
    department = Department.objects.create(name="Old name")

    def another_request():
        try:
            kept.table(Department)  # between the save and its commit: the old row
        finally:
            connection.close()

    with transaction.atomic():
        department.name = "New name"
        department.save()
        reader = threading.Thread(target=another_request)
        reader.start()
        reader.join()
    assert kept.table(Department)[department.id].name == "New name"


def test_a_cache_that_keeps_nothing_still_serves_the_tables(settings, department):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    kept.forget()
    assert kept.table(Department)[department.id].name == "Support"


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


def test_a_form_draws_its_boxes_from_the_kept_tables_without_a_query(agent, department):
    kept.table(Department)  # kept
    with CaptureQueriesContext(connection) as captured:
        form = QueueFilterForm({"department": str(department.id)})
        drawn = "".join(str(form[name]) for name in ("department", "category", "priority", "agent"))
        assert form.is_valid()
    assert captured.captured_queries == []
    assert "Support" in drawn
    assert agent.full_name in drawn
    assert form.cleaned_data["department"] == department


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
    client = signed_in(agent)
    page(client, reverse("agent:queues"))
    signed_in(agent)  # another sign-in: it saves the user's last_login alone
    with CaptureQueriesContext(connection) as captured:
        page(client, reverse("agent:queues"))
    assert not [q for q in captured.captured_queries if 'FROM "tickets_department"' in q["sql"]]
