"""The manager's view of the team: figures against a hand-built set of tickets, the gate,
the queries, and each number's link to exactly the tickets it counts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.tests.factories import AgentFactory
from chat.models import AgentPresence
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory
from tickets.workflow import Status
from workspace import permissions
from workspace.team import FIGURES

pytestmark = pytest.mark.django_db
TEAM = "/agent/team/"
S = Status


def _ticket(name, department, *, assignee=None, status=S.OPEN, due=None, paused=False,
            updated=None, trashed=False, requester=None):  # fmt: skip
    ticket = TicketFactory(title=name, department=department, assignee=assignee, status=status)
    now = timezone.now()
    Ticket.objects.filter(id=ticket.id).update(
        due_at=now + due if due is not None else None,
        sla_paused_at=now if paused else None,
        updated_at=now - (updated or timedelta()),
        trashed_at=now if trashed else None,
    )
    return ticket


def _today_later():
    """A moment later today (local time), whenever the test runs."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return (midnight - now) / 2


@pytest.fixture
def bea(department):
    return AgentFactory(full_name="Bea Lima", departments=[department])


@pytest.fixture
def world(agent, bea, other_agent, department, other_department):
    day = timedelta(days=1)
    return {
        "t1": _ticket("t1", department, assignee=agent, due=-timedelta(hours=2)),
        "t2": _ticket(
            "t2",
            department,
            assignee=agent,
            status=S.WAITING_CUSTOMER,
            due=-timedelta(hours=5),
            paused=True,
            updated=3 * day,
        ),
        "t3": _ticket("t3", department, assignee=bea, status=S.NEW, due=_today_later()),
        "t4": _ticket("t4", department, due=3 * day),
        "t5": _ticket("t5", department, assignee=bea, status=S.WAITING_CUSTOMER, updated=day),
        "t6": _ticket("t6", department, assignee=agent, status=S.RESOLVED, due=-day),
        "t7": _ticket("t7", department, assignee=agent, trashed=True, due=-day),
        "t8": _ticket("t8", other_department, assignee=other_agent, due=-day),
        "t9": _ticket("t9", other_department, assignee=agent, status=S.PENDING),
        "t10": _ticket("t10", other_department, status=S.WAITING_CUSTOMER, updated=5 * day),
    }


def _rows(response, kind):
    return {row.label: row for row in response.context[kind]}


def _figures(row):
    return tuple(row.figures[name] for name in FIGURES)


def test_a_manager_sees_the_figures_of_their_departments_only(
    client, manager, agent, bea, other_agent, world
):
    AgentPresence.objects.create(user=bea, status=AgentPresence.Status.ONLINE)
    AgentPresence.objects.create(user=agent, status=AgentPresence.Status.AWAY)
    client.force_login(manager)
    response = client.get(TEAM)
    assert response.status_code == 200
    departments = _rows(response, "departments")
    assert list(departments) == ["Support"]
    # open, waiting on customer, overdue, due today
    assert _figures(departments["Support"]) == (5, 2, 1, 1)
    assert departments["Support"].oldest.number == world["t2"].number
    agents = _rows(response, "agents")
    assert list(agents) == sorted([agent.full_name, bea.full_name, manager.full_name])
    assert _figures(agents[agent.full_name]) == (2, 1, 1, 0)
    assert agents[agent.full_name].oldest.number == world["t2"].number
    assert _figures(agents[bea.full_name]) == (2, 1, 0, 1)
    assert agents[bea.full_name].oldest.number == world["t5"].number
    assert _figures(agents[manager.full_name]) == (0, 0, 0, 0)
    assert agents[manager.full_name].oldest is None
    assert [name for name, row in agents.items() if row.online] == [bea.full_name]
    assert response.context["online_count"] == 1
    assert _figures(response.context["total"]) == (5, 2, 1, 1)
    page = response.content.decode()
    assert other_agent.full_name not in page
    assert "Billing" not in page
    assert f"#{world['t10'].number}" not in page


def test_an_administrator_sees_every_department_and_who_holds_their_tickets(
    client, administrator, agent, other_agent, world
):
    client.force_login(administrator)
    response = client.get(TEAM)
    departments = _rows(response, "departments")
    assert _figures(departments["Support"]) == (5, 2, 1, 1)
    assert _figures(departments["Billing"]) == (3, 1, 1, 0)
    assert departments["Billing"].oldest.number == world["t10"].number
    agents = _rows(response, "agents")
    assert _figures(agents[agent.full_name]) == (3, 1, 1, 0)
    assert _figures(agents[other_agent.full_name]) == (1, 0, 1, 0)
    assert _figures(response.context["total"]) == (8, 3, 2, 1)
    assert response.context["total"].oldest.number == world["t10"].number


@pytest.mark.parametrize("person", ["administrator", "manager"])
def test_each_number_links_to_exactly_the_tickets_it_counts(client, request, person, world):
    client.force_login(request.getfixturevalue(person))
    response = client.get(TEAM)
    rows = [*response.context["departments"], *response.context["agents"]]
    rows.append(response.context["total"])
    page = response.content.decode()
    checked = 0
    for row in rows:
        for name in FIGURES:
            url = _link(row, name)
            assert url.replace("&", "&amp;") in page
            found = client.get(url)
            assert found.status_code == 200
            numbers = {ticket.number for ticket in found.context["page"].object_list}
            assert len(numbers) == row.figures[name], (row.label, name)
            checked += row.figures[name]
    assert checked > 0


def _link(row, name):
    # The template tag the page draws them with.
    from workspace.templatetags.team_tags import team_search_url

    return team_search_url(row, name)


def test_the_links_find_the_very_tickets(client, manager, agent, world):
    client.force_login(manager)
    response = client.get(TEAM)
    mine = _rows(response, "agents")[agent.full_name]
    expected = {"open": ["t1", "t2"], "waiting": ["t2"], "overdue": ["t1"], "due_today": []}
    for name, titles in expected.items():
        found = client.get(_link(mine, name))
        assert sorted(t.title for t in found.context["page"].object_list) == titles
    # The agent's Billing ticket, which the manager may not see, is not behind any link.
    support = _rows(response, "departments")["Support"]
    found = client.get(_link(support, "due_today"))
    assert [t.title for t in found.context["page"].object_list] == ["t3"]


@pytest.mark.parametrize("person", ["agent", "other_agent", "light_user"])
def test_anyone_but_a_manager_or_administrator_gets_404(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(TEAM).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(TEAM)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_team_filter_gives_a_plain_agent_nothing(client, agent, world):
    client.force_login(agent)
    response = client.get("/agent/search/", {"team": "1", "status": "open_any"})
    assert list(response.context["page"].object_list) == []
    response = client.get("/agent/search/", {"status": "open_any", "due": "overdue"})
    assert [t.title for t in response.context["page"].object_list] == ["t1"]


def test_a_bad_filter_value_is_told_next_to_its_field(client, manager, world):
    client.force_login(manager)
    response = client.get("/agent/search/", {"agent": "999999", "due": "never"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"agent", "due"}
    assert response.context["page"] is None


def test_the_page_runs_the_same_queries_for_three_agents_or_thirty(
    client, manager, department, django_assert_num_queries
):
    def add_agents(count):
        for n in range(count):
            person = AgentFactory(departments=[department])
            _ticket(f"x{n}", department, assignee=person, status=S.WAITING_CUSTOMER)
            AgentPresence.objects.create(user=person, status=AgentPresence.Status.ONLINE)

    client.force_login(manager)
    add_agents(3)
    client.get(TEAM)
    with django_assert_num_queries(QUERIES):
        client.get(TEAM)
    add_agents(27)
    # New agents change the kept tables: the first page after reads them again, once.
    client.get(TEAM)
    with django_assert_num_queries(QUERIES):
        response = client.get(TEAM)
    assert response.context["online_count"] == 30


# User, memberships; two counts, two oldest; presence, departments, agents; the bell.
QUERIES = 10


def test_htmx_gets_the_figures_alone_and_the_page_polls_every_30_seconds(client, manager, world):
    client.force_login(manager)
    page = client.get(TEAM).content.decode()
    assert 'hx-trigger="every 30s"' in page
    figures = client.get(TEAM, headers={"HX-Request": "true"})
    assert figures.status_code == 200
    body = figures.content.decode()
    assert "<html" not in body
    assert "team-departments" in body


def test_the_navigation_links_managers_to_the_team(client, manager, agent):
    client.force_login(manager)
    assert f'href="{TEAM}"' in client.get("/agent/").content.decode()
    client.force_login(agent)
    assert f'href="{TEAM}"' not in client.get("/agent/").content.decode()


def test_the_gate_of_the_team(manager, agent, administrator, light_user, department):
    assert not permissions.may_see_team(AnonymousUser())
    assert not permissions.may_see_team(light_user)
    assert not permissions.may_see_team(agent)
    assert permissions.may_see_team(manager)
    assert permissions.may_see_team(administrator)
    administrator.is_active = False
    assert not permissions.may_see_team(administrator)
    assert str(permissions.team_condition(agent)) == "(AND: ('pk__in', []))"
    assert str(permissions.team_condition(manager)) == str(
        permissions.Q(department_id__in=[department.id])
    )
    administrator.is_active = True
    assert permissions.team_condition(administrator) == permissions.Q()
