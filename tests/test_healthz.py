import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from helpdesk.celery import app as celery_app

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CLOSED_PORT_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


def redis_cache(url):
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


@pytest.fixture
def broker():
    """Point the Celery app at another broker for one test."""
    original = celery_app.conf.broker_url

    def point_at(url):
        celery_app.conf.broker_url = url

    yield point_at
    celery_app.conf.broker_url = original


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


def test_healthz_is_503_naming_the_database_when_it_is_down():
    # A separate process, pointed at a PostgreSQL port where nothing listens.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nothing",
        "DJANGO_ALLOWED_HOSTS": "testserver",
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
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["failing"] == ["database"]
