"""A ticket number typed in a search box: the agent's search and the customer's list open the
ticket when the person may see it, and answer any other number as one that does not exist."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets.models import Ticket
from tickets.search import refresh_search
from tickets.tests.factories import EntryFactory, TicketFactory
from tickets.tests.fixtures import drop_kept
from tickets.workflow import Status

pytestmark = pytest.mark.django_db
SEARCH = "/agent/search/"
LIST = reverse("tickets:list")


@pytest.fixture
def numbered(light_user, department):
    """A ticket of the agent's department asked by light_user, and one whose thread quotes
    its number, changed later (so it would come first in the search's order)."""
    ticket = TicketFactory(title="Numbered", requester=light_user, department=department,
                           status=Status.OPEN,
                           updated_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    quoting = TicketFactory(title="Quotes it", requester=light_user, department=department,
                            status=Status.OPEN)  # fmt: skip
    EntryFactory(ticket=quoting, body_text=f"see ticket {ticket.number}")
    refresh_search(Ticket.objects.values_list("id", flat=True))
    return ticket


def _missing(ticket) -> int:
    return ticket.number + 1 if not Ticket.objects.filter(number=ticket.number + 1) else 1


@pytest.mark.parametrize(
    ("person", "opens"),
    [("agent", True), ("manager", True), ("administrator", True), ("other_agent", False)],
)
def test_the_agent_search_opens_a_number_the_person_may_see(client, request, person, opens,
                                                             numbered):  # fmt: skip
    client.force_login(request.getfixturevalue(person))
    response = client.get(SEARCH, {"q": f" #{numbered.number} "})
    if opens:
        assert response.status_code == 302
        assert response.url == reverse("agent:ticket", args=[numbered.number])
        return
    # Not seen: the page of a number no ticket has, nothing about the ticket on it.
    missing = client.get(SEARCH, {"q": str(_missing(numbered))})
    assert response.status_code == missing.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert list(missing.context["page"].object_list) == []
    assert "Numbered" not in response.content.decode()


def test_with_other_criteria_the_exact_match_comes_first(client, agent, numbered, settings):
    client.force_login(agent)
    response = client.get(SEARCH, {"q": str(numbered.number), "status": "open_any"})
    assert response.status_code == 200
    titles = [ticket.title for ticket in response.context["page"].object_list]
    assert titles == ["Numbered", "Quotes it"]
    # It is not listed again on a later page.
    settings.TICKETS_PER_PAGE = 1
    first = client.get(SEARCH, {"q": str(numbered.number), "status": "open_any"})
    assert [t.title for t in first.context["page"].object_list] == ["Numbered", "Quotes it"]
    after = first.context["page"].next_cursor
    assert after == ""
    # A criterion the ticket does not meet leaves it out, as any search does.
    closed = client.get(SEARCH, {"q": str(numbered.number), "status": "closed"})
    assert list(closed.context["page"].object_list) == []


def test_another_agents_number_with_criteria_stays_hidden(client, other_agent, numbered):
    client.force_login(other_agent)
    response = client.get(SEARCH, {"q": str(numbered.number), "status": "open_any"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(
    ("person", "opens"),
    [("light_user", True), ("master_user", True), ("colleague", False), ("outsider", False),
     ("agent", True), ("other_agent", False)],
)  # fmt: skip
def test_the_portal_list_opens_a_number_the_person_may_see(client, request, person, opens,
                                                           numbered):  # fmt: skip
    client.force_login(request.getfixturevalue(person))
    response = client.get(LIST, {"q": f"#{numbered.number}"})
    if opens:
        assert response.status_code == 302
        assert response.url == reverse("tickets:detail", args=[numbered.number])
        return
    missing = client.get(LIST, {"q": str(_missing(numbered))})
    assert response.status_code == missing.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert list(missing.context["page"].object_list) == []


def test_words_and_oversized_numbers_are_searched_as_before(client, agent, light_user, numbered):
    client.force_login(agent)
    words = client.get(SEARCH, {"q": "quotes"})
    assert [t.title for t in words.context["page"].object_list] == ["Quotes it"]
    for typed in ("9" * 10, "9" * 40, "#", "12 34"):
        assert client.get(SEARCH, {"q": typed}).status_code == 200
    client.force_login(light_user)
    for typed in ("9" * 10, "9" * 40, "#"):
        assert client.get(LIST, {"q": typed}).status_code == 200


def test_a_number_typed_costs_a_fixed_number_of_queries(client, agent, light_user, numbered):
    def count(path, data) -> int:
        client.get(path, data)  # the session and the kept values warmed
        with CaptureQueriesContext(connection) as captured:
            client.get(path, data)
        return len(captured)  # read now: the next request empties the log it slices

    drop_kept()
    client.force_login(agent)
    # Opened: the person, their departments, whether they may see it.
    assert count(SEARCH, {"q": str(numbered.number)}) == 3
    # Ranked: those two, the probe, the exact match, the page, the bell.
    assert count(SEARCH, {"q": str(numbered.number), "status": "open_any"}) == 6
    client.force_login(light_user)
    assert count(LIST, {"q": str(numbered.number)}) == 2
