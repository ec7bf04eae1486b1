import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.test import override_settings

from helpdesk.celery import app as celery_app

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
CLOSED_PORT_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
# HEALTHZ_TIMEOUT_SECONDS (1.5) and the cost of a request, under a load balancer's 2-3 s.
ANSWER_WITHIN_SECONDS = 2.5


def redis_cache(url):
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


class SilentServer:
    """A port on loopback that accepts every connection and never says a word: a server that
    hangs, whether PostgreSQL or Redis was expected there."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.listener.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()
        # The checks left waiting on it see their connections close and end: the next test
        # starts with no check still running.
        for thread in threading.enumerate():
            if thread.name.startswith("healthz-"):
                thread.join(timeout=10)


@pytest.fixture
def broker():
    """Point the Celery app at another broker for one test."""
    original = celery_app.conf.broker_url

    def point_at(url):
        celery_app.conf.broker_url = url

    yield point_at
    celery_app.conf.broker_url = original


def timed_get(client, path):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def healthz_in_a_process(**env):
    """/healthz asked in a fresh process whose settings come from `env`; the answer, timed."""
    script = (
        "import django, json, time; django.setup();"
        "from django.test import Client; client = Client();"
        "started = time.monotonic(); r = client.get('/healthz');"
        "seconds = time.monotonic() - started;"
        "print(json.dumps({'status': r.status_code, 'body': r.json(), 'seconds': seconds}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_is_200_and_names_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert body["failing"] == []
    assert "max-age=0" in response["Cache-Control"]


def test_healthz_answers_with_real_redis_as_cache_and_broker(client, redis_url, broker):
    broker(redis_url)
    with override_settings(CACHES=redis_cache(redis_url), CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_healthz_is_503_naming_the_cache_when_it_is_down(client):
    with override_settings(CACHES=redis_cache(CLOSED_PORT_REDIS)):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"].startswith("down")


def test_healthz_is_503_naming_the_broker_when_it_is_down(client, broker):
    broker(CLOSED_PORT_REDIS)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_healthz_answers_in_time_naming_cache_and_broker_when_redis_hangs(
    client, broker, silent_server
):
    # Redis's own socket timeout here is redis-py's default, 5 s: the deadline answers first.
    hanging = f"redis://127.0.0.1:{silent_server.port}/0"
    broker(hanging)
    with override_settings(CACHES=redis_cache(hanging), CELERY_TASK_ALWAYS_EAGER=False):
        response, seconds = timed_get(client, "/healthz")
    assert seconds < ANSWER_WITHIN_SECONDS
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache", "broker"]
    assert body["checks"]["cache"] == "down: timeout"
    assert body["checks"]["database"] == "ok"


def test_a_check_that_hangs_is_not_started_again_by_the_next_probe(client, silent_server):
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{silent_server.port}/0")):
        first, _ = timed_get(client, "/healthz")
        second, seconds = timed_get(client, "/healthz")
    assert first.json()["checks"]["cache"] == second.json()["checks"]["cache"] == "down: timeout"
    assert seconds < ANSWER_WITHIN_SECONDS
    assert len(silent_server.accepted) == 1


def test_healthz_is_503_naming_the_database_when_it_is_down():
    # A separate process, pointed at a PostgreSQL port where nothing listens.
    answer = healthz_in_a_process(DATABASE_URL="postgres://postgres@127.0.0.1:9/nothing")
    assert answer["status"] == 503
    assert answer["body"]["failing"] == ["database"]
    assert answer["seconds"] < ANSWER_WITHIN_SECONDS


def test_healthz_answers_in_time_naming_the_database_when_it_hangs(silent_server):
    # Through the connection pool (DJANGO_DB_POOL_TIMEOUT, 10 s) this took ten seconds. The
    # mailbox is read from the database only when the database answered.
    answer = healthz_in_a_process(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{silent_server.port}/nothing",
        IMAP_HOST="imap.invalid",
    )
    assert answer["seconds"] < ANSWER_WITHIN_SECONDS
    assert answer["status"] == 503
    assert answer["body"]["failing"] == ["database"]
    assert answer["body"]["checks"]["database"] == "down: timeout"
    assert "mailbox" not in answer["body"]["checks"]


def test_healthz_asks_all_three_at_once_when_everything_hangs(silent_server):
    # One after the other, the database, the cache and the broker would take 1.5 s or more
    # each; asked together, the answer comes by the one deadline.
    hanging = f"127.0.0.1:{silent_server.port}"
    answer = healthz_in_a_process(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.main",
        DJANGO_SECRET_KEY="x9!healthz-test-secret-key-of-enough-length-and-variety-7Qz",
        DATABASE_URL=f"postgres://postgres@{hanging}/nothing",
        REDIS_URL=f"redis://{hanging}/0",
    )
    assert answer["seconds"] < ANSWER_WITHIN_SECONDS
    assert answer["status"] == 503
    assert answer["body"]["failing"] == ["database", "cache", "broker"]
    assert answer["body"]["checks"]["database"] == "down: timeout"
