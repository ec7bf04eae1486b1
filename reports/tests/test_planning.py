"""A report's queries are planned for the period asked, never once for any period."""

from accounts.models import User
from reports import selectors
from reports.tests.dataset import filters
from tests.database import prepared_statements


def test_a_report_prepares_none_of_its_queries_and_the_pages_still_do(
    require_postgres, history, administrator
):
    # Prepared, a query of dates is planned once for any dates after five runs: for a
    # year's percentiles that plan took 3.7 times as long (core.planning).
    first = selectors.times_report(administrator, filters())
    for _ in range(7):
        assert selectors.times_report(administrator, filters()) == first
    assert first["totals"]["first_response"]["count"] > 0
    assert prepared_statements("PERCENTILE_CONT") == 0
    assert prepared_statements("reports_ticketfact") == 0
    # The connection prepares again once the report is done.
    for _ in range(3):
        assert not User.objects.filter(email="planned@example.com").exists()
    assert prepared_statements('"accounts_user"."email" = $2 LIMIT 1') == 1
