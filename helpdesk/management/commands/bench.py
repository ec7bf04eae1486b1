"""`make bench`: seed 100,000 tickets in bulk, then time the main pages (issue: speed).

In-process (the test client) it counts queries and times each page; over HTTP it runs the
production server of the pages (gunicorn, 2 sync workers; `--server uvicorn` to compare) on
loopback and measures latency and requests per second, next to a trivial view as the floor.
Results go to .reports/bench.{md,json}.
"""

import contextlib
import gc
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
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
from reports.pages import REPORTS
from tickets import queues, services
from tickets.forms import TicketFilterForm
from tickets.models import Category, Priority, Ticket, TicketEntry
from tickets.search import refresh_search
from tickets.selectors import portal_sort_keys, portal_ticket_list
from tickets.workflow import Status

ROOT = Path(__file__).resolve().parents[3]
PREFIX = "bench"
QUEUE_COUNTS = "queue_counts()"  # timed as a function call, not a page
# Two workers each. The pages are served by gunicorn's sync workers in production (README);
# uvicorn serves the websockets, and can be timed serving pages for comparison.
SERVERS = {
    "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                 "helpdesk.wsgi:application", "--bind", "127.0.0.1:{port}", "--workers", "2",
                 "--log-level", "warning"],
    "uvicorn": [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host",
                "127.0.0.1", "--port", "{port}", "--workers", "2", "--log-level", "warning"],
}  # fmt: skip
PASSWORD = "bench-password"  # noqa: S105 - throwaway accounts of the benchmark
STATUSES = [Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.PENDING, Status.RESOLVED,
            Status.REOPENED, Status.CLOSED, Status.CLOSED, Status.CLOSED]  # fmt: skip


class Command(BaseCommand):
    help = "Seed 100,000 tickets (once) and measure the main pages in-process and over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
        parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
        parser.add_argument(
            "--server", choices=sorted(SERVERS), default="gunicorn",
            help="the HTTP server of the pages, as in production (gunicorn) or uvicorn",
        )  # fmt: skip
        parser.add_argument(
            "--only", default="", help="time only the pages whose name holds this text"
        )

    def handle(self, *args, **options):
        # Mail and thumbnails go to the broker as in production (a worker sends them), not
        # run inside the timed request as they would with no broker configured.
        celery_app.conf.task_always_eager = False
        load_before = os.getloadavg()
        speed_before = _machine_speed()
        started = time.perf_counter()
        seeded = self._seed(options["tickets"])
        seed_seconds = time.perf_counter() - started
        if seeded:
            _fresh_start()
        people = self._cached_people = self._people()
        pages = [page for page in self._pages(people) if options["only"] in page[0]]
        rows = self._in_process(pages, options["requests"])
        if not options["no_http"]:
            self._over_http(rows, pages, people, server=options["server"])
        self._report(rows, seeded=seeded, seed_seconds=seed_seconds, load_before=load_before,
                     speed_before=speed_before, keep=not options["only"])  # fmt: skip

    # Seeding -----------------------------------------------------------------------------

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
        batch = 5000
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
                        number=numbers[n], title=f"{PREFIX} ticket {n} printer invoice report",
                        requester=requester, organization_id=requester.organization_id,
                        department=department, category=category, priority=priority,
                        assignee=agent if agent and agent.id else None,
                        status=status, customer_spoke_last=rng.random() < 0.5,
                        resolved_at=finished if status == Status.RESOLVED else None,
                        closed_at=finished if status == Status.CLOSED else None,
                        created_at=created, updated_at=created + timedelta(hours=rng.randrange(72)),
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
        self.stdout.write("")
        queues.compact_queue_counts()  # as the beat task does every minute
        # Fresh statistics and visibility map, as autovacuum would leave them in production;
        # then the seeding's writes flushed to disk now, not by a checkpoint during the timing
        # (on two cores, the first run after seeding measured half as fast).
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
                with contextlib.suppress(DatabaseError):  # superusers and pg_checkpoint only
                    cursor.execute("CHECKPOINT")
            else:
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True

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
        ticket = (
            Ticket.objects.filter(department_id__in=agent.department_ids, assignee=agent)
            .exclude(status=Status.CLOSED)
            .first()
        )
        while ticket.entries.count() < 50:
            services.add_note(ticket=ticket, actor=agent, body_html="<p>bench note</p>")
        # The replies posted go to the open ticket with the fewest entries, the page is timed on
        # another: posting 40 replies a run to the page timed made it heavier at every run.
        open_own = (
            Ticket.objects.filter(requester=people["customer"])
            .exclude(status="closed")
            .annotate(entry_count=Count("entries"))
        )
        replied = open_own.order_by("entry_count", "-id").first()
        own = open_own.exclude(id=replied.id).order_by("entry_count", "id").first()
        department = agent.department_ids and min(agent.department_ids)
        deep_agent = _deep_link(
            queues.queue_tickets(agent, "all", {}), queues.queue_sort_keys(None), page=200
        )
        master_list = portal_ticket_list(people["master"], filters={"scope": "organization"})
        last = (master_list.count() - 1) // settings.TICKETS_PER_PAGE + 1
        deep_master = _deep_link(
            master_list, portal_sort_keys(None, TicketFilterForm.SORTS), page=last
        )
        rare = Ticket.objects.filter(department_id=department).order_by("id").first().number
        portal, panel = reverse("tickets:list"), reverse("agent:queues")
        return [
            ("trivial view (floor)", None, reverse("ping"), None),
            ("customer list", "customer", portal, None),
            ("master organization list", "master", f"{portal}?scope=organization", None),
            (f"master organization list, last page ({last})", "master",
             f"{portal}?scope=organization&{deep_master}", None),
            ("agent queues", "agent", f"{panel}?queue=new", None),
            ("queue counts alone", "agent", QUEUE_COUNTS, None),
            ("agent list, text search (common word)", "agent", f"{panel}?queue=all&q=invoice",
             None),
            ("agent list, text search (a ticket number)", "agent", f"{panel}?queue=all&q={rare}",
             None),
            ("agent list, page 200", "agent", f"{panel}?queue=all&{deep_agent}", None),
            # The bulk bar's "every ticket that matches": the count and the choices, no write.
            ("bulk selection, every open ticket", "agent", reverse("workspace:bulk"),
             {"action": "assign", "every_match": "1", "query": "queue=all"}),
            ("agent ticket page, 50 entries", "agent",
             reverse("agent:ticket", args=[ticket.number]), None),
            ("customer ticket page", "customer", reverse("tickets:detail", args=[own.number]),
             None),
            ("open a ticket", "customer", reverse("tickets:new"),
             {"title": "bench new", "department": department, "body": "<p>hello</p>",
              "category": Category.objects.filter(name=f"{PREFIX} question").first().id}),
            ("reply", "customer", reverse("tickets:reply", args=[replied.number]),
             {"reply-body": "<p>more</p>"}),
            *_report_pages(),
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
        # Production serves hashed static files: collect them as a deployment would.
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
                row.update(_load(port, path, cookie, data=data, total=200, threads=4))
        finally:
            server.terminate()
            server.wait(timeout=20)

    # Report ------------------------------------------------------------------------------

    def _report(self, rows, *, seeded, seed_seconds, load_before, speed_before, keep=True):
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
        markdown = header + "\n".join(lines) + "\n"
        self.stdout.write(markdown)
        if not keep:  # a part of the table (--only) replaces no report
            return
        reports = ROOT / ".reports"
        reports.mkdir(exist_ok=True)
        (reports / f"bench-{vendor}.md").write_text(markdown)
        (reports / f"bench-{vendor}.json").write_text(
            json.dumps(
                {
                    "vendor": vendor,
                    "load_before": load_before,
                    "load": load,
                    "python_ms_before": speed_before,
                    "python_ms": speed,
                    "rows": rows,
                },
                indent=2,
            )
        )

    @property
    def people(self):
        if not hasattr(self, "_cached_people"):
            self._cached_people = self._people()
        return self._cached_people


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


def _report_pages() -> list:
    """Every report over the last 12 months, compared with the 12 before, for a manager (one
    department of five); the heaviest ones for the administrator (every ticket)."""
    year = "?period=year&compare=on"
    pages = [
        (f"report {slug}, a year compared, manager", "manager",
         reverse("reports:report", args=[slug]) + year, None)
        for slug in REPORTS
    ]  # fmt: skip
    return [
        *pages,
        *[(f"report {slug}, a year compared, administrator", "administrator",
           reverse("reports:report", args=[slug]) + year, None)
          for slug in ("volume", "times", "sla")],
        ("report volume, a year as XLSX, administrator", "administrator",
         reverse("reports:export", args=["volume", "xlsx"]) + year, None),
    ]  # fmt: skip


def _fresh_start() -> None:
    """Measure as a process that did not just write 600,000 rows would: with a new database
    session and its leftovers collected (the first pages timed after seeding, in the same
    process and session, took 40% longer than the same pages a minute later)."""
    reset_queries()
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


def _load(port: int, path: str, cookie: str, *, data=None, total: int, threads: int) -> dict:
    """`total` requests from `threads` clients at once, each on a connection of its own as a
    browser's first request: GETs, or POSTs of `data` with a CSRF token (the redirect that
    answers a POST is not followed)."""
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if data is not None:
        token = get_random_string(32)  # Django takes the unmasked secret as the form's token
        cookies = [cookie, f"{settings.CSRF_COOKIE_NAME}={token}"]
        headers = {"Cookie": "; ".join(filter(None, cookies)),
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        body = urlencode({**data, "csrfmiddlewaretoken": token})
    timings = []
    lock = threading.Lock()

    def one(_):
        started = time.perf_counter()
        server = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            server.request("POST" if body else "GET", path, body=body, headers=headers)
            response = server.getresponse()
            response.read()
        finally:
            server.close()
        if response.status != (302 if body else 200):
            raise CommandError(f"{path} answered {response.status} over HTTP")
        with lock:
            timings.append((time.perf_counter() - started) * 1000)

    for _ in range(5):
        one(None)
    timings.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(total)))
    seconds = time.perf_counter() - started
    return {
        "http_median_ms": round(statistics.median(timings), 1),
        "http_p95_ms": round(_p95(timings), 1),
        "rps": round(total / seconds, 1),
    }
