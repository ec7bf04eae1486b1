"""The agent panel's search over every ticket one may see, and the top bar's "go to"."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CustomerFactory
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory
from tickets.tests.fixtures import drop_kept, open_for
from tickets.workflow import Status
from workspace.forms import TicketSearchForm
from workspace.selectors import FINISHED_GROUP, search_tickets

pytestmark = pytest.mark.django_db
SEARCH = "/agent/search/"
GO = "/agent/search/go/"


def found(response) -> list[str]:
    return [ticket.title for ticket in response.context["page"].object_list]


@pytest.fixture
def closed_ticket(light_user, department):
    return TicketFactory(
        title="Closed invoice problem", requester=light_user, department=department,
        status=Status.CLOSED,
    )  # fmt: skip


@pytest.fixture
def billing_ticket(outsider, other_department):
    return TicketFactory(
        title="Billing secret", requester=outsider, department=other_department,
        status=Status.RESOLVED,
    )  # fmt: skip


def test_the_search_finds_closed_tickets_of_the_agents_department(
    client, agent, closed_ticket, billing_ticket
):
    client.force_login(agent)
    response = client.get(SEARCH, {"status": "finished"})
    assert response.status_code == 200
    assert found(response) == ["Closed invoice problem"]


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("agent", ["Closed invoice problem"]),
        ("other_agent", ["Billing secret"]),
        ("manager", ["Closed invoice problem"]),
        ("administrator", ["Billing secret", "Closed invoice problem"]),
    ],
)
def test_each_person_finds_only_what_the_gate_lets_them_see(
    client, request, person, sees, closed_ticket, billing_ticket
):
    client.force_login(request.getfixturevalue(person))
    response = client.get(SEARCH, {"status": "finished"})
    assert sorted(found(response)) == sees


def test_a_customer_gets_404_and_a_stranger_the_log_in(client, light_user, closed_ticket):
    assert client.get(SEARCH).status_code == 302
    client.force_login(light_user)
    assert client.get(SEARCH, {"status": "finished"}).status_code == 404
    assert client.get(GO, {"number": closed_ticket.number}).status_code == 404


def test_the_search_reads_words_number_requester_organization(
    client, agent, light_user, outsider, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        printer = open_for(light_user, department, title="Printer jams",
                           body_html="<p>The tray squeaks.</p>")  # fmt: skip
        open_for(outsider, department, title="Password reset")
    Ticket.objects.filter(id=printer.id).update(status=Status.CLOSED)
    client.force_login(agent)
    assert found(client.get(SEARCH, {"q": "squeaks"})) == ["Printer jams"]
    assert found(client.get(SEARCH, {"number": f"#{printer.number}"})) == ["Printer jams"]
    assert found(client.get(SEARCH, {"requester": "outsider@globex"})) == ["Password reset"]
    assert found(client.get(SEARCH, {"organization": "acme"})) == ["Printer jams"]
    assert found(client.get(SEARCH, {"status": "closed"})) == ["Printer jams"]
    assert found(client.get(SEARCH, {"status": "open_any"})) == ["Password reset"]


def test_the_period_bounds_the_opening_date(client, agent, light_user, department):
    now = timezone.now()
    TicketFactory(title="old", requester=light_user, department=department,
                  created_at=now - timedelta(days=40))  # fmt: skip
    TicketFactory(title="recent", requester=light_user, department=department)
    client.force_login(agent)
    since = (now - timedelta(days=7)).date().isoformat()
    until = (now - timedelta(days=30)).date().isoformat()
    assert found(client.get(SEARCH, {"created_from": since})) == ["recent"]
    assert found(client.get(SEARCH, {"created_to": until})) == ["old"]


def test_bad_input_gets_a_message_beside_the_field_and_keeps_what_was_typed(client, agent):
    client.force_login(agent)
    response = client.get(
        SEARCH,
        {
            "number": "12a",
            "created_from": "2026-05-02",
            "created_to": "2026-05-01",
            "requester": "Maria",
        },
    )
    assert response.status_code == 200
    assert response.context["page"] is None
    page = response.content.decode()
    assert "A ticket number has digits only." in page
    assert "The end of the period comes before its start." in page
    assert 'value="Maria"' in page
    assert client.get(SEARCH, {"created_from": "not a date"}).status_code == 200
    assert found(client.get(SEARCH, {"number": "999999999999"})) == []
    assert found(client.get(SEARCH, {"q": "%%% ***"})) == []
    assert client.get(SEARCH, {"status": "nonsense"}).context["page"] is None


def test_go_to_opens_a_ticket_the_agent_may_see(client, agent, closed_ticket):
    client.force_login(agent)
    response = client.get(GO, {"number": f" #{closed_ticket.number} "})
    assert response.status_code == 302
    assert response.url == reverse("agent:ticket", args=[closed_ticket.number])


def test_go_to_answers_an_unseen_ticket_as_one_that_does_not_exist(client, agent, billing_ticket):
    client.force_login(agent)
    hidden = client.get(GO, {"number": billing_ticket.number}, follow=True)
    missing = client.get(GO, {"number": billing_ticket.number + 1}, follow=True)
    assert hidden.redirect_chain == missing.redirect_chain == [(SEARCH, 302)]
    hidden_text = [str(m) for m in hidden.context["messages"]]
    missing_text = [str(m) for m in missing.context["messages"]]
    assert hidden_text == [f"There is no ticket {billing_ticket.number} among those you may see."]
    assert missing_text == [
        f"There is no ticket {billing_ticket.number + 1} among those you may see."
    ]
    assert client.get(GO, {"number": "abc"}).status_code == 302
    assert client.get(GO, {"number": "9" * 40}).status_code == 302


def test_every_agent_page_has_the_go_to_box(client, agent, light_user):
    client.force_login(agent)
    assert 'action="/agent/search/go/"' in client.get(reverse("agent:queues")).content.decode()
    client.force_login(light_user)
    assert 'action="/agent/search/go/"' not in client.get("/").content.decode()


def test_the_search_runs_a_fixed_number_of_queries(client, agent, department, settings):
    def count(rows):
        for _ in range(rows):
            requester = CustomerFactory()
            TicketFactory(requester=requester, department=department, status=Status.CLOSED)
        drop_kept()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(SEARCH, {"status": "finished", "requester": "@"})
        return len(captured), len(response.context["page"].object_list)

    settings.TICKETS_PER_PAGE = 100
    client.force_login(agent)
    few, shown_few = count(3)
    many, shown_many = count(40)
    assert (shown_few, shown_many) == (3, 43)
    assert few == many == 5


def test_the_search_pages_by_seeking(client, agent, light_user, department, settings):
    settings.TICKETS_PER_PAGE = 2
    for n in range(5):
        TicketFactory(title=f"t{n}", requester=light_user, department=department,
                      status=Status.RESOLVED,
                      updated_at=timezone.now() - timedelta(minutes=n))  # fmt: skip
    client.force_login(agent)
    first = client.get(SEARCH, {"status": "finished"})
    assert found(first) == ["t0", "t1"]
    second = client.get(
        SEARCH, {"status": "finished", "after": first.context["page"].next_cursor, "page": 2}
    )
    assert found(second) == ["t2", "t3"]


def test_the_department_box_is_labelled_in_the_readers_language():
    # The label was left out of configuration_field: Django named the box in English.
    with translation.override("pt-br"):
        assert str(TicketSearchForm().fields["department"].label) == "Departamento"


def test_resolved_and_closed_are_read_latest_first_from_their_own_index(
    require_postgres, agent, light_user, department
):
    TicketFactory.create_batch(3, requester=light_user, department=department,
                               status=Status.CLOSED)  # fmt: skip
    tickets = search_tickets(agent, {"status": FINISHED_GROUP}).order_by("-updated_at", "-id")
    sql, params = tickets[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        # At 1,000,000 tickets the planner walks this index; on a few rows it would rather
        # read the table, so that choice is taken from it here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Index Scan Backward using ticket_finished_updated" in plan
    assert "Sort" not in plan.split("Index Scan")[0]  # read in order: no sort above the scan


def test_a_result_row_shows_the_ticket_in_the_readers_language(
    client, agent, light_user, department
):
    opened = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    ticket = TicketFactory(
        title="Impressora <parada>", requester=light_user, department=department,
        status=Status.RESOLVED,
    )  # fmt: skip
    Ticket.objects.filter(pk=ticket.pk).update(created_at=opened, updated_at=opened)
    client.force_login(agent)
    client.cookies["django_language"] = "pt-br"
    html = client.get(SEARCH, {"status": "finished"}, HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    row = html[html.index(f'<tr data-number="{ticket.number}">') :]
    row = row[: row.index("</tr>")]
    assert f'href="/agent/tickets/{ticket.number}/"' in row
    assert "Impressora &lt;parada&gt;" in row  # escaped
    assert light_user.full_name in row
    assert ">Resolvido<" in row
    assert '<td class="d-none d-md-table-cell">—</td>' in row  # nobody's
    # 23:30 UTC is 20:30 in São Paulo, the same day; the machine-readable time stays UTC.
    assert '<time datetime="2026-03-02T23:30:00+00:00">02/03/2026</time>' in row
    assert ">02/03/2026 20:30</time>" in row
