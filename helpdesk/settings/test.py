"""The suite's settings: the environment's DATABASE_URL and REDIS_URL, everything else local.

Tests run with tasks in-process and a local cache by default; tests that need the real Redis
opt in with `override_settings` (see the root conftest), so the suite never leaks state
through a shared server.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-for-the-suite-0123456789abcdef")
os.environ.setdefault("DJANGO_DEBUG", "false")
# The suite's assertions read English; the tests of the Portuguese default set it themselves.
os.environ.setdefault("DJANGO_LANGUAGE_CODE", "en")

from .main import *

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# A known browser past its ceiling is slowed down, not refused: no waiting in the suite.
LOGIN_KNOWN_DEVICE_DELAY_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CELERY_TASK_ALWAYS_EAGER = True
# Every request compares the kept tables' version (core.kept), so that a test's cache.clear()
# always costs the same query.
KEPT_CHECK_SECONDS = 0
CELERY_BROKER_URL = "memory://"
SITE_URL = "http://testserver"
MEDIA_ROOT = BASE_DIR / ".test-media"
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Read when the ASGI application is built (the websocket origin check), before pytest-django
# would add "testserver" itself.
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The chat's multi-process test runs servers that share a Redis channel layer.
if os.environ.get("HELPDESK_TEST_CHANNEL_REDIS"):
    CHANNEL_LAYERS = {"default": redis_channel_layer(os.environ["HELPDESK_TEST_CHANNEL_REDIS"])}
if os.environ.get("HELPDESK_TEST_EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = "127.0.0.1", int(os.environ["HELPDESK_TEST_EMAIL_URL"])
# Sessions are read from the cache (in memory here) as in production with Redis, so a page
# costs the same number of queries whether or not REDIS_URL is set.
SESSION_ENGINE = "core.sessions"
# The fault test runs servers whose cache, sessions and broker are a Redis it stops and starts.
if os.environ.get("HELPDESK_TEST_REDIS"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["HELPDESK_TEST_REDIS"],
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = os.environ["HELPDESK_TEST_REDIS"]
    CELERY_TASK_ALWAYS_EAGER = False
