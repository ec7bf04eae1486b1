"""`make bench`: seed 100,000 tickets in bulk, then time the main pages (issue: speed).

In-process (the test client) it counts queries and times each page; over HTTP it runs the
production server of the pages (granian, 2 workers; `--server gunicorn` to compare) on
loopback and measures latency and requests per second, next to a trivial view as the floor.
Results go to .reports/bench.{md,json}.
"""

import contextlib
import gc
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.staticfiles.finders import get_finders
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from accounts.models import Department, DepartmentMembership, Organization, User
from core import kept, numbering
from core.paging import cursor_at
from helpdesk.celery import app as celery_app
from reports import rollup
from reports.pages import REPORTS
from tickets import queues, services
from tickets.forms import TicketFilterForm
from tickets.models import Category, Priority, Ticket, TicketEntry
from tickets.search import refresh_search, refresh_search_between
from tickets.selectors import portal_sort_keys, portal_ticket_list
from tickets.workflow import Status
from workspace.models import SavedView

ROOT = Path(__file__).resolve().parents[3]
PREFIX = "bench"
QUEUE_COUNTS = "queue_counts()"  # timed as a function call, not a page
# wrk's connections, each kept by the worker that accepted it. With 4, granian's two workers
# split them 2/2, 3/1 or 4/0: in half of six runs of the queues page one worker had none and
# the page measured 52-54 req/s instead of 101-111. With 8, 101-115 in all six.
HTTP_CLIENTS = 8
# Two workers each. The pages are served by granian in production (deploy/pages.py, README);
# gunicorn's sync workers (what served them before) and uvicorn (which serves the websockets)
# can be timed serving them for comparison.
SERVERS = {
    "granian": [sys.executable, "deploy/pages.py", "--bind", "127.0.0.1:{port}", "--workers",
                "2"],
    "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                 "helpdesk.wsgi:application", "--bind", "127.0.0.1:{port}", "--workers", "2",
                 "--log-level", "warning"],
    "uvicorn": [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host",
                "127.0.0.1", "--port", "{port}", "--workers", "2", "--log-level", "warning"],
}  # fmt: skip
# Seconds of load a page gets over HTTP (four clients at once, two workers).
HTTP_SECONDS = 4
PASSWORD = "bench-password"  # noqa: S105 - throwaway accounts of the benchmark
# Every title holds the common word; one ticket's the rare one, at any size. Portuguese, with
# its accents, plurals and genders, as the threads searched are.
COMMON_WORD, RARE_WORD, RARE_INDEX = "fatura", "xilogravura", 7
PHRASES = ["impressora não imprime o boleto", "relatórios mensais atrasados",
           "acesso bloqueado ao sistema", "cobrança duplicada no cartão",
           "nota fiscal eletrônica rejeitada", "senha expirada após atualização",
           "pedido entregue incompleto", "dúvida sobre a renovação do contrato"]  # fmt: skip
STATUSES = [Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.PENDING, Status.RESOLVED,
            Status.REOPENED, Status.CLOSED, Status.CLOSED, Status.CLOSED]  # fmt: skip


class Command(BaseCommand):
    help = "Seed 100,000 tickets (once) and measure the main pages in-process and over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
        parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
        parser.add_argument(
            "--server", choices=sorted(SERVERS), default="granian",
            help="the HTTP server of the pages, as in production (granian), or another",
        )  # fmt: skip
        parser.add_argument(
            "--only", default="", help="time only the pages whose name holds this text"
        )
        parser.add_argument(
            "--no-reports", action="store_true",
            help="leave out the report pages (minutes each at 1,000,000 tickets)",
        )  # fmt: skip

    def handle(self, *args, **options):
        # Mail and thumbnails go to the broker as in production (a worker sends them), not
        # run inside the timed request as they would with no broker configured. Put back
        # afterwards: the tests run the command in a process that goes on with other tests.
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = False
        try:
            self._run(options)
        finally:
            celery_app.conf.task_always_eager = eager

    def _run(self, options):
        load_before = os.getloadavg()
        speed_before = _machine_speed()
        started = time.perf_counter()
        seeded = self._seed(options["tickets"])
        seed_seconds = time.perf_counter() - started
        self._rollup(seeded=seeded)
        if seeded:
            _fresh_start()
        people = self._cached_people = self._people()
        pages = [page for page in self._pages(people) if options["only"] in page[0]
                 and not (options["no_reports"] and page[0].startswith("report"))]  # fmt: skip
        rows = self._in_process(pages, options["requests"])
        if not options["no_http"]:
            self._over_http(rows, pages, people, server=options["server"])
        self._report(rows, seeded=seeded, seed_seconds=seed_seconds, load_before=load_before,
                     speed_before=speed_before, keep=not options["only"],
                     size=options["tickets"])  # fmt: skip

    # Seeding -----------------------------------------------------------------------------

    def _rollup(self, *, seeded: bool) -> None:
        """The reports' rollup made from the seeded rows (their triggers were off while
        seeding), or refreshed from the marks of what changed since (a migration marks every
        ticket), then analyzed."""
        started = time.perf_counter()
        if seeded:
            rollup.rebuild()
        else:
            rollup.refresh()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                for table in ("reports_ticketfact", "reports_entryfact", "reports_rollupchange"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(f"report rollup ready in {time.perf_counter() - started:.1f} s")

    def _seed(self, total: int) -> bool:
        if Ticket.objects.filter(title__startswith=f"{PREFIX} ").count() >= total:
            self.stdout.write("bench data already there")
            return False
        rng = random.Random(42)  # noqa: S311 - sample data, not secrets
        password = make_password(PASSWORD)
        now = timezone.now()
        with transaction.atomic():
            departments = [
                Department.objects.get_or_create(name=f"{PREFIX} department {n}")[0]
                for n in range(5)
            ]
            category = Category.objects.get_or_create(name=f"{PREFIX} question", department=None)[0]
            priority = Priority.objects.filter(is_default=True).first() or Priority.objects.create(
                name=f"{PREFIX} normal",
                is_default=True,
                first_response_hours=8,
                resolution_hours=48,
            )
            organizations = Organization.objects.bulk_create(
                [Organization(name=f"{PREFIX} organization {n}") for n in range(50)]
            )
            agents = User.objects.bulk_create(
                [User(email=f"{PREFIX}.agent{n}@example.com", full_name=f"Bench Agent {n}",
                      role=User.Role.AGENT, password=password, email_confirmed_at=now)
                 for n in range(20)]
            )  # fmt: skip
            DepartmentMembership.objects.bulk_create(
                [DepartmentMembership(user=agent, department=departments[n % 5], is_manager=n < 5)
                 for n, agent in enumerate(agents)]
            )  # fmt: skip
            customers = User.objects.bulk_create(
                [User(email=f"{PREFIX}.customer{n}@example.com", full_name=f"Bench Customer {n}",
                      organization=organizations[n % 50], is_master=n < 50, password=password,
                      email_confirmed_at=now)
                 for n in range(2000)]
            )  # fmt: skip
        numbers = numbering.issue("ticket", total)  # as the service numbers them
        if connection.vendor == "postgresql":
            _seed_in_sql(numbers, departments, agents, customers, category, priority, now,
                         progress=lambda done: self.stdout.write(f"  {done:>7} tickets",
                                                                 ending="\r"))  # fmt: skip
        else:
            self._seed_with_orm(numbers, departments, agents, customers, category, priority,
                                now, rng)  # fmt: skip
        self.stdout.write("")
        if connection.vendor == "postgresql":
            queues.rebuild_queue_counts()  # its trigger was off while seeding
        queues.compact_queue_counts()  # as the beat task does every minute
        # Fresh statistics and visibility map, as autovacuum would leave them in production;
        # then the seeding's writes flushed to disk now, not by a checkpoint during the timing
        # (on two cores, the first run after seeding measured half as fast).
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                cursor.execute("ANALYZE")  # inside a test's transaction, where VACUUM cannot run
            elif connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
                with contextlib.suppress(DatabaseError):  # superusers and pg_checkpoint only
                    cursor.execute("CHECKPOINT")
            else:
                cursor.execute("ANALYZE")
                if not connection.in_atomic_block:  # a test's shared in-memory database locks
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True

    def _seed_with_orm(self, numbers, departments, agents, customers, category, priority, now,
                       rng):  # fmt: skip
        """SQLite's seeding: tickets and entries built in Python, 5,000 a transaction."""
        total, batch = len(numbers), 5000
        for start in range(0, total, batch):
            with transaction.atomic():
                tickets = []
                for n in range(start, min(start + batch, total)):
                    requester = customers[rng.randrange(len(customers))]
                    department = departments[rng.randrange(5)]
                    agent = agents[rng.randrange(20)] if rng.random() < 0.7 else None
                    created = now - timedelta(minutes=rng.randrange(60 * 24 * 365))
                    status = rng.choice(STATUSES)
                    finished = created + timedelta(hours=rng.randrange(1, 96))
                    tickets.append(Ticket(
                        number=numbers[n], title=_title(n),
                        requester=requester, organization_id=requester.organization_id,
                        department=department, category=category, priority=priority,
                        assignee=agent if agent and agent.id else None,
                        status=status, customer_spoke_last=rng.random() < 0.5,
                        resolved_at=finished if status == Status.RESOLVED else None,
                        closed_at=finished if status == Status.CLOSED else None,
                        created_at=created,
                        updated_at=min(now, created + timedelta(hours=rng.randrange(72))),
                        first_response_at=created if rng.random() < 0.6 else None,
                        due_at=created + timedelta(hours=48), email_thread_id=f"<b{n}@bench>",
                    ))  # fmt: skip
                Ticket.objects.bulk_create(tickets)
                entries = []
                for ticket in tickets:
                    for k in range(5):
                        by_customer = k % 2 == 0
                        entries.append(TicketEntry(
                            ticket=ticket, kind="message" if k == 0 else "reply", is_public=True,
                            author_id=ticket.requester_id if by_customer or not ticket.assignee_id
                            else ticket.assignee_id,
                            body_html=f"<p>Message {k} about the {ticket.title}</p>",
                            body_text=f"Message {k} about the {ticket.title}",
                            created_at=ticket.created_at + timedelta(minutes=k),
                        ))  # fmt: skip
                    entries.extend(_history(ticket, rng))
                TicketEntry.objects.bulk_create(entries)
                refresh_search(ticket.id for ticket in tickets)
            self.stdout.write(f"  {min(start + batch, total):>7} tickets", ending="\r")

    def _people(self) -> dict:
        agent = User.objects.filter(email=f"{PREFIX}.agent5@example.com").first()
        manager = User.objects.filter(email=f"{PREFIX}.agent0@example.com").first()
        customer = (
            User.objects.filter(email__startswith=f"{PREFIX}.customer", is_master=False)
            .annotate(n=Count("requested_tickets"))
            .order_by("-n")
            .first()
        )
        master = User.objects.filter(
            email__startswith=f"{PREFIX}.customer", is_master=True,
            organization=customer.organization,
        ).first()  # fmt: skip
        administrator = User.objects.filter(role=User.Role.ADMINISTRATOR, is_active=True).first()
        if administrator is None:
            administrator = User.objects.create_user(
                f"{PREFIX}.admin@example.com", PASSWORD, full_name="Bench Admin",
                role=User.Role.ADMINISTRATOR, email_confirmed_at=timezone.now(),
            )  # fmt: skip
        return {"agent": agent, "manager": manager, "customer": customer, "master": master,
                "administrator": administrator}  # fmt: skip

    # Pages -------------------------------------------------------------------------------

    def _pages(self, people) -> list:
        agent = people["agent"]
        # Fixed tickets, the first seeded of their kind (by id): the same pages on every run.
        ticket = (
            Ticket.objects.filter(department_id__in=agent.department_ids, assignee=agent)
            .exclude(status=Status.CLOSED)
            .order_by("id")
            .first()
        )
        while ticket.entries.count() < 50:  # once: after that it has them
            services.add_note(ticket=ticket, actor=agent, body_html="<p>bench note</p>")
        # The replies posted go to another open ticket than the one timed: posting 40 replies
        # a run to the page timed made it heavier at every run.
        open_own = (
            Ticket.objects.filter(requester=people["customer"], title__startswith=f"{PREFIX} ")
            .exclude(status="closed")
            .order_by("id")
        )
        own, replied = open_own.first(), open_own.last()
        department = agent.department_ids and min(agent.department_ids)
        agent_list = queues.queue_tickets(agent, "all", {})
        deep = min(
            200, agent_list[: 200 * settings.TICKETS_PER_PAGE].count() // settings.TICKETS_PER_PAGE
        )
        deep_agent = _deep_link(agent_list, queues.queue_sort_keys(None), page=max(deep, 1))
        master_list = portal_ticket_list(people["master"], filters={"scope": "organization"})
        last = (master_list.count() - 1) // settings.TICKETS_PER_PAGE + 1
        deep_master = _deep_link(
            master_list, portal_sort_keys(None, TicketFilterForm.SORTS), page=last
        )
        rare = Ticket.objects.filter(department_id=department).order_by("id").first().number
        portal, panel = reverse("tickets:list"), reverse("agent:queues")
        views = _saved_views(agent, department)
        return [
            ("trivial view (floor)", None, reverse("ping"), None),
            ("customer list", "customer", portal, None),
            ("master organization list", "master", f"{portal}?scope=organization", None),
            (f"master organization list, last page ({last})", "master",
             f"{portal}?scope=organization&{deep_master}", None),
            ("agent queues", "agent", f"{panel}?queue=new", None),
            ("queue counts alone", "agent", QUEUE_COUNTS, None),
            ("agent list, text search (common word)", "agent",
             f"{panel}?queue=all&q={COMMON_WORD}", None),
            ("agent list, text search (rare word)", "agent", f"{panel}?queue=all&q={RARE_WORD}",
             None),
            ("agent list, text search (a ticket number)", "agent", f"{panel}?queue=all&q={rare}",
             None),
            (f"agent list, page {deep}", "agent", f"{panel}?queue=all&{deep_agent}", None),
            # The bulk bar's "every ticket that matches": the count and the choices, no write.
            ("bulk selection, every open ticket", "agent", reverse("workspace:bulk"),
             {"action": "assign", "every_match": "1", "query": "queue=all"}),
            ("agent search, resolved and closed", "agent",
             reverse("find:search") + "?status=finished", None),
            # The panel lists the agent's saved views with their counts (kept 30 s).
            ("saved view, overdue", "agent", _view_page(views[0]), None),
            ("saved view, resolved and closed of a department", "agent", _view_page(views[1]),
             None),
            ("agent ticket page, 50 entries", "agent",
             reverse("agent:ticket", args=[ticket.number]), None),
            ("customer ticket page", "customer", reverse("tickets:detail", args=[own.number]),
             None),
            ("open a ticket", "customer", reverse("tickets:new"),
             {"title": "bench new", "department": department, "body": "<p>hello</p>",
              "category": Category.objects.filter(name=f"{PREFIX} question").first().id}),
            ("reply", "customer", reverse("tickets:reply", args=[replied.number]),
             {"reply-body": "<p>more</p>"}),
            *_report_pages(people),
        ]  # fmt: skip

    def _in_process(self, pages, count) -> list[dict]:
        """Each page's queries, counted in requests of their own, then its times, taken in
        rounds that ask for every page once: a slow spell of this machine (another process,
        a busy neighbour on the host) then falls on every page alike, not on one."""
        calls = [self._caller(name, who, path, data) for name, who, path, data in pages]
        queries = [_count_queries(call) for call in calls]
        timings = [[] for _ in pages]
        with override_settings(DEBUG=False):
            for n in range(count + 3):
                for call, kept in zip(calls, timings, strict=True):
                    started = time.perf_counter()
                    call()
                    if n >= 3:  # warmed up
                        kept.append((time.perf_counter() - started) * 1000)
        return [
            {
                "page": name,
                "path": path,
                "queries": counted,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(_p95(times), 1),
            }
            for (name, _who, path, _data), counted, times in zip(
                pages, queries, timings, strict=True
            )
        ]

    def _caller(self, name, who, path, data):
        client = Client(HTTP_HOST="127.0.0.1")
        if who:
            client.force_login(self._who(who))

        def call():
            if path == QUEUE_COUNTS:
                queues.queue_counts(self._who(who))
                return
            response = client.post(path, data) if data else client.get(path)
            # A form posted answers with a redirect; a page that redirects would time the
            # redirect, not the page.
            if response.status_code not in ((200, 302) if data else (200,)):
                raise CommandError(f"{name}: {path} answered {response.status_code}")

        return call

    def _who(self, key):
        return self.people[key]

    # HTTP --------------------------------------------------------------------------------

    def _over_http(self, rows, pages, people, *, server: str):
        port = _free_port()
        database = f"sqlite:///{settings.DATABASES['default']['NAME']}"
        # Production refuses the short development key; the sessions below are made with the
        # server's key, or it would take them for forged.
        secret = settings.SECRET_KEY if len(settings.SECRET_KEY) >= 50 else get_random_string(64)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings.main",
               "DJANGO_SECRET_KEY": secret, "DJANGO_DEBUG": "false",
               "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "false",
               "DATABASE_URL": os.environ.get("DATABASE_URL", database),
               # The tickets and replies posted mail nobody (with no Redis, the server runs
               # its tasks, mail included, inside the request).
               "EMAIL_URL": "dummymail://", "DJANGO_LOG_LEVEL": "WARNING"}  # fmt: skip
        # Production serves hashed static files: collect them as a deployment would (two
        # minutes of compressing here, so not again while nothing changed).
        if not _static_collected():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT, env=env, check=True,
            )  # fmt: skip
        self.http_server = server
        command = [part.format(port=port) for part in SERVERS[server]]
        server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own server
        try:
            _wait(port)
            with override_settings(SECRET_KEY=secret):
                cookies = {key: _session_cookie(user) for key, user in people.items()}
            for row, (_name, who, path, data) in zip(rows, pages, strict=True):
                if path == QUEUE_COUNTS:
                    continue
                cookie = cookies.get(who, "")
                row.update(
                    _load(port, path, cookie, data=data, seconds=HTTP_SECONDS, clients=HTTP_CLIENTS)
                )
        finally:
            server.terminate()
            # granian lets its workers finish their requests for up to 30 s
            # (deploy/pages.py, workers_kill_timeout).
            server.wait(timeout=60)

    # Report ------------------------------------------------------------------------------

    def _report(self, rows, *, seeded, seed_seconds, load_before, speed_before, keep=True,
                size=100_000):  # fmt: skip
        vendor = connection.vendor
        load = os.getloadavg()
        speed = _machine_speed()
        header = (
            f"# Benchmark on {vendor}, {Ticket.objects.count():,} tickets, "
            f"{TicketEntry.objects.count():,} entries\n\n"
            f"Seeding: {f'{seed_seconds:.0f} s' if seeded else 'already seeded'}. "
            f"{os.cpu_count()} CPUs; load average (1, 5, 15 min) at the start: "
            f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, at the end: "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}. A fixed piece of Python took "
            f"{speed_before} ms at the start and {speed} ms at the end (the machine's speed "
            "of the moment: on a shared host it varies by half). "
            f"HTTP served by {getattr(self, 'http_server', '—')}, 2 workers. "
            f"{_budget_note()}\n\n"
            "| page | queries | median ms | p95 ms | HTTP median ms | HTTP p95 ms | HTTP req/s |\n"
            "|---|---:|---:|---:|---:|---:|---:|\n"
        )
        lines = [
            f"| {r['page']} | {r['queries']} | {r['median_ms']} | {r['p95_ms']} | "
            f"{r.get('http_median_ms', '—')} | {r.get('http_p95_ms', '—')} | {r.get('rps', '—')} |"
            for r in rows
        ]
        markdown = header + "\n".join(lines) + "\n" + report_budgets(rows, size)
        self.stdout.write(markdown)
        if not keep:  # a part of the table (--only) replaces no report
            return
        reports = ROOT / ".reports"
        reports.mkdir(exist_ok=True)
        (reports / f"bench-{vendor}.md").write_text(markdown)
        figures = json.dumps(
            {
                "vendor": vendor,
                "tickets": size,
                "seed_seconds": round(seed_seconds) if seeded else None,
                "load_before": load_before,
                "load": load,
                "python_ms_before": speed_before,
                "python_ms": speed,
                "rows": rows,
            },
            indent=2,
        )
        (reports / f"bench-{vendor}.json").write_text(figures)
        (reports / f"bench-{vendor}-{size}.json").write_text(figures)
        sizes = side_by_side(reports, vendor)
        if sizes:
            (reports / f"bench-{vendor}-sizes.md").write_text(sizes)
            self.stdout.write(sizes)

    @property
    def people(self):
        if not hasattr(self, "_cached_people"):
            self._cached_people = self._people()
        return self._cached_people


SIZES = (100_000, 1_000_000)
RATIO = 1.3  # the most a page may grow from 100,000 to 1,000,000 tickets
MAX_QUERIES = 12


# A report over a year, whatever its filters: its in-process median at 100,000 tickets and at
# 1,000,000 (as an XLSX file too).
REPORT_BUDGET_MS = {100_000: 200, 1_000_000: 500}


def report_budget_ms(size: int) -> float:
    """The budget of a report page at `size` tickets (the nearer of the two sizes above)."""
    return REPORT_BUDGET_MS[1_000_000 if size > 300_000 else 100_000]


def budget_ms(page: str) -> float | None:
    """The in-process median a page may take on PostgreSQL (speed budgets); None: unbudgeted.
    Report pages have budgets of their own (`report_budget_ms`)."""
    if page.startswith(("report", "open a ticket", "reply", "trivial")):
        return None
    if page == "queue counts alone":
        return 10
    if "50 entries" in page:
        return 40
    if "text search" in page and "number" not in page:
        return 50
    return 25


def report_budgets(rows: list[dict], size: int) -> str:
    """The report pages against their budget at this size (queries counted apart)."""
    timed = [row for row in rows if row["page"].startswith("report")]
    if not timed:
        return ""
    budget = report_budget_ms(size)
    lines = [
        f"\n## Reports over a year: budget {budget} ms (in-process median) at {size:,} tickets\n",
        "| report | queries | median ms | p95 ms | budget ms | holds |",
        "|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {row['page']} | {row['queries']} | {row['median_ms']} | {row['p95_ms']} | {budget} | "
        f"{'yes' if row['median_ms'] <= budget else 'NO'} |"
        for row in timed
    ]
    return "\n".join(lines) + "\n"


def side_by_side(reports: Path, vendor: str) -> str:
    """The 100,000 and 1,000,000 figures of each page with their ratio, when both exist."""
    runs = [reports / f"bench-{vendor}-{size}.json" for size in SIZES]
    if not all(run.exists() for run in runs):
        return ""
    small, large = (json.loads(run.read_text()) for run in runs)
    at_small = {_page_key(row["page"]): row for row in small["rows"]}
    lines = [
        f"# {vendor}: 100,000 and 1,000,000 tickets side by side\n",
        f"Load average (1, 5, 15 min) at the start: 100k {_load_of(small)}, 1M {_load_of(large)}. "
        f"Seeding: 100k {small.get('seed_seconds') or '—'} s, 1M {large.get('seed_seconds') or '—'}"
        f" s. Budgets: at most {MAX_QUERIES} queries, the median of issue 21 and at most "
        f"{RATIO} times the 100k figure.\n",
        "| page | queries 100k | queries 1M | median ms 100k | median ms 1M | ratio | budget ms "
        "| holds |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in large["rows"]:
        before = at_small.get(_page_key(row["page"]))
        if before is None:
            continue
        ratio = row["median_ms"] / before["median_ms"] if before["median_ms"] else 1.0
        if row["page"].startswith("report"):  # a budget of their own at each size, no ratio
            budget = report_budget_ms(1_000_000)
            holds = row["median_ms"] <= budget
        else:
            budget = budget_ms(row["page"])
            holds = (row["queries"] <= MAX_QUERIES and ratio <= RATIO
                     and (budget is None or row["median_ms"] <= budget))  # fmt: skip
        lines.append(
            f"| {row['page']} | {before['queries']} | {row['queries']} | {before['median_ms']} | "
            f"{row['median_ms']} | {ratio:.2f} | {budget or '—'} | {'yes' if holds else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def _page_key(page: str) -> str:
    # "agent list, page 200" and "master organization list, last page (N)" at both sizes.
    return page.split(" (")[0] if "last page" in page else page


def _load_of(run: dict) -> str:
    return " ".join(f"{value:.2f}" for value in run["load_before"])


def _title(n: int) -> str:
    rare = f" {RARE_WORD}" if n == RARE_INDEX else ""
    return f"{PREFIX} ticket {n} {COMMON_WORD} {PHRASES[n % len(PHRASES)]}{rare}"


# Set-based seeding (PostgreSQL): each chunk of tickets is one INSERT ... SELECT over its
# numbers, its entries and search words one statement each; a row's "random" choices are
# hashes of its index or id (the same data on every run). Triggers (the queue counts, counted
# again after) and foreign-key checks are off meanwhile: the rows are made consistent.
SEED_CHUNK = 50_000
SEED_TICKETS = """
WITH n AS (
  SELECT %(start)s + i - 1 AS n, number FROM unnest(%(numbers)s::int[]) WITH ORDINALITY u(number, i)
), r AS (
  SELECT n, number,
    (%(customers)s::bigint[])[1 + (hashint8(n * 16 + 1) & 2147483647) %% 2000] AS requester,
    (hashint8(n * 16 + 2) & 2147483647) %% 5 AS d,
    (hashint8(n * 16 + 3) & 2147483647) / 2147483648.0 < 0.7 AS assigned,
    (hashint8(n * 16 + 4) & 2147483647) %% 4 AS a,
    %(now)s::timestamptz - make_interval(mins => (hashint8(n * 16 + 5) & 2147483647) %% 525600)
      AS created,
    (%(statuses)s::text[])[1 + (hashint8(n * 16 + 6) & 2147483647) %% 9] AS status,
    1 + (hashint8(n * 16 + 7) & 2147483647) %% 95 AS hours,
    (hashint8(n * 16 + 8) & 2147483647) %% 72 AS later,
    (hashint8(n * 16 + 9) & 2147483647) / 2147483648.0 < 0.6 AS answered,
    -- Seconds to the first response from 1 to 172,800 (two days), as many in each power of
    -- ten, and minutes to resolution: the report's percentiles sort values as varied as a
    -- help desk's, not a few round ones.
    exp((hashint8(n * 16 + 13) & 2147483647) / 2147483648.0 * ln(172800)) AS answer_seconds,
    (hashint8(n * 16 + 14) & 2147483647) %% 60 AS minutes,
    (hashint8(n * 16 + 10) & 2147483647) / 2147483648.0 < 0.5 AS spoke
  FROM n
)
INSERT INTO tickets_ticket (number, title, kind, channel, status, customer_spoke_last,
  custom_fields, due_at, created_at, updated_at, first_response_at, resolved_at, closed_at,
  assignee_id, category_id, department_id, organization_id, priority_id, requester_id,
  submitter_id, email_thread_id, notify_customer)
SELECT number,
  'bench ticket ' || n || ' fatura ' || (%(phrases)s::text[])[1 + n %% %(phrase_count)s]
    || CASE WHEN n = %(rare_index)s THEN ' ' || %(rare_word)s ELSE '' END,
  'external', 'portal', status, spoke, '{}'::jsonb, created + interval '48 hours', created,
  least(%(now)s::timestamptz, created + make_interval(hours => later)),
  CASE WHEN answered
    THEN least(%(now)s::timestamptz, created + make_interval(secs => answer_seconds)) END,
  CASE WHEN status = 'resolved' THEN created + make_interval(hours => hours, mins => minutes) END,
  CASE WHEN status = 'closed' THEN created + make_interval(hours => hours, mins => minutes) END,
  CASE WHEN assigned THEN (%(agents)s::bigint[])[1 + d + 5 * a] END,
  %(category)s, (%(departments)s::bigint[])[1 + d],
  (SELECT organization_id FROM accounts_user WHERE id = requester), %(priority)s,
  requester, requester, '<b' || n || '@bench>', true
FROM r ORDER BY n
"""
SEED_ENTRIES = """
INSERT INTO tickets_ticketentry (ticket_id, kind, is_public, author_id, body_html, body_text,
  data, created_at, message_id, minutes)
SELECT t.id, CASE WHEN k = 0 THEN 'message' ELSE 'reply' END, true,
  CASE WHEN k %% 2 = 0 OR t.assignee_id IS NULL THEN t.requester_id ELSE t.assignee_id END,
  '<p>Mensagem ' || k || ' sobre ' || t.title || '</p>', 'Mensagem ' || k || ' sobre ' || t.title,
  '{}'::jsonb, t.created_at + make_interval(mins => k), '', NULL::int
FROM tickets_ticket t CROSS JOIN generate_series(0, 4) k WHERE t.id BETWEEN %(lo)s AND %(hi)s
UNION ALL  -- what finished (or reopened) it
SELECT t.id, 'status', true, t.assignee_id, '', '',
  jsonb_build_object('from', 'open', 'to', CASE WHEN t.status = 'closed' THEN 'closed'
                                                ELSE 'resolved' END),
  coalesce(t.resolved_at, t.closed_at, t.created_at + interval '30 hours') - interval '6 hours',
  '', NULL
FROM tickets_ticket t WHERE t.id BETWEEN %(lo)s AND %(hi)s
  AND t.status IN ('resolved', 'closed', 'reopened')
UNION ALL
SELECT t.id, 'status', true, t.assignee_id, '', '',
  '{"from": "resolved", "to": "reopened"}'::jsonb, t.created_at + interval '36 hours', '', NULL
FROM tickets_ticket t WHERE t.id BETWEEN %(lo)s AND %(hi)s AND t.status = 'reopened'
UNION ALL  -- time logged by its agent on one ticket in three
SELECT t.id, 'time', false, t.assignee_id, '', '', '{}'::jsonb,
  t.created_at + interval '30 minutes', '', 5 + (hashint8(t.id * 16 + 11) & 2147483647) %% 115
FROM tickets_ticket t WHERE t.id BETWEEN %(lo)s AND %(hi)s AND t.assignee_id IS NOT NULL
  AND (hashint8(t.id * 16 + 12) & 2147483647) %% 3 = 0
"""


def _seed_in_sql(numbers, departments, agents, customers, category, priority, now, *, progress):
    common = {
        "customers": [c.id for c in customers], "agents": [a.id for a in agents],
        "departments": [d.id for d in departments], "statuses": [str(s) for s in STATUSES],
        "phrases": PHRASES, "phrase_count": len(PHRASES), "rare_index": RARE_INDEX,
        "rare_word": RARE_WORD, "category": category.id, "priority": priority.id, "now": now,
    }  # fmt: skip
    # The secondary indexes are built once at the end, not grown row by row (a GIN index
    # built whole is several times faster): dropped now, made again even if seeding fails.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "AND indexdef NOT LIKE '%%(ticket_id)'",  # the entries' own: the chunks join on it
            [["tickets_ticket", "tickets_ticketentry", "tickets_ticketsearch"]],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        _seed_chunks(numbers, common, progress=progress)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def _seed_chunks(numbers, common, *, progress):
    for start in range(0, len(numbers), SEED_CHUNK):
        chunk = numbers[start : start + SEED_CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            with contextlib.suppress(DatabaseError), transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")  # superusers
            cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
            (after,) = cursor.fetchone()
            cursor.execute(SEED_TICKETS, {**common, "start": start, "numbers": chunk})
            cursor.execute("SELECT max(id) FROM tickets_ticket")
            (last,) = cursor.fetchone()
            cursor.execute(SEED_ENTRIES, {"lo": after + 1, "hi": last})
            refresh_search_between(after + 1, last)
        progress(start + len(chunk))


def _history(ticket: Ticket, rng: random.Random) -> list[TicketEntry]:
    """The events a ticket's life leaves, for the reports to read as on a real database: the
    status changes that finished (and reopened) it, and time logged by its agent on one
    ticket in three."""
    entries = []
    finished = ticket.resolved_at or ticket.closed_at
    if finished or ticket.status == Status.REOPENED:
        when = finished or ticket.created_at + timedelta(hours=30)
        entries.append(_event(ticket, "resolved" if ticket.status != Status.CLOSED else "closed",
                              when - timedelta(hours=6)))  # fmt: skip
    if ticket.status == Status.REOPENED:
        entries.append(_event(ticket, "reopened", ticket.created_at + timedelta(hours=36)))
    if ticket.assignee_id and rng.random() < 1 / 3:
        entries.append(TicketEntry(
            ticket=ticket, kind=TicketEntry.Kind.TIME, is_public=False,
            author_id=ticket.assignee_id, minutes=rng.randrange(5, 120),
            created_at=ticket.created_at + timedelta(minutes=30),
        ))  # fmt: skip
    return entries


def _event(ticket: Ticket, to: str, when) -> TicketEntry:
    start = Status.RESOLVED if to == "reopened" else Status.OPEN
    return TicketEntry(
        ticket=ticket, kind=TicketEntry.Kind.STATUS, is_public=True, author_id=ticket.assignee_id,
        data={"from": start, "to": to}, created_at=when,
    )  # fmt: skip


def _saved_views(agent: User, department: int) -> list[SavedView]:
    """The agent's saved views the bench opens (and the panel counts on every page)."""
    wanted = [
        ("Atrasados", "due=overdue"),
        ("Finalizados do departamento", f"status=finished&department={department}"),
        ("Abertos, por prazo", "status=open_any&sort=due"),
    ]
    return [
        SavedView.objects.get_or_create(owner=agent, name=name, defaults={"query": query})[0]
        for name, query in wanted
    ]


def _view_page(view: SavedView) -> str:
    """The page a saved view opens (its own address answers with a redirect there)."""
    return f"{reverse('find:search')}?{view.query}&view={view.id}"


def _report_pages(people) -> list:
    """Every report over the last 12 months for the administrator (every ticket): with the
    default filters compared with the 12 months before, for one department and for one agent;
    and compared for a manager (one department of five). Budgeted (REPORT_BUDGET_MS)."""
    year = "?period=year"
    manager, agent = people["manager"], people["agent"]
    department = min(manager.managed_department_ids) if manager else None
    variants = [
        ("compared, administrator", "administrator", "&compare=on"),
        ("one department, administrator", "administrator", f"&department={department}"),
        ("one agent, administrator", "administrator", f"&agent={agent.id if agent else ''}"),
        ("compared, manager", "manager", "&compare=on"),
    ]
    pages = [
        (f"report {slug}, a year {label}", who, reverse("reports:report", args=[slug]) + year
         + query, None)
        for slug in REPORTS
        for label, who, query in variants
    ]  # fmt: skip
    return [
        *pages,
        ("report volume, a year as XLSX, administrator", "administrator",
         reverse("reports:export", args=["volume", "xlsx"]) + year + "&compare=on", None),
    ]  # fmt: skip


def _static_collected() -> bool:
    """Whether collectstatic's manifest is newer than every static file it collects."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    made = manifest.stat().st_mtime
    return all(
        os.path.getmtime(storage.path(path)) <= made
        for finder in get_finders()
        for path, storage in finder.list([])
    )


def _fresh_start() -> None:
    """Measure as a process that did not just write 600,000 rows would: with a new database
    session and its leftovers collected (the first pages timed after seeding, in the same
    process and session, took 40% longer than the same pages a minute later)."""
    reset_queries()
    if connection.in_atomic_block:  # a test's transaction: nothing to start afresh
        return
    if getattr(connection, "pool", None):
        connection.close_pool()
    connection.close()
    gc.collect()


def _machine_speed() -> float:
    """Milliseconds a fixed piece of Python takes here now (the median of five)."""
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        sum(n * n for n in range(300_000))
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def _count_queries(call) -> int:
    # Counted apart from the timing: capturing queries (as DEBUG=True does for every one)
    # costs time that production, with DEBUG off, does not spend. Counted with the select
    # boxes' kept choices and the kept configuration tables dropped (the most a page costs);
    # the times are taken with them kept (what nearly every request meets).
    queries = []
    for _ in range(4):  # the first warms up
        kept.forget()
        # The log keeps 9,000 queries: once seeding filled it, a capture would count none.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            call()
        queries.append(len(captured))
    return max(queries[1:])


def _deep_link(tickets, keys, *, page: int) -> str:
    """The query string of list page `page`, as following "Next" that many times leads to."""
    after = cursor_at(tickets, keys, (page - 1) * settings.TICKETS_PER_PAGE)
    return urlencode({"after": after, "page": page})


def _budget_note() -> str:
    return (
        "Times are taken with the query log off, as in production (queries are counted in "
        "other requests, with the select boxes' kept choices and the kept configuration "
        "tables dropped). "
        "Budgets (PostgreSQL, in-process): at most 12 queries a page; median at most 25 ms "
        "for lists and queues, 40 ms for the 50-entry ticket page, 50 ms for a text search, "
        "10 ms for the queue counts."
    )


def _p95(values):
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(port: int) -> None:
    import socket

    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _session_cookie(user) -> str:
    if user is None:
        return ""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# wrk's closing words: what it counted and its latencies, read back as JSON.
WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH {"requests": %d, "seconds": %.6f, "errors": %d, "refused": %d, '
    .. '"median_ms": %.3f, "p95_ms": %.3f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def _load(port: int, path: str, cookie: str, *, data=None, seconds: int, clients: int) -> dict:
    """`clients` clients asking for `path` at once for `seconds`: GETs, or POSTs of `data`
    with a CSRF token (the redirect that answers a POST is not followed). The load comes from
    wrk, a client in C: a client in Python, on the same two cores, spent more time making
    the requests than the server answering the trivial view. gunicorn's sync workers close
    each connection, so every request is on a new one, as a browser's first request is."""
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if data is not None:
        token = get_random_string(32)  # Django takes the unmasked secret as the form's token
        cookies = [cookie, f"{settings.CSRF_COOKIE_NAME}={token}"]
        headers = {"Cookie": "; ".join(filter(None, cookies)),
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        body = urlencode({**data, "csrfmiddlewaretoken": token})

    def one():
        server = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            server.request("POST" if body else "GET", path, body=body, headers=headers)
            response = server.getresponse()
            response.read()
        finally:
            server.close()
        # As in-process: a POST answers with its redirect, or with a page (the bulk preview).
        if response.status not in ((200, 302) if body else (200,)):
            raise CommandError(f"{path} answered {response.status} over HTTP")

    for _ in range(5):  # warmed up, and the answer checked (wrk counts only 4xx and 5xx)
        one()
    # Our own ASCII values (a session key, a urlencoded form) in Lua strings: JSON's quoting.
    script = [f"wrk.method = {json.dumps('POST' if body else 'GET')}"]
    script += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if body:
        script.append(f"wrk.body = {json.dumps(body)}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write("\n".join(script) + WRK_DONE)
        lua.flush()
        finished = subprocess.run(  # noqa: S603 - wrk against our own server on loopback
            [_wrk(), "--threads", "1", "--connections", str(clients), "--duration",
             f"{seconds}s", "--timeout", "30s", "--script", lua.name,
             f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        )  # fmt: skip
    counted = json.loads(finished.stdout.rsplit("BENCH ", 1)[1])
    if counted["refused"] or counted["errors"]:
        raise CommandError(f"{path} over HTTP: {counted} ({finished.stdout.strip()})")
    return http_figures(counted, seconds)


def http_figures(counted: dict, seconds: float) -> dict:
    """The HTTP columns of a page from what wrk counted in `seconds`. A page slower than that
    under the load (a report over a year at 1,000,000 tickets) finishes no request: it has no
    median to give, and fewer than one request in `seconds` per second."""
    if not counted["requests"]:
        return {"http_median_ms": f"> {seconds * 1000:.0f}", "http_p95_ms": "—",
                "rps": f"< {1 / seconds:.2f}"}  # fmt: skip
    return {
        "http_median_ms": round(counted["median_ms"], 1),
        "http_p95_ms": round(counted["p95_ms"], 1),
        "rps": round(counted["requests"] / counted["seconds"], 1),
    }


def _wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise CommandError("The HTTP figures need wrk (apt-get install wrk; `make bench` does)")
    return found
