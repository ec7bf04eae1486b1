"""The search on PostgreSQL: Portuguese words, numbers, and the index at any size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import search
from tickets.models import TicketSearch
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


def found(user, q):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("agent:queues"), {"queue": "all", "q": q})
    return {ticket.id for ticket in response.context["page"].object_list}


def test_portuguese_words_match_with_and_without_accents_and_across_plural_and_gender(
    require_postgres, agent, light_user, department, normal_priority
):
    report = open_for(light_user, department, title="Relatório mensal bloqueado",
                      body_html="<p>A impressora não imprime as notas fiscais.</p>")  # fmt: skip
    other = open_for(light_user, department, title="Senha expirada")
    for typed in ("relatorio", "Relatórios", "RELATORIOS", "bloqueada", "bloqueados",
                  "impressoras", "notas fiscais", "nao imprime", "relat"):  # fmt: skip
        assert found(agent, typed) == {report.id}, typed
    assert found(agent, "senhas expiradas") == {other.id}
    assert found(agent, "relatório senha") == set()


def test_a_number_typed_finds_its_ticket_even_without_its_search_words(
    agent, light_user, department, normal_priority
):
    ticket = open_for(light_user, department, title="Printer jams")
    TicketSearch.objects.filter(ticket=ticket).delete()  # as a bulk load that skipped them
    assert found(agent, f"#{ticket.number}") == {ticket.id}
    assert found(agent, str(ticket.number)) == {ticket.id}
    assert found(agent, "99999999999999") == set()  # no integer of the database: no error


def test_the_few_matches_are_read_through_the_index_not_under_a_limit_guess(
    require_postgres, agent, light_user, department, normal_priority
):
    open_for(light_user, department, title="Printer jams")
    with CaptureQueriesContext(connection) as captured:
        found(agent, "printer")
    probe = next(q["sql"] for q in captured.captured_queries if "tickets_ticketsearch" in q["sql"])
    # Materialized, the match is planned for all its rows (the GIN index), whatever LIMIT the
    # planner would otherwise have guessed cheaper to meet by walking every row.
    assert probe.startswith("WITH m0 AS MATERIALIZED (")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = on")
        cursor.execute("EXPLAIN " + probe)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "CTE m0" in plan  # the public words
    assert "CTE m1" in plan  # the notes of the tickets one works on


def test_search_words_of_an_unknown_language_still_match_as_typed(
    require_postgres, agent, light_user, department, normal_priority
):
    ticket = open_for(light_user, department, title="Printers offline since the update")
    assert found(agent, "printers offline") == {ticket.id}
    assert found(agent, "printer") == {ticket.id}
    assert search.words("Impressão!") == ["impressão"]
