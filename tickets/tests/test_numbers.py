"""Ticket numbers under load: unique by construction (core.numbering), never retried."""

import threading

import pytest
from django.db import close_old_connections, connection

from core import numbering
from tickets.tests.fixtures import open_for


@pytest.mark.django_db(transaction=True)
def test_two_tickets_opened_at_once_get_different_numbers(
    require_postgres, light_user, department, normal_priority
):
    barrier = threading.Barrier(2)
    numbers = []

    def open_one():
        try:
            barrier.wait()
            numbers.append(open_for(light_user, department).number)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) == 2
    assert numbers[0] != numbers[1]


@pytest.mark.django_db
def test_opening_a_ticket_costs_the_same_queries_however_many_numbers_are_taken(
    light_user, department, normal_priority, django_assert_num_queries
):
    open_for(light_user, department)
    numbering.issue("ticket", 20_000)  # as if many tickets were opened since
    expected = OPENING_QUERIES + (connection.vendor == "postgresql")  # its search words
    with django_assert_num_queries(expected) as captured:
        open_for(light_user, department)
    assert sum("core_numberseries" in query["sql"] for query in captured.captured_queries) == 1


# One of them gives the number, whatever number of tickets came before (no check, no retry).
OPENING_QUERIES = 6  # the default priority comes from the kept tables (core.kept)
