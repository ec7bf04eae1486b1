"""Saved views: each filter of the search, the gate of personal and shared views, and the
counts beside the queues in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Department
from accounts.tests.factories import AgentFactory, OrganizationFactory
from core import kept
from tickets.models import Ticket
from tickets.tests.factories import (
    CategoryFactory,
    PriorityFactory,
    ProductFactory,
    ProgressLabelFactory,
    SeverityFactory,
    TicketFactory,
)
from tickets.tests.fixtures import drop_kept
from tickets.workflow import Status
from workspace import saved_views
from workspace.models import SavedView

pytestmark = pytest.mark.django_db
SEARCH = "/agent/search/"
QUEUES = "/agent/"


def found(response) -> list[str]:
    return sorted(ticket.title for ticket in response.context["page"].object_list)


# ---- each filter ---------------------------------------------------------------------------


@pytest.fixture
def pair(light_user, department):
    """Two tickets of the agent's department that differ in every filtered column."""
    now = timezone.now()
    wanted = TicketFactory(
        title="Wanted", requester=light_user, department=department,
        category=CategoryFactory(), product=ProductFactory(), priority=PriorityFactory(),
        severity=SeverityFactory(), progress_label=ProgressLabelFactory(),
        channel=Ticket.Channel.EMAIL, organization=OrganizationFactory(name="Zyxw Tools"),
    )  # fmt: skip
    other = TicketFactory(title="Other", requester=light_user, department=department,
                          channel=Ticket.Channel.PORTAL)  # fmt: skip
    Ticket.objects.filter(id=wanted.id).update(
        created_at=now - timedelta(days=20), updated_at=now - timedelta(days=1),
        due_at=now - timedelta(hours=2),
    )  # fmt: skip
    Ticket.objects.filter(id=other.id).update(
        created_at=now - timedelta(days=20), updated_at=now - timedelta(days=15),
        due_at=now + timedelta(days=2),
    )  # fmt: skip
    wanted.refresh_from_db()
    drop_kept()
    return wanted, other


@pytest.mark.parametrize(
    "name", ["category", "product", "priority", "severity", "label", "channel",
             "organization", "updated", "overdue", "agent"],
)  # fmt: skip
def test_each_filter_keeps_only_the_tickets_that_meet_it(client, agent, pair, name):
    wanted, _other = pair
    if name == "agent":
        Ticket.objects.filter(id=wanted.id).update(assignee=agent)
    today = timezone.localdate()
    params = {
        "category": {"category": wanted.category_id},
        "product": {"product": wanted.product_id},
        "priority": {"priority": wanted.priority_id},
        "severity": {"severity": wanted.severity_id},
        "label": {"label": wanted.progress_label_id},
        "channel": {"channel": "email"},
        "organization": {"organization": "zyxw"},
        "updated": {"updated_from": (today - timedelta(days=3)).isoformat(),
                    "updated_to": today.isoformat()},
        "overdue": {"due": "overdue"},
        "agent": {"agent": agent.id},
    }[name]  # fmt: skip
    client.force_login(agent)
    response = client.get(SEARCH, {"status": "", **params})
    assert response.status_code == 200
    assert found(response) == ["Wanted"]


def test_a_resolved_ticket_past_its_due_date_is_not_overdue(client, agent, pair):
    wanted, _other = pair
    Ticket.objects.filter(id=wanted.id).update(status=Status.RESOLVED)
    client.force_login(agent)
    response = client.get(SEARCH, {"due": "overdue"})
    assert found(response) == []


def test_the_updated_period_backwards_is_refused_beside_its_end(client, agent):
    client.force_login(agent)
    response = client.get(SEARCH, {"updated_from": "2026-05-02", "updated_to": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors == {
        "updated_to": ["The end of the period comes before its start."]
    }


def test_the_order_asked_sorts_the_results(client, agent, pair):
    client.force_login(agent)
    oldest = client.get(SEARCH, {"status": "open_any", "sort": "updated"})
    latest = client.get(SEARCH, {"status": "open_any"})
    assert [t.title for t in oldest.context["page"].object_list] == ["Other", "Wanted"]
    assert [t.title for t in latest.context["page"].object_list] == ["Wanted", "Other"]


def test_an_agent_does_not_find_another_departments_tickets_by_a_filter(client, other_agent, pair):
    wanted, _other = pair
    client.force_login(other_agent)
    response = client.get(SEARCH, {"category": wanted.category_id})
    assert found(response) == []


# ---- saving, opening, the gate -------------------------------------------------------------


def test_an_agent_saves_the_search_and_opens_it_again(client, agent, pair):
    client.force_login(agent)
    response = client.post(
        "/agent/search/views/",
        {"view-name": " Late e-mail ", "view-query": "channel=email&sort=due&page=3"},
    )
    view = SavedView.objects.get()
    assert (view.name, view.owner, view.department, view.query) == (
        "Late e-mail",
        agent,
        None,
        "channel=email&sort=due",
    )
    assert response.url == f"/agent/search/?channel=email&sort=due&view={view.id}"
    opened = client.get(f"/agent/search/views/{view.id}/", follow=True)
    assert found(opened) == ["Wanted"]
    assert opened.context["view"] == view
    assert opened.context["may_change_view"] is True


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"view-name": "", "view-query": "channel=email"}, "name", "This field is required."),
        ({"view-name": "Nothing", "view-query": ""}, "query", "This field is required."),
        ({"view-name": "Nothing", "view-query": "sort=due"}, "query",
         "Search with at least one filter before saving."),
        ({"view-name": "Bad", "view-query": "created_from=2026-02-31"}, "query",
         "Search with at least one filter before saving."),
    ],
)  # fmt: skip
def test_a_view_that_cannot_be_saved_says_why_and_keeps_the_search(
    client, agent, data, field, message
):
    client.force_login(agent)
    response = client.post("/agent/search/views/", data)
    assert response.status_code == 400
    assert response.context["save_form"].errors[field] == [message]
    kept = dict(response.context["form"].data.lists())
    assert kept == dict(QueryDict(data["view-query"]).lists())
    assert not SavedView.objects.exists()


def test_an_agent_may_not_share_a_view_with_a_department_they_do_not_manage(
    client, agent, department
):
    client.force_login(agent)
    response = client.post(
        "/agent/search/views/",
        {"view-name": "X", "view-query": "channel=email", "view-department": department.id},
    )
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert view.department is None  # no choice of department is offered to them


def test_a_manager_shares_a_view_with_their_department_only(
    client, manager, department, other_department
):
    client.force_login(manager)
    refused = client.post(
        "/agent/search/views/",
        {"view-name": "X", "view-query": "channel=email", "view-department": other_department.id},
    )
    assert refused.status_code == 400
    assert "department" in refused.context["save_form"].errors
    client.post(
        "/agent/search/views/",
        {"view-name": "Team", "view-query": "channel=email", "view-department": department.id},
    )
    assert SavedView.objects.get().department == department


@pytest.fixture
def views(agent, manager, department, other_department, administrator):
    return {
        "personal": SavedView.objects.create(name="Mine", owner=agent, query="channel=email"),
        "shared": SavedView.objects.create(
            name="Team", owner=manager, department=department, query="status=open_any"
        ),
        "elsewhere": SavedView.objects.create(
            name="Billing", owner=administrator, department=other_department, query="status=new"
        ),
        "admins": SavedView.objects.create(name="Admin's", owner=administrator, query="status=new"),
    }


# Who may open which view (200), and who gets 404; who may rename or delete it.
MATRIX = {
    "agent": {"personal": "change", "shared": "open", "elsewhere": None, "admins": None},
    "colleague_agent": {"personal": None, "shared": "open", "elsewhere": None, "admins": None},
    "other_agent": {"personal": None, "shared": None, "elsewhere": "open", "admins": None},
    "manager": {"personal": None, "shared": "change", "elsewhere": None, "admins": None},
    "administrator": {"personal": None, "shared": "change", "elsewhere": "change",
                      "admins": "change"},
}  # fmt: skip


@pytest.fixture
def colleague_agent(department):
    return AgentFactory(email="colleague.agent@helpdesk.example", departments=[department])


@pytest.mark.parametrize("person", list(MATRIX))
def test_the_gate_of_saved_views_for_each_person(request, client, views, person):
    user = request.getfixturevalue(person)
    client.force_login(user)
    listed = {view.name for view, _count in saved_views.navigation(user)}
    assert listed == {views[key].name for key, may in MATRIX[person].items() if may}
    for key, may in MATRIX[person].items():
        view = views[key]
        opened = client.get(f"/agent/search/views/{view.id}/")
        direct = client.get(SEARCH, {"status": "new", "view": view.id})
        renamed = client.post(f"/agent/search/views/{view.id}/rename/", {"name": "Renamed"})
        if may is None:
            assert (opened.status_code, direct.status_code, renamed.status_code) == (404,) * 3
            continue
        assert opened.status_code == 302
        assert direct.context["may_change_view"] is (may == "change")
        assert renamed.status_code == (302 if may == "change" else 404)
        deleted = client.post(f"/agent/search/views/{view.id}/delete/")
        assert deleted.status_code == (302 if may == "change" else 404)
        assert SavedView.objects.filter(id=view.id).exists() is (may != "change")


def test_a_customer_or_a_huge_number_finds_no_view(client, light_user, agent, views):
    client.force_login(light_user)
    assert client.get(f"/agent/search/views/{views['personal'].id}/").status_code == 404
    client.force_login(agent)
    assert client.get(f"/agent/search/views/{2**63}/").status_code == 404
    assert client.get(SEARCH, {"view": str(2**64)}).status_code == 404


def test_an_inactive_person_has_no_views(agent, views):
    agent.is_active = False
    assert not saved_views.permissions.visible_saved_views(agent).exists()


def test_renaming_to_nothing_says_so_beside_the_name(client, agent, views):
    client.force_login(agent)
    view = views["personal"]
    response = client.post(f"/agent/search/views/{view.id}/rename/", {"name": "  "})
    assert response.status_code == 400
    assert response.context["rename_form"].errors["name"] == ["This field is required."]
    view.refresh_from_db()
    assert view.name == "Mine"


# ---- the counts beside the queues ----------------------------------------------------------


def test_the_queue_page_lists_the_views_with_their_counts(client, agent, pair, views):
    SavedView.objects.create(name="Zero", owner=agent, query="q=nothingmatchesthis")
    SavedView.objects.create(name="Retired", owner=agent, query="category=999999")
    client.force_login(agent)
    response = client.get(QUEUES)
    html = response.content.decode()
    counts = {view.name: count for view, count in saved_views.navigation(agent)}
    assert counts == {"Mine": 1, "Team": 2, "Zero": 0, "Retired": None}
    assert f'data-view-count="{views["personal"].id}">1<' in html
    assert f'href="/agent/search/views/{views["shared"].id}/"' in html


def test_a_count_past_the_limit_shows_the_limit_and_a_plus(
    client, agent, light_user, department, monkeypatch
):
    monkeypatch.setattr(saved_views, "COUNT_LIMIT", 2)
    TicketFactory.create_batch(4, requester=light_user, department=department)
    view = SavedView.objects.create(name="Many", owner=agent, query="status=open_any")
    assert saved_views.navigation(agent) == [(view, 3)]
    client.force_login(agent)
    assert f'data-view-count="{view.id}">2+<' in client.get(QUEUES).content.decode()


def test_the_panel_with_five_views_costs_one_query_for_every_count(
    client, agent, light_user, department
):
    TicketFactory.create_batch(3, requester=light_user, department=department)
    client.force_login(agent)

    def queries(*, cold=True) -> int:
        drop_kept()
        if cold:
            listed = list(
                SavedView.objects.filter(owner=agent).order_by("department_id", "name", "id")
            )
            saved_views.cache.delete(saved_views.count_key(agent, listed))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUES).status_code == 200
        return len(captured)

    without = queries()  # the views' list is read even when there is none
    SavedView.objects.create(name="One", owner=agent, query="status=new")
    one = queries()
    for name, query in [
        ("Two", "channel=email&sort=due"),
        ("Three", "due=overdue"),
        ("Four", "updated_from=2026-01-01"),
        ("Five", "status=open_any"),
    ]:
        SavedView.objects.create(name=name, owner=agent, query=query)  # fmt: skip
    five = queries()
    assert (one - without, five - without) == (1, 1)  # every count in one statement
    assert queries(cold=False) == without  # then, for a while, from the cache
    counts = {view.name: count for view, count in saved_views.navigation(agent)}
    assert counts == {"One": 3, "Two": 0, "Three": 0, "Four": 3, "Five": 3}


def test_the_panel_names_a_views_department_from_the_kept_rows_not_a_join(agent, department, views):
    kept.table(Department)  # read once, as every page of the process has
    with CaptureQueriesContext(connection) as captured:
        named = {view.name: str(view.department or "") for view, _ in saved_views.navigation(agent)}
    assert named == {"Mine": "", "Team": department.display_name}
    assert not any("tickets_department" in query["sql"] for query in captured)


def test_a_new_view_is_counted_at_once_though_the_counts_are_cached(client, agent, views):
    assert [count for _view, count in saved_views.navigation(agent)] == [0, 0]
    SavedView.objects.create(name="Another", owner=agent, query="status=new")
    assert len(saved_views.navigation(agent)) == 3


def test_nobody_but_its_owner_changes_a_personal_view(administrator, views):
    assert not saved_views.permissions.may_change_saved_view(administrator, views["personal"])
