"""`make bench` on a tiny seed: its pages run, the same ones on every run, and the sizes compare."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpdesk.celery import app as celery_app
from helpdesk.management.commands import bench
from reports.pages import REPORTS
from tickets.models import Ticket, TicketEntry
from tickets.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    return tmp_path / ".reports"


def run(**options):
    out = io.StringIO()
    call_command("bench", tickets=300, requests=1, no_http=True, stdout=out, **options)
    return out.getvalue()


def test_the_bench_seeds_its_history_and_times_every_page_the_same_on_every_run(reports):
    eager = celery_app.conf.task_always_eager
    run()
    # The command sends tasks to the broker while it times; the tests after it do not.
    assert celery_app.conf.task_always_eager is eager
    figures = json.loads(next(reports.glob("bench-*-300.json")).read_text())
    pages = {row["page"]: row["path"] for row in figures["rows"]}
    assert {"agent list, text search (rare word)", "agent list, text search (a ticket number)",
            "agent ticket page, 50 entries"} <= pages.keys()  # fmt: skip
    # Every report over a year, with each filter, against its budget.
    for slug in REPORTS:
        for variant in ("compared, administrator", "one department, administrator",
                        "one agent, administrator", "compared, manager"):  # fmt: skip
            assert "period=year" in pages[f"report {slug}, a year {variant}"]
    assert "&department=" in pages["report times, a year one department, administrator"]
    assert "&agent=" in pages["report times, a year one agent, administrator"]
    written = next(reports.glob("bench-*.md")).read_text()
    assert "## Reports over a year: budget 200 ms (in-process median) at 300 tickets" in written
    assert "| report volume, a year compared, manager |" in written
    seeded = Ticket.objects.filter(title__startswith="bench ticket ")
    assert seeded.count() == 300
    assert seeded.filter(title__contains=bench.RARE_WORD).count() == 1
    assert not seeded.filter(updated_at__gt=timezone.now()).exists()
    assert TicketEntry.objects.filter(kind="status").exists()
    assert TicketEntry.objects.filter(minutes__isnull=False).exists()
    assert seeded.filter(status=Status.CLOSED, closed_at__isnull=False).exists()
    timed = Ticket.objects.filter(entries__body_text="bench note").distinct().get()
    thread = timed.entries.count()
    assert "bench data already there" in run(only="agent")
    # The same ticket timed, its thread as long as before.
    assert Ticket.objects.filter(entries__body_text="bench note").distinct().get() == timed
    assert timed.entries.count() == thread == 50


def test_the_two_sizes_are_written_side_by_side_with_each_pages_ratio(tmp_path):
    def write(size, rows):
        (tmp_path / f"bench-postgresql-{size}.json").write_text(json.dumps(
            {"tickets": size, "load_before": [1, 1, 1], "seed_seconds": 10, "rows": rows}
        ))  # fmt: skip

    assert bench.side_by_side(tmp_path, "postgresql") == ""
    write(100_000, [{"page": "agent queues", "queries": 6, "median_ms": 10.0},
                    {"page": "agent list, text search (rare word)", "queries": 7,
                     "median_ms": 10.0}])  # fmt: skip
    write(1_000_000, [{"page": "agent queues", "queries": 6, "median_ms": 12.0},
                      {"page": "agent list, text search (rare word)", "queries": 7,
                       "median_ms": 40.0}])  # fmt: skip
    table = bench.side_by_side(tmp_path, "postgresql")
    assert "| agent queues | 6 | 6 | 10.0 | 12.0 | 1.20 | 25 | yes |" in table
    assert "| agent list, text search (rare word) | 7 | 7 | 10.0 | 40.0 | 4.00 | 50 | NO |" in table


def test_a_reports_budget_depends_on_the_size():
    assert bench.report_budget_ms(100_000) == 200
    assert bench.report_budget_ms(1_000_000) == 500
    rows = [{"page": "report times, a year compared, manager", "queries": 8, "median_ms": 250.0,
             "p95_ms": 300.0},
            {"page": "report sla, a year compared, manager", "queries": 8, "median_ms": 150.0,
             "p95_ms": 160.0},
            {"page": "agent queues", "queries": 6, "median_ms": 10.0, "p95_ms": 12.0}]  # fmt: skip
    table = bench.report_budgets(rows, 100_000)
    assert "| report times, a year compared, manager | 8 | 250.0 | 300.0 | 200 | NO |" in table
    assert "| report sla, a year compared, manager | 8 | 150.0 | 160.0 | 200 | yes |" in table
    assert "agent queues" not in table
    assert "| report times, a year compared, manager | 8 | 250.0 | 300.0 | 500 | yes |" in (
        bench.report_budgets(rows, 1_000_000)
    )


def test_the_sizes_side_by_side_hold_a_report_to_its_own_budget(tmp_path):
    def write(size, median):
        (tmp_path / f"bench-postgresql-{size}.json").write_text(json.dumps(
            {"tickets": size, "load_before": [1, 1, 1], "seed_seconds": 10,
             "rows": [{"page": "report times, a year compared, manager", "queries": 8,
                       "median_ms": median}]}
        ))  # fmt: skip

    write(100_000, 150.0)
    write(1_000_000, 450.0)  # three times as long, yet within 500 ms
    table = bench.side_by_side(tmp_path, "postgresql")
    assert (
        "| report times, a year compared, manager | 8 | 8 | 150.0 | 450.0 | 3.00 | 500 | yes |"
        in (table)
    )


def test_a_page_that_finishes_no_request_over_http_says_so_rather_than_zero():
    none = {"requests": 0, "seconds": 4.0, "median_ms": 0.0, "p95_ms": 0.0}
    assert bench.http_figures(none, 4) == {
        "http_median_ms": "> 4000",
        "http_p95_ms": "—",
        "rps": "< 0.25",
    }
    some = {"requests": 10, "seconds": 4.0, "median_ms": 812.34, "p95_ms": 990.0}
    assert bench.http_figures(some, 4) == {
        "http_median_ms": 812.3,
        "http_p95_ms": 990.0,
        "rps": 2.5,
    }
