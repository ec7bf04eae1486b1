import copy
import logging
import threading
import time
from functools import partial

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mail.mailbox import mailbox_health

from .celery import app

logger = logging.getLogger(__name__)


def ping(request):
    """The cheapest answer the application gives: the benchmark's floor, a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    """Whether the database, the cache and the broker answer: 200, or 503 naming who does not.

    The three are asked at once, each in a thread of its own, and one that has not answered
    by HEALTHZ_TIMEOUT_SECONDS is "down: timeout": a load balancer gets its answer in time.
    """
    checks = {
        "database": partial(_check_database, connections[DEFAULT_DB_ALIAS].settings_dict),
        "cache": partial(_check_cache, caches[DEFAULT_CACHE_ALIAS]),
        "broker": _check_broker,
    }
    probes = {name: _Probe.ask(name, check) for name, check in checks.items()}
    deadline = time.monotonic() + settings.HEALTHZ_TIMEOUT_SECONDS
    for probe in probes.values():
        probe.join(max(0.0, deadline - time.monotonic()))
    results = {name: probe.outcome() for name, probe in probes.items()}
    if results["database"] == "ok":
        mailbox = mailbox_health()
        if mailbox is not None:
            results["mailbox"] = mailbox
    failing = [name for name, result in results.items() if result.startswith("down")]
    body = {"status": "down" if failing else "ok", "failing": failing, "checks": results}
    return JsonResponse(body, status=503 if failing else 200)


class _Probe(threading.Thread):
    """One check running in a thread of its own; its result once it has answered."""

    _running: dict[str, "_Probe"] = {}
    _lock = threading.Lock()

    def __init__(self, name, check):
        super().__init__(name=f"healthz-{name}", daemon=True)
        self.check_name = name
        self.check = check
        self.result = None

    @classmethod
    def ask(cls, name, check) -> "_Probe":
        # A check that has not answered an earlier request (a server that hangs) is waited on
        # again, not started twice: a load balancer probing every few seconds piles up no
        # threads, at most one per check.
        with cls._lock:
            probe = cls._running.get(name)
            if probe is None or not probe.is_alive():
                probe = cls._running[name] = cls(name, check)
                probe.start()
        return probe

    def run(self):
        try:
            self.result = self.check()
        except Exception as error:
            logger.warning("healthz: %s is down: %s", self.check_name, error)
            self.result = f"down: {type(error).__name__}"

    def outcome(self) -> str:
        if self.is_alive():
            logger.warning("healthz: %s did not answer in time", self.check_name)
            return "down: timeout"
        return self.result


def _check_database(settings_dict: dict) -> str:
    # A connection of its own, never the pool's: a pool waits DJANGO_DB_POOL_TIMEOUT for a
    # connection from a database that is away, and the request's connection is left alone.
    params = copy.deepcopy(settings_dict)
    if params["ENGINE"] == "django.db.backends.postgresql":
        options = params.setdefault("OPTIONS", {})
        options.pop("pool", None)
        # psycopg waits at least 2 s to connect: the deadline answers first, these end the thread.
        options["connect_timeout"] = 1
        options["options"] = f"{options.get('options', '')} -c statement_timeout=1000".strip()
    probe = load_backend(params["ENGINE"]).DatabaseWrapper(params, DEFAULT_DB_ALIAS)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        probe.close()
    return "ok"


def _check_cache(backend) -> str:
    backend.set("healthz", "ok", timeout=10)
    if backend.get("healthz") != "ok":
        raise RuntimeError("the cache did not keep a value")
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (tasks run in-process)"
    # One attempt with shorter socket timeouts than publishing's: a retry would wait past the
    # deadline, and the thread ends soon after it.
    quick = {"socket_connect_timeout": 1, "socket_timeout": 1}
    with app.connection_for_write(transport_options=quick) as conn:
        conn.ensure_connection(max_retries=0, timeout=1)
    return "ok"
