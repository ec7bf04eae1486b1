"""The configuration tables kept in each process (tickets.lookups)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Department
from tickets import lookups
from tickets.models import Category, Priority, ProgressLabel
from tickets.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProgressLabelFactory,
    SeverityFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


def test_the_six_tables_are_read_whole_in_one_query_with_their_types(department, high_priority):
    category = CategoryFactory(department=department, requires_attachment=True)
    ProductFactory(name="Widget")
    SeverityFactory(name="Blocker", is_active=False)
    ProgressLabelFactory(name="Testing")
    lookups.forget()
    with CaptureQueriesContext(connection) as captured:
        kept = lookups.table(Category)[category.id]
    assert len(captured) == 1
    assert kept.requires_attachment is True
    assert kept.is_active is True
    assert kept.department == department
    priority = lookups.table(Priority)[high_priority.id]
    assert (priority.first_response_hours, priority.resolution_hours) == (2, 8)
    assert priority.is_default is False
    assert [s.is_active for s in lookups.table(lookups.MODELS[4]).values()] == [False]
    assert [p.name for p in lookups.table(ProgressLabel).values()] == ["Testing"]
    assert lookups.table(Department)[department.id].name_pt_br == "Suporte"


def test_a_renamed_department_shows_on_the_next_page(client, agent, light_user, department):
    ticket = TicketFactory(requester=light_user, department=department)
    client.force_login(agent)
    url = reverse("agent:ticket", args=[ticket.number])
    assert "Support" in client.get(url).content.decode()
    department.name = "Helpdesk team"
    department.save()
    assert "Helpdesk team" in client.get(url).content.decode()


def test_another_processs_change_is_seen_once_the_copy_is_checked(settings, department, light_user):
    settings.LOOKUPS_CHECK_SECONDS = 3600
    ticket = TicketFactory(requester=light_user, department=department)
    lookups.attach([ticket], "department")
    # Another process renames it: the shared version changes, this process's copy does not.
    Department.objects.filter(id=department.id).update(name="Renamed elsewhere")
    cache.delete(lookups.VERSION_KEY)
    lookups.attach([ticket], "department")
    assert ticket.department.name == "Support"  # trusted for LOOKUPS_CHECK_SECONDS
    settings.LOOKUPS_CHECK_SECONDS = 0
    lookups.attach([ticket], "department")
    assert ticket.department.name == "Renamed elsewhere"


def test_a_list_names_departments_without_asking_for_each(light_user, department, settings):
    settings.TICKETS_PER_PAGE = 50
    other = Department.objects.create(name="Billing")
    for n in range(10):
        TicketFactory(requester=light_user, department=department if n % 2 else other)
    client = Client()
    client.force_login(light_user)
    lookups.forget()
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("tickets:list")).content.decode()
    assert html.count(">Billing</td>") == 5
    assert html.count(">Support</td>") == 5
    asked = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in asked if 'WHERE "tickets_department"."id" =' in sql]
    assert sum('AS "table"' in sql for sql in asked) == 1  # the six tables, once


def test_same_named_fields_of_the_six_tables_are_of_one_kind():
    # They share a column of the one query that reads them (lookups._read_all).
    kinds = {}
    for model in lookups.MODELS:
        for field in model._meta.concrete_fields:
            kind = "id" if field.is_relation or field.primary_key else type(field).__name__
            assert kinds.setdefault(field.attname, kind) == kind, (model, field.attname)


@pytest.mark.django_db(transaction=True)
def test_a_copy_read_while_a_change_commits_is_read_again_after(require_postgres, settings):
    import threading

    from django.db import connection, transaction

    settings.LOOKUPS_CHECK_SECONDS = 0
    department = Department.objects.create(name="Old name")

    def another_request():
        try:
            lookups.table(Department)  # between the save and its commit: the old row
        finally:
            connection.close()

    with transaction.atomic():
        department.name = "New name"
        department.save()
        reader = threading.Thread(target=another_request)
        reader.start()
        reader.join()
    assert lookups.table(Department)[department.id].name == "New name"


def test_a_cache_that_keeps_nothing_still_serves_the_tables(settings, department):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    lookups.forget()
    assert lookups.table(Department)[department.id].name == "Support"
