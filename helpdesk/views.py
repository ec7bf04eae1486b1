import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def ping(request):
    """The cheapest answer the application gives: the benchmark's floor, a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    """Whether the database, the cache and the broker answer: 200, or 503 naming who does not."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:
            logger.warning("healthz: %s is down: %s", name, error)
            results[name] = f"down: {type(error).__name__}"
    if results["database"] == "ok":
        from mail.mailbox import mailbox_health

        mailbox = mailbox_health()
        if mailbox is not None:
            results["mailbox"] = mailbox
    failing = [name for name, result in results.items() if result.startswith("down")]
    body = {"status": "down" if failing else "ok", "failing": failing, "checks": results}
    return JsonResponse(body, status=503 if failing else 200)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("the cache did not keep a value")
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (tasks run in-process)"
    from helpdesk.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"
