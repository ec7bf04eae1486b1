import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from core import ratelimit


def test_counts_within_a_window_and_resets():
    scope = f"t-{uuid.uuid4()}"
    assert ratelimit.count(scope, "a@example.com") == 0
    assert ratelimit.hit(scope, "a@example.com", window=60) == 1
    assert ratelimit.hit(scope, "a@example.com", window=60) == 2
    assert ratelimit.count(scope, "b@example.com") == 0
    ratelimit.reset(scope, "a@example.com")
    assert ratelimit.count(scope, "a@example.com") == 0


def test_the_cache_key_does_not_carry_the_address():
    key = ratelimit._key("login-account", "maria@example.com")
    assert "maria" not in key


@override_settings(NUM_PROXIES=0)
def test_without_proxies_the_socket_address_is_the_client():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "10.0.0.1"


@override_settings(NUM_PROXIES=2)
def test_with_two_proxies_the_address_they_saw_is_the_client():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1"
    )
    assert ratelimit.client_ip(request) == "203.0.113.9"


def test_counters_in_redis_are_shared_between_processes(redis_url):
    # Two cache clients stand for two web processes behind a load balancer.
    config = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": f"test-{uuid.uuid4()}",
    }
    with override_settings(CACHES={"default": config, "second": config}):
        scope = "login-address"
        assert ratelimit.hit(scope, "192.0.2.1", window=60) == 1
        assert ratelimit.hit(scope, "192.0.2.1", window=60) == 2
        assert caches["second"].get(ratelimit._key(scope, "192.0.2.1")) == 2
        ratelimit.reset(scope, "192.0.2.1")
        assert ratelimit.count(scope, "192.0.2.1") == 0


@pytest.mark.django_db
def test_login_throttling_works_on_redis(client, redis_url, light_user, password):
    config = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": f"test-{uuid.uuid4()}",
    }
    with override_settings(CACHES={"default": config}, LOGIN_FAILURES_PER_ACCOUNT=2):
        for _ in range(2):
            client.post("/accounts/login/", {"username": light_user.email, "password": "no"})
        response = client.post(
            "/accounts/login/", {"username": light_user.email, "password": password}
        )
    assert "Too many failed attempts" in response.content.decode()


def test_a_limit_that_cannot_count_lets_the_event_through_and_says_so(dead_cache, caplog):
    assert ratelimit.hit("signup", "10.0.0.1", window=60) == 0
    assert ratelimit.count("signup", "10.0.0.1") == 0
    ratelimit.reset("signup", "10.0.0.1")
    assert "rate limit signup cannot count" in caplog.text


def test_a_limit_that_guards_accounts_counts_in_the_process_while_the_cache_is_away(
    dead_cache, caplog
):
    scope = f"t-{uuid.uuid4()}"
    assert ratelimit.hit(scope, "a@example.com", window=60, fail="local") == 1
    assert ratelimit.hit(scope, "a@example.com", window=60, fail="local") == 2
    assert ratelimit.count(scope, "a@example.com", fail="local") == 2
    assert ratelimit.count(scope, "a@example.com") == 0  # fail="open" knows no local count
    ratelimit.reset(scope, "a@example.com")
    assert ratelimit.count(scope, "a@example.com", fail="local") == 0
    assert "counting in this process" in caplog.text


def test_the_outages_own_count_is_forgotten_once_the_cache_counts_again(settings):
    scope = f"t-{uuid.uuid4()}"
    key = ratelimit._key(scope, "a@example.com")
    ratelimit._local.set(key, 5)  # counted while the cache was away
    assert ratelimit.count(scope, "a@example.com", fail="local") == 0
    assert ratelimit._local.get(key) is None
