"""Fixtures shared by every test: the named people of the permission matrix, real services."""

import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

REQUIRE_SERVICES = os.environ.get("HELPDESK_REQUIRE_SERVICES") == "1"

# Real servers on loopback (SMTP sink, Redis, ASGI servers) for the tests that need them.
pytest_plugins = ["tests.servers", "tickets.tests.fixtures"]


def _unavailable(reason: str):
    # In CI a missing service is a failure, never a quiet skip.
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, but HELPDESK_REQUIRE_SERVICES=1")
    pytest.skip(reason)


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL: DATABASE_URL does not point at it")


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("needs Redis: REDIS_URL is not set")
    return worker_redis_url(url)


def worker_redis_url(url: str) -> str:
    """REDIS_URL's database moved up by the xdist worker's index (gw1 -> +1), so that two
    workers running at once never flush or read each other's keys."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    offset = int(worker.removeprefix("gw") or 0)
    if not offset:
        return url
    base, _, database = url.rpartition("/")
    if not database.isdigit():
        return f"{url.rstrip('/')}/{offset}"
    return f"{base}/{int(database) + offset}"


@pytest.fixture
def dead_cache(_fresh_cache):
    """The cache is a Redis that is not there (a port nothing listens on): every call raises.

    Undone before `_fresh_cache` clears the cache, which it needs alive."""
    from django.test import override_settings

    from tests.servers import free_port

    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    from core import ratelimit

    ratelimit._local.clear()  # the counts a process keeps while the cache is away
    with override_settings(CACHES={"default": dead}):
        with pytest.raises(Exception):  # noqa: B017, PT011 - whatever redis-py raises
            cache.get("anything")
        yield cache
    ratelimit._local.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; one test's failures must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after():
    # A request in Portuguese leaves Portuguese active in the thread (LocaleMiddleware does not
    # switch back); code run outside a request in the next test must not inherit it.
    yield
    translation.deactivate()


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """Django's test client; each request runs its after-commit work (mail) as a commit would."""

    class CommittingClient:
        def __getattr__(self, name):
            return getattr(client, name)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

        def get(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.get(*args, **kwargs)

    return CommittingClient()


@pytest.fixture
def password():
    return "correct-horse-battery"


@pytest.fixture
def organization(db):
    from accounts.tests.factories import OrganizationFactory

    return OrganizationFactory(name="Acme Ltda", email_domain="acme.example")


@pytest.fixture
def other_organization(db):
    from accounts.tests.factories import OrganizationFactory

    return OrganizationFactory(name="Globex S.A.", email_domain="globex.example")


@pytest.fixture
def department(db):
    from tickets.tests.factories import DepartmentFactory

    return DepartmentFactory(name="Support", name_pt_br="Suporte")


@pytest.fixture
def other_department(db):
    from tickets.tests.factories import DepartmentFactory

    return DepartmentFactory(name="Billing", name_pt_br="Financeiro")


@pytest.fixture
def light_user(organization, password):
    from accounts.tests.factories import CustomerFactory

    return CustomerFactory(email="light@acme.example", organization=organization, password=password)


@pytest.fixture
def colleague(organization, password):
    from accounts.tests.factories import CustomerFactory

    return CustomerFactory(
        email="colleague@acme.example", organization=organization, password=password
    )


@pytest.fixture
def master_user(organization, password):
    from accounts.tests.factories import CustomerFactory

    return CustomerFactory(
        email="master@acme.example", organization=organization, is_master=True, password=password
    )


@pytest.fixture
def outsider(other_organization, password):
    from accounts.tests.factories import CustomerFactory

    return CustomerFactory(
        email="outsider@globex.example", organization=other_organization, password=password
    )


@pytest.fixture
def agent(department, password):
    from accounts.tests.factories import AgentFactory

    return AgentFactory(email="agent@helpdesk.example", departments=[department], password=password)


@pytest.fixture
def other_agent(other_department, password):
    from accounts.tests.factories import AgentFactory

    return AgentFactory(
        email="billing@helpdesk.example", departments=[other_department], password=password
    )


@pytest.fixture
def manager(department, password):
    from accounts.tests.factories import AgentFactory

    return AgentFactory(email="manager@helpdesk.example", managed=[department], password=password)


@pytest.fixture
def administrator(password):
    from accounts.tests.factories import AdministratorFactory

    return AdministratorFactory(email="admin@helpdesk.example", password=password)


def pytest_collection_modifyitems(config, items):
    # Everything under tests/browser drives Chromium and runs in its own pytest process.
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
