"""Issue 9, speed at 100,000 tickets: query counts that do not grow, search, seek pages.

Times are measured by `make bench`; here the number of queries of each page is pinned (at
most 12, the same for few rows as for many) and the search is checked on both databases.
"""

import io

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import AgentFactory, CustomerFactory
from core.paging import cursor_at
from tickets import queues, search, services, workflow
from tickets.models import Ticket, TicketSearch
from tickets.tests.factories import CategoryFactory, EntryFactory, PriorityFactory, TicketFactory
from tickets.tests.fixtures import drop_kept, open_for

BUDGET = 12
# The queries each page runs, pinned exactly (kept tables dropped first: the most it costs).
# On PostgreSQL a search asks first how many tickets match, and a message rewrites the
# ticket's search words. Agent pages read the agent's departments once (the gates ask).
FULL_TEXT = 1 if search.uses_full_text() else 0
PAGES = {
    "portal": 3,
    "portal_organization": 4,
    "portal_search": 4 + FULL_TEXT,
    # The queues list the agent's saved views beside them (one query, none saved here).
    "queue": 7,
    "queue_search": 7 + FULL_TEXT,
    "agent_ticket": 9,
    "customer_ticket": 8,
    "print": 9,
    # Cold, opening reads the kept tables once (0 when warm): its select boxes, the default
    # priority and which webhooks want a new ticket are read from them.
    "open": 8 + FULL_TEXT,
    "reply": 10 + FULL_TEXT,
}


def test_every_pinned_page_is_within_the_budget():
    assert max(PAGES.values()) <= BUDGET
    assert PAGES["agent_ticket"] + 2 <= BUDGET  # with escalations and their latest replies


def queries(client, method, url, data=None, *, cold=True):
    if cold:
        drop_kept()
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), response.status_code
    return len(captured), response


def plain_client(user):
    """Django's own client: after-commit work (mail) is not run inside the request."""
    client = Client()
    client.force_login(user)
    return client


def grow(rows, **fields):
    # Factories skip the services, so the search words are written here as they would be.
    search.refresh_search(t.id for t in TicketFactory.create_batch(rows, **fields))


@pytest.mark.parametrize(
    ("who", "query", "page"),
    [
        ("light_user", {}, "portal"),
        ("master_user", {"scope": "organization", "state": "all"}, "portal_organization"),
        ("master_user", {"scope": "organization", "q": "printer"}, "portal_search"),
    ],
)
def test_portal_lists_run_the_same_few_queries_for_5_rows_as_for_60(
    request, who, query, page, department, settings
):
    user = request.getfixturevalue(who)
    settings.TICKETS_PER_PAGE = 100
    client = plain_client(user)
    grow(5, requester=user, department=department, title="printer 1")
    few, _ = queries(client, "get", reverse("tickets:list"), query)
    grow(55, requester=user, department=department, title="printer 2")
    many, response = queries(client, "get", reverse("tickets:list"), query)
    assert len(response.context["page"].object_list) == 60
    assert few == many == PAGES[page]


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ({"queue": "new"}, "queue"),
        ({"queue": "all", "q": "printer"}, "queue_search"),
        ({"queue": "all", "sort": "-priority"}, "queue"),
        ({"queue": "all", "sort": "number", "department": "DEPARTMENT"}, "queue"),
    ],
)
def test_agent_queues_run_the_same_few_queries_for_5_rows_as_for_60(
    query, page, agent, light_user, department, settings
):
    settings.TICKETS_PER_PAGE = 100
    query = {k: department.id if v == "DEPARTMENT" else v for k, v in query.items()}
    client = plain_client(agent)
    grow(5, requester=light_user, department=department, title="printer 1")
    few, _ = queries(client, "get", reverse("agent:queues"), query)
    grow(55, requester=light_user, department=department, title="printer 2")
    many, response = queries(client, "get", reverse("agent:queues"), query)
    assert len(response.context["page"].object_list) == 60
    assert few == many == PAGES[page]


def test_a_deep_page_costs_what_the_first_page_costs(agent, light_user, department, settings):
    settings.TICKETS_PER_PAGE = 5
    grow(60, requester=light_user, department=department)
    client = plain_client(agent)
    first, response = queries(client, "get", reverse("agent:queues"), {"queue": "all"})
    tickets = queues.queue_tickets(agent, "all", {})
    keys = queues.queue_sort_keys(None)
    after = cursor_at(tickets, keys, 50)
    deep, response = queries(
        client, "get", reverse("agent:queues"), {"queue": "all", "after": after, "page": 11}
    )
    expected = list(
        tickets.order_by(queues.DUE_SORT_KEY.asc(), "id").values_list("id", flat=True)[50:55]
    )
    assert [t.id for t in response.context["page"].object_list] == expected
    assert response.context["page"].number == 11
    assert deep == first


def test_the_agent_ticket_page_stays_within_the_budget(agent, light_user, department, ticket):
    client = plain_client(agent)
    url = reverse("agent:ticket", args=[ticket.number])
    without_escalations, _ = queries(client, "get", url)
    services.escalate_ticket(
        ticket=ticket, actor=agent, department=department, title="ask", body_html="<p>?</p>"
    )
    few, _ = queries(client, "get", url)
    # Escalations, and their latest replies, are asked for only when the ticket has some.
    assert without_escalations == PAGES["agent_ticket"]
    assert few == without_escalations + 2
    other = open_for(light_user, department, title="another")
    for n in range(10):
        services.add_note(
            ticket=ticket,
            actor=agent,
            body_html=f"<p>{n}</p>",
            work=services.WorkTime.of(minutes=5),
        )
        EntryFactory(ticket=ticket, author=light_user, quoted=ticket.entries.first())
    many, response = queries(client, "get", url)
    assert response.context["total_minutes"] == 50
    assert response.context["other_tickets_count"] == 1
    assert [t.id for t in response.context["other_tickets"]] == [other.id]
    assert response.context["has_open_children"]
    assert few == many == PAGES["agent_ticket"] + 2


def test_the_customer_ticket_page_stays_within_the_budget(light_user, agent, ticket):
    client = plain_client(light_user)
    url = reverse("tickets:detail", args=[ticket.number])
    few, _ = queries(client, "get", url)
    for _ in range(10):
        EntryFactory(ticket=ticket, author=light_user)
        EntryFactory(ticket=ticket, author=agent, quoted=ticket.entries.first())
    many, _ = queries(client, "get", url)
    assert few == many == PAGES["customer_ticket"]


@pytest.mark.parametrize("notes", ["", "1"])
def test_printing_runs_the_same_queries_for_few_entries_as_for_many(
    agent, light_user, ticket, notes
):
    client = plain_client(agent)
    url = reverse("agent:print", args=[ticket.number])
    few, _ = queries(client, "get", url, {"notes": notes})
    for n in range(10):
        services.add_note(ticket=ticket, actor=agent, body_html=f"<p>{n}</p>")
        EntryFactory(ticket=ticket, author=light_user, quoted=ticket.entries.first())
    many, _ = queries(client, "get", url, {"notes": notes})
    assert few == many == PAGES["print"]


def test_opening_and_replying_stay_within_the_budget(light_user, department, ticket):
    category = CategoryFactory(department=None)
    client = plain_client(light_user)
    count, _ = queries(
        client,
        "post",
        reverse("tickets:new"),
        {"title": "New one", "department": department.id, "body": "<p>hello</p>",
         "category": category.id},
    )  # fmt: skip
    assert Ticket.objects.filter(title="New one").exists()
    assert count == PAGES["open"]
    count, _ = queries(
        client,
        "post",
        reverse("tickets:reply", args=[ticket.number]),
        {"reply-body": "<p>more</p>"},
    )
    assert ticket.entries.filter(kind="reply").exists()
    assert count == PAGES["reply"]


def test_opening_a_ticket_asks_the_configuration_tables_nothing_cold_or_warm(
    light_user, department
):
    # Issue 21: the form's select boxes and the default priority were read from their tables
    # in each request (3 queries); they come from the kept copy, read once when cold.
    category = CategoryFactory(department=department)
    PriorityFactory(is_default=True)
    client = plain_client(light_user)
    url = reverse("tickets:new")
    data = {"department": department.id, "body": "<p>hello</p>", "category": category.id}
    drop_kept()
    with CaptureQueriesContext(connection) as cold:
        client.post(url, {**data, "title": "Cold"})
    with CaptureQueriesContext(connection) as warm:
        client.post(url, {**data, "title": "Warm"})
    assert Ticket.objects.get(title="Cold").priority.is_default
    assert (len(cold), len(warm)) == (PAGES["open"], PAGES["open"] - 1)
    configuration = ('FROM "tickets_department"', 'FROM "tickets_category"',
                     'FROM "tickets_priority"')  # fmt: skip
    asked = [q["sql"] for q in [*cold, *warm] if any(t in q["sql"] for t in configuration)]
    assert len(asked) == 1  # the kept tables, read in one query
    assert asked[0].startswith("(SELECT")


def test_queue_counts_are_the_lengths_of_the_queues(
    agent, manager, administrator, light_user, department, other_department
):
    mine_elsewhere = TicketFactory(requester=light_user, department=other_department)
    mine_elsewhere.assignee = agent
    mine_elsewhere.save()
    TicketFactory(requester=agent, department=other_department, kind=Ticket.Kind.INTERNAL)
    TicketFactory(requester=light_user, department=department, status="closed")
    TicketFactory(requester=light_user, department=department, assignee=agent, status="pending")
    TicketFactory(requester=light_user, department=department, assignee=manager)
    TicketFactory.create_batch(3, requester=light_user, department=department)
    # Opened by the agent (in an attendance, say) and sent to another department.
    routed = TicketFactory(requester=light_user, department=other_department, submitter=agent)
    assert queues.queue_tickets(agent, "all", {}).filter(id=routed.id).exists()
    for user in (agent, manager, administrator):
        counts = queues.queue_counts(user)
        for name in counts:
            assert counts[name] == queues.queue_tickets(user, name, {}).count(), (user, name)


def test_the_kept_queue_counts_follow_every_change_on_postgresql(
    require_postgres, agent, manager, administrator, light_user, department, other_department,
    normal_priority,
):  # fmt: skip
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from accounts.models import DepartmentMembership
    from tickets.models import QueueCount
    from tickets.workflow import Action

    DepartmentMembership.objects.create(user=agent, department=other_department)
    agent = type(agent).objects.get(id=agent.id)  # its departments read afresh

    def same_as_the_tickets():
        for user in (agent, manager, administrator):
            counts = queues.queue_counts(user)
            for name in counts:
                assert counts[name] == queues.queue_tickets(user, name, {}).count(), (user, name)

    first = open_for(light_user, department)
    second = open_for(light_user, department)
    same_as_the_tickets()
    services.claim_ticket(ticket=first, actor=agent)
    services.reply_to_ticket(
        ticket=first, actor=agent, body_html="<p>a</p>", then=Action.REPLY_AND_WAIT
    )
    services.reply_to_ticket(ticket=first, actor=light_user, body_html="<p>b</p>")
    same_as_the_tickets()
    child = services.escalate_ticket(
        ticket=first, actor=agent, department=other_department, title="ask", body_html="<p>?</p>"
    )
    services.transfer_ticket(ticket=second, actor=administrator, department=other_department)
    same_as_the_tickets()
    services.trash_ticket(ticket=second, actor=administrator)
    same_as_the_tickets()
    services.restore_ticket(ticket=second, actor=administrator)
    services.resolve_ticket(ticket=child, actor=administrator)
    same_as_the_tickets()
    # Changes that go round the services: a bulk update, a deletion.
    Ticket.objects.filter(id=second.id).update(status="pending", assignee=manager)
    services.trash_ticket(ticket=first, actor=administrator)
    Ticket.objects.filter(id=first.id).update(trashed_at=timezone.now() - timedelta(days=99))
    assert settings.TRASH_DAYS < 99
    services.purge_trash()
    assert not Ticket.objects.filter(id=first.id).exists()
    same_as_the_tickets()
    rows = QueueCount.objects.count()
    assert queues.compact_queue_counts() > 0
    assert QueueCount.objects.count() < rows
    assert QueueCount.objects.filter(change__lt=0).count() == 0
    same_as_the_tickets()
    # Rows no trigger saw (a loaddata of a dump that held them): counted again from the tickets.
    QueueCount.objects.create(department_id=department.id, assignee_key=0, status="new",
                              customer_spoke_last=True, answered=False, escalation=False,
                              change=5)  # fmt: skip
    call_command("queue_counts", "--rebuild", stdout=io.StringIO())
    same_as_the_tickets()


def test_the_triggers_active_statuses_are_the_workflows():
    import importlib

    migration = importlib.import_module("tickets.migrations.0008_queue_counts")
    assert "(" + ", ".join(f"'{s}'" for s in workflow.ACTIVE) + ")" == migration.ACTIVE
    assert [s.value for s in queues.ACTIVE] == list(workflow.ACTIVE)


def make_searchable(department, requester, agent):
    printer = open_for(requester, department, title="Printer jams", body_html="<p>Paper</p>")
    invoice = open_for(
        requester, department, title="Question", body_html="<p>The invoices are wrong</p>"
    )
    services.add_note(ticket=invoice, actor=agent, body_html="<p>Refund pending</p>")
    return printer, invoice


def found(client, url, q):
    return {t.id for t in client.get(url, {"q": q, "queue": "all"}).context["page"].object_list}


def test_search_finds_number_title_and_messages_on_every_database(
    agent, light_user, department, normal_priority
):
    printer, invoice = make_searchable(department, light_user, agent)
    customer, staff = plain_client(light_user), plain_client(agent)
    portal, panel = reverse("tickets:list"), reverse("agent:queues")
    assert found(customer, portal, "printer") == {printer.id}
    assert found(customer, portal, "invoices") == {invoice.id}
    # The portal opens a number typed (workspace/tests/test_number_search.py); the queues
    # still list it.
    assert customer.get(portal, {"q": f"#{printer.number}"}).status_code == 302
    assert found(staff, panel, f"#{printer.number}") == {printer.id}
    assert found(staff, panel, "Invoices") == {invoice.id}
    # Internal notes: agents search them, customers never.
    assert found(staff, panel, "refund") == {invoice.id}
    assert found(customer, portal, "refund") == set()


def test_full_text_search_on_postgresql_matches_word_beginnings(
    require_postgres, agent, manager, light_user, department, normal_priority, monkeypatch
):
    printer, invoice = make_searchable(department, light_user, agent)
    staff = plain_client(agent)
    panel = reverse("agent:queues")
    assert TicketSearch.objects.count() == Ticket.objects.count()
    assert found(staff, panel, "invoi") == {invoice.id}
    assert found(staff, panel, "wrong invoices") == {invoice.id}
    assert found(staff, panel, "wrong printer") == set()
    assert found(staff, panel, "'printer' & ! :* | (") == {printer.id}
    assert found(staff, panel, "&&&") == set()
    # A new title is searchable at once; the old one is gone.
    services.edit_ticket(ticket=printer, actor=manager, title="Scanner jams")
    assert found(staff, panel, "scanner") == {printer.id}
    assert found(staff, panel, "printer") == set()
    # A common word (more matches than FEW_MATCHES) finds the same tickets another way.
    monkeypatch.setattr(search, "FEW_MATCHES", 0)
    assert found(staff, panel, "jams") == {printer.id}


def test_with_the_cache_down_a_common_search_is_not_remembered_and_still_found(
    require_postgres,
    dead_cache,
    agent,
    light_user,
    department,
    normal_priority,
    monkeypatch,
    caplog,
):
    printer, _invoice = make_searchable(department, light_user, agent)
    monkeypatch.setattr(search, "FEW_MATCHES", 0)
    staff = plain_client(agent)
    assert found(staff, reverse("agent:queues"), "printer") == {printer.id}
    assert found(staff, reverse("agent:queues"), "printer") == {printer.id}
    assert "not remembering common words" in caplog.text


def test_the_search_words_of_a_customer_reply_are_found(
    require_postgres, light_user, department, normal_priority, ticket
):
    services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>Zebra stripes</p>")
    words = TicketSearch.objects.get(ticket=ticket)
    assert Ticket.objects.filter(search__public=search.SearchQuery("zebra", config=search.CONFIG))
    assert words.private in ("", None)


def test_search_words_are_split_as_the_parser_would(db):
    assert search.words("#123456 Impressora, não-imprime!") == [
        "123456",
        "impressora",
        "não",
        "imprime",
    ]


def test_an_outsiders_search_never_shows_others_tickets(department, light_user, normal_priority):
    open_for(light_user, department, title="Printer jams")
    stranger = CustomerFactory()
    assert found(plain_client(stranger), reverse("tickets:list"), "printer") == set()
    outsider_agent = AgentFactory(departments=[])
    assert found(plain_client(outsider_agent), reverse("agent:queues"), "printer") == set()


def test_a_common_search_is_remembered_and_finds_the_same_tickets(
    require_postgres, agent, light_user, department, normal_priority, monkeypatch
):
    printer, _invoice = make_searchable(department, light_user, agent)
    monkeypatch.setattr(search, "FEW_MATCHES", 0)
    staff = plain_client(agent)
    panel = reverse("agent:queues")
    queries(staff, "get", panel, {"queue": "new"})  # the filter boxes' choices are kept
    first, response = queries(staff, "get", panel, {"queue": "all", "q": "printer"}, cold=False)
    assert {t.id for t in response.context["page"].object_list} == {printer.id}
    again, response = queries(staff, "get", panel, {"queue": "all", "q": "printer"}, cold=False)
    assert {t.id for t in response.context["page"].object_list} == {printer.id}
    assert again == first - 1  # no asking how many match


def test_a_queue_page_asks_the_cache_once_for_the_session(
    agent, light_user, department, settings, monkeypatch
):
    # As in production: the kept tables' version is checked every half second, and the page
    # before has just checked it.
    settings.KEPT_CHECK_SECONDS = 60
    client = plain_client(agent)
    grow(5, requester=light_user, department=department)
    client.get(reverse("agent:queues"))
    calls = []
    for name in ("get", "get_many", "set", "set_many", "add", "delete", "incr", "touch"):
        original = getattr(LocMemCache, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(LocMemCache, name, counted)
    client.get(reverse("agent:queues"))
    assert calls == ["get"]  # the session
