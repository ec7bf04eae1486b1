"""Settings for every environment, read from the environment once (SPEC §8).

Unset REDIS_URL means a single process: Celery tasks run in-process, the cache and the
channel layer live in memory. Set, Redis is the broker, the cache and the channel layer.
"""

from email.utils import parseaddr
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from .env import (
    ConfigurationError,
    read_bool,
    read_database,
    read_email,
    read_int,
    read_list,
    read_redis_url,
    read_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = read_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = read_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError(
            "DJANGO_SECRET_KEY is not set (set it, or DJANGO_DEBUG=true for development)"
        )
    SECRET_KEY = "development-only-key-never-used-with-debug-off"  # noqa: S105
# Signed links, sessions and cookies are only as strong as the key: Django's own deploy check
# asks for at least 50 characters, and a production process does not start with fewer.
if not DEBUG and len(SECRET_KEY) < 50:
    raise ConfigurationError(
        f"DJANGO_SECRET_KEY has {len(SECRET_KEY)} characters; use at least 50 random ones "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )

ALLOWED_HOSTS = read_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = read_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mail and PDFs are built outside any request, so the public address is configured.
SITE_URL = read_str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
NUM_PROXIES = read_int("DJANGO_NUM_PROXIES", default=0)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "mail",
    "printing",
    "drafts",
    "accounts",
    "tickets",
    "fieldwork",
    "inbound",
    "chat",
    "workspace",
    "attendance",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # The project itself, for its commands (demo data, the bench) that use every app.
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything reads the body (the CSRF check does): see core.uploads.
    "core.uploads.BodyLimitMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "drafts.middleware.DraftOwnerMiddleware",
    # request.user.is_verified(): whether this session gave a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.CSPMiddleware",  # django-csp's, its header built once (core.csp)
    "accounts.twofactor.gate.StaffTwoFactorMiddleware",
    "core.privacy.PrivatePagesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.navigation",
                "tickets.context_processors.bell",
                "mail.context_processors.outbox_alert",
            ],
        },
    },
    {
        # The hot fragments only (core.jinja): rows, the ticket's history, filter boxes.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja.environment", "autoescape": True},
    },
]

DATABASES = {"default": read_database("DATABASE_URL", default=f"sqlite:///{BASE_DIR}/db.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = read_int("DJANGO_CONN_MAX_AGE", default=0)
# Server-side cursors cost three round trips per form's choice list; nothing here streams.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes or threads writing at once (the dev server, two server workers):
    # readers go on while one writes (WAL), and a transaction takes the write lock when it
    # begins, waiting for it, instead of failing with "database is locked" half-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}
    )  # fmt: skip
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The ORM writes its joins in a good order (the filtered table, then its foreign keys);
    # searching every order of the ticket page's 13 tables took PostgreSQL 9 ms of planning
    # for a query that runs in 0.5 ms. Groups of 4 are still ordered freely.
    # JIT compiles a query whose estimated cost passes jit_above_cost: the search's probe of
    # notes, estimated from PostgreSQL's guess for prefixes, spent 6.6 ms compiling to run in
    # 0.02 ms at 1,000,000 tickets. Nothing here runs long enough to win it back.
    # work_mem: the reports' percentiles sort a year of rollup rows once per grouping; at the
    # default 4 MB the sort of 60,000 went to disk (300 ms), in memory it took 170 ms.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        f"-c join_collapse_limit={read_int('PG_JOIN_COLLAPSE_LIMIT', default=4)} -c jit=off "
        f"-c work_mem={read_int('PG_WORK_MEM_MB', default=32)}MB",
    )
    # Prepared statements: a query a connection has run this many times is prepared, and from
    # then on PostgreSQL neither parses nor (once its generic plan costs no more) plans it
    # again. Planning the queue counts took 3.4 ms to run them in 0.2; a page's queries took
    # 35-50% less time (README, "Speed"). They need the values bound by the server
    # (server_side_binding); each pooled connection keeps its own (psycopg, at most 100).
    # 0 turns them off: needed behind a pooler in transaction mode (PgBouncer before 1.21).
    _prepare = read_int("PG_PREPARE_THRESHOLD", default=2)
    if _prepare:
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = _prepare
    # Each process keeps up to this many connections open (psycopg's pool; 0: none): opening
    # one costs about 5 ms, a third of a list page. Django's pool needs CONN_MAX_AGE at 0.
    _pool_size = read_int("DJANGO_DB_POOL_SIZE", default=8)
    if _pool_size and DATABASES["default"]["CONN_MAX_AGE"]:
        raise ConfigurationError("DJANGO_DB_POOL_SIZE and DJANGO_CONN_MAX_AGE exclude each other")
    if _pool_size:
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": _pool_size,
            "timeout": read_int("DJANGO_DB_POOL_TIMEOUT", default=10),
        }
        # The pool tries a connection before it lends it: after a database restart, requests
        # get new connections, not errors.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = read_redis_url("REDIS_URL")


def redis_channel_layer(url: str) -> dict:
    """The websockets' channel layer on Redis.

    A socket's consumer waits for news in BZPOPMIN, 5 s at a time (channels-redis). redis-py 8
    reads every answer within a 5 s socket timeout by default, so the read of an idle socket
    timed out just as Redis answered "nothing yet", and the consumer died with a TimeoutError:
    websockets dropped after 5 s without news. The read waits a little longer than the command
    (a Redis that hangs still fails an announcement or a log-out's "close" in 8 s, not never);
    a connection gives up in a second on a Redis that is not there.
    """
    host = {"address": url, "socket_timeout": 8, "socket_connect_timeout": 1}
    return {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [host]}}


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "helpdesk",
            # A Redis that hangs fails a page's cache call in a second, not redis-py's five.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a request when the broker is away; work left unsent is picked up later.
# A Redis that refuses fails a publish at once; one that hangs, in a second a try (two tries,
# CELERY_TASK_PUBLISH_RETRY_POLICY below): about 2 s at most, logged by core.queue.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
CELERY_TIMEZONE = "UTC"
# A task that runs away is stopped: at the soft limit it gets SoftTimeLimitExceeded (its
# transaction under way rolls back), at the hard limit its worker process is killed and replaced.
CELERY_TASK_SOFT_TIME_LIMIT = read_int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = read_int("CELERY_TASK_TIME_LIMIT", default=150)
if CELERY_TASK_SOFT_TIME_LIMIT <= 0:
    raise ConfigurationError(
        f"CELERY_TASK_SOFT_TIME_LIMIT={CELERY_TASK_SOFT_TIME_LIMIT} is not a positive "
        "number of seconds"
    )
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ConfigurationError(
        f"CELERY_TASK_TIME_LIMIT={CELERY_TASK_TIME_LIMIT} must be above "
        f"CELERY_TASK_SOFT_TIME_LIMIT={CELERY_TASK_SOFT_TIME_LIMIT}"
    )

_email = read_email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = read_str("DJANGO_DEFAULT_FROM_EMAIL", default="Help desk <help@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed log-ins allowed per window before the form refuses (accounts.services): per e-mail
# and client address together, per address, and per e-mail from anywhere (high: anyone can
# fail at anyone's address). A browser that signed in as the account before is never refused,
# only made to wait this many seconds an attempt past the first ceiling; it is known this long.
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = read_int(
    "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", default=5
)
LOGIN_FAILURES_PER_ADDRESS = read_int("LOGIN_FAILURES_PER_ADDRESS", default=20)
LOGIN_FAILURES_PER_ACCOUNT = read_int("LOGIN_FAILURES_PER_ACCOUNT", default=50)
LOGIN_KNOWN_DEVICE_DELAY_SECONDS = read_int("LOGIN_KNOWN_DEVICE_DELAY_SECONDS", default=2)
KNOWN_DEVICE_DAYS = read_int("KNOWN_DEVICE_DAYS", default=180)
LOGIN_FAILURE_WINDOW_SECONDS = read_int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
# Wrong two-factor codes a person may give in that window before the code step refuses.
TWO_FACTOR_FAILURES_PER_ACCOUNT = read_int("TWO_FACTOR_FAILURES_PER_ACCOUNT", default=5)
# Those counts (core.ratelimit, shared by the processes) are the one limit on guessing codes:
# django-otp's own per-device delay would refuse a right code a second after a typo, with
# nothing to tell the person why.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = read_str("OTP_TOTP_ISSUER", default="Help desk")
# The security log (accounts.SecurityEvent) keeps this many days; a beat task deletes the rest.
SECURITY_LOG_DAYS = read_int("SECURITY_LOG_DAYS", default=180)
SIGNUPS_PER_ADDRESS_PER_HOUR = read_int("SIGNUPS_PER_ADDRESS_PER_HOUR", default=10)
RESETS_PER_ADDRESS_PER_HOUR = read_int("RESETS_PER_ADDRESS_PER_HOUR", default=10)

# Portuguese first: the language of a page whose browser asks for none we have, and of mail to
# someone who never chose one (an account made by mail, by an agent, or left at the default).
LANGUAGES = [("pt-br", _("Portuguese (Brazil)")), ("en", _("English"))]
LANGUAGE_CODE = read_str("DJANGO_LANGUAGE_CODE", default="pt-br").lower()
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ConfigurationError(
        f"DJANGO_LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of {', '.join(dict(LANGUAGES))}"
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = read_str("DJANGO_TIME_ZONE", default="America/Sao_Paulo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_node = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _node / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _node / "bootstrap-icons" / "font"),
    ("vendor/htmx", _node / "htmx.org" / "dist"),
    ("vendor/jodit", _node / "jodit" / "es2021"),
    ("vendor/chart.js", _node / "chart.js" / "dist"),
]
MEDIA_ROOT = Path(read_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded files are served only through views that check permissions: no URL pattern serves
# this prefix (Django's test live server merely needs one that differs from STATIC_URL).
MEDIA_URL = "/_private-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body larger than this is refused with a 413 before it is read (core.uploads): a
# message's files plus its fields. The reverse proxy's own limit (nginx client_max_body_size)
# should sit at or just above it (README).
REQUEST_BODY_MAX_BYTES = read_int(
    "REQUEST_BODY_MAX_BYTES", default=25 * 1024 * 1024 + DATA_UPLOAD_MAX_MEMORY_SIZE
)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Images with more pixels are refused before they are decoded (core.images): 40 Mpx is a
# 7,300 x 5,500 photo, about 160 MB once decoded.
IMAGE_MAX_PIXELS = read_int("IMAGE_MAX_PIXELS", default=40_000_000)

# Widgets are drawn by Jinja2 (the agent's ticket page draws some twenty fields).
FORM_RENDERER = "core.rendering.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Messages ride in a signed cookie (the session if they do not fit): a form posted and
# answered with a message then writes no session row.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"
# With Redis, sessions are read from it and written to it and the database: every page reads
# the session, and a cache round trip costs less than a query; the database keeps them
# through a cache restart. A cache in each process's memory would let one process trust a
# session another has ended: without Redis they stay in the database alone. core.sessions is
# Django's cached_db that carries on with the database while Redis is down.
SESSION_ENGINE = "core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
# How long a process trusts its copy of the kept tables before comparing its version with the
# shared cache's (core.kept): a department renamed shows that late elsewhere.
KEPT_CHECK_SECONDS = 0.5

# Security: sane everywhere, strict when debug is off (manage.py check --deploy passes).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# X-Forwarded-Proto is believed only behind a proxy that sets it; reached directly, anyone
# could send it and make a plain-HTTP request pass for HTTPS.
if NUM_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = read_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = read_int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# /healthz answers by then, naming as down whatever has not answered: under a load
# balancer's usual 2 s check timeout.
HEALTHZ_TIMEOUT_SECONDS = 1.5

# No inline scripts anywhere: every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Style elements: ours, or carrying the nonce (the editor is given it).
        "style-src": [SELF, NONCE],
        # Style attributes: the editor writes colour, size, font, alignment and indent as
        # style="..." and positions its pop-ups so; what people write keeps only the
        # properties and values core.sanitize allows (no url(), no expression()). Scripts
        # and style elements stay as strict as before.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": read_str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Sent with "Cache-Control: private, no-store" (core.privacy), as is every signed-in page.
PRIVATE_PATH_PREFIXES = ["/tickets/", "/agent/", "/print/", "/chat/", "/accounts/", "/admin/",
                         "/api/"]  # fmt: skip

# Tickets
TICKET_ATTACHMENTS_MAX_BYTES = 25 * 1024 * 1024
# A guest's link to one ticket (S4 "check ticket status") works this long.
GUEST_LINK_MAX_AGE_SECONDS = 7 * 24 * 3600
GUEST_TICKETS_PER_ADDRESS_PER_HOUR = read_int("GUEST_TICKETS_PER_ADDRESS_PER_HOUR", default=10)
STATUS_CHECKS_PER_ADDRESS_PER_HOUR = read_int("STATUS_CHECKS_PER_ADDRESS_PER_HOUR", default=20)
# Status links mailed per e-mail address an hour, whoever asks (nobody's inbox is flooded).
STATUS_LINKS_PER_EMAIL_PER_HOUR = read_int("STATUS_LINKS_PER_EMAIL_PER_HOUR", default=5)
TICKETS_PER_PAGE = 25
# The longest message (visible characters) a ticket form, reply or note takes.
MESSAGE_MAX_CHARS = read_int("MESSAGE_MAX_CHARS", default=50_000)
TRASH_DAYS = 7
# A resolved ticket nobody answers is closed after this many days (SPEC §2).
TICKET_AUTO_CLOSE_DAYS = read_int("TICKET_AUTO_CLOSE_DAYS", default=7)
CELERY_BEAT_SCHEDULE = {
    "purge-trash": {"task": "tickets.tasks.purge_trash", "schedule": 3600.0},
    "close-stale-resolved": {"task": "tickets.tasks.close_stale_resolved", "schedule": 3600.0},
    # The rows a trigger adds for every ticket change, folded into one a key.
    "compact-queue-counts": {"task": "tickets.tasks.compact_queue_counts", "schedule": 60.0},
    "purge-security-log": {"task": "accounts.tasks.purge_security_log", "schedule": 3600.0},
}
# Every hour, the weekly report summary to those who asked for it: each week is mailed once,
# on the first run after Monday begins.
CELERY_BEAT_SCHEDULE["weekly-report-summaries"] = {
    "task": "reports.tasks.send_weekly_summaries",
    "schedule": 3600.0,
}
# The reports read their rollup (reports.rollup), kept by triggers and refreshed before each
# report and every minute by beat; false reads the tickets and entries at each request.
REPORTS_ROLLUP = read_bool("REPORTS_ROLLUP", default=True)
CELERY_BEAT_SCHEDULE["refresh-report-rollup"] = {
    "task": "reports.tasks.refresh_report_rollup",
    "schedule": 60.0,
}
# A ticket list of more rows than this is exported as CSV by a worker, with a progress bar;
# the files are kept EXPORT_KEEP_DAYS days (beat purges them every hour).
EXPORT_INLINE_ROWS = read_int("EXPORT_INLINE_ROWS", default=2000)
EXPORT_KEEP_DAYS = read_int("EXPORT_KEEP_DAYS", default=7)
# Files picked on a form never sent are kept a day (drafts.services.KEEP).
CELERY_BEAT_SCHEDULE["purge-drafts"] = {"task": "drafts.tasks.purge_drafts", "schedule": 3600.0}
# A bulk action on more tickets than this runs in a worker, with a progress bar; on at most
# BULK_MAX_TICKETS (a bigger selection is refused with a message: narrow the filters).
BULK_INLINE_TICKETS = read_int("BULK_INLINE_TICKETS", default=50)
BULK_MAX_TICKETS = read_int("BULK_MAX_TICKETS", default=10000)
CELERY_BEAT_SCHEDULE["purge-exports"] = {"task": "reports.tasks.purge_exports", "schedule": 3600.0}
# Webhooks (api.webhooks): each delivery waits this long for the receiver; a failed one is
# tried again after WEBHOOK_FIRST_RETRY_SECONDS, then twice as long each time (at most an hour
# apart) for WEBHOOK_RETRY_HOURS, when it fails and its endpoint is paused. Beat sweeps up
# what no task sent (a broker outage) every minute.
WEBHOOK_TIMEOUT_SECONDS = read_int("WEBHOOK_TIMEOUT_SECONDS", default=5)
WEBHOOK_FIRST_RETRY_SECONDS = read_int("WEBHOOK_FIRST_RETRY_SECONDS", default=30)
WEBHOOK_RETRY_HOURS = read_int("WEBHOOK_RETRY_HOURS", default=24)
if min(WEBHOOK_TIMEOUT_SECONDS, WEBHOOK_FIRST_RETRY_SECONDS, WEBHOOK_RETRY_HOURS) < 1:
    raise ConfigurationError("WEBHOOK_TIMEOUT_SECONDS, _FIRST_RETRY_SECONDS, _RETRY_HOURS >= 1")
CELERY_BEAT_SCHEDULE["deliver-webhooks"] = {
    "task": "api.tasks.deliver_due_webhooks",
    "schedule": 60.0,
}
# The domain of our Message-IDs.
MAIL_DOMAIN = read_str(
    "MAIL_DOMAIN", default=SITE_URL.split("://", 1)[-1].split(":")[0].split("/")[0]
)
# A publish that cannot reach the broker gives up quickly: the row waits for the sweeper.
# One retry, at once: a pooled connection broken by a Redis restart is made again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# How often beat sweeps the outbox, and how long after a first failure a mail is tried
# again (then twice as long each time, at most an hour apart, for two days).
CELERY_BEAT_SCHEDULE["send-pending-mail"] = {
    "task": "mail.tasks.send_pending_emails",
    "schedule": float(read_int("MAIL_SWEEP_SECONDS", default=60)),
}
MAIL_FIRST_RETRY_SECONDS = read_int("MAIL_FIRST_RETRY_SECONDS", default=60)
if MAIL_FIRST_RETRY_SECONDS < 1 or CELERY_BEAT_SCHEDULE["send-pending-mail"]["schedule"] < 1:
    raise ConfigurationError("MAIL_FIRST_RETRY_SECONDS and MAIL_SWEEP_SECONDS are at least 1")
# Who is told when outgoing mail has been failing for a quarter of an hour: (address,
# language) pairs.
MAIL_ALERT_RECIPIENTS = "accounts.emails.administrator_addresses"

# Inbound mail (SPEC §6): an IMAP mailbox read on a schedule, or messages piped in.
IMAP_HOST = read_str("IMAP_HOST")
IMAP_PORT = read_int("IMAP_PORT", default=993)
IMAP_TLS = read_str("IMAP_TLS", default="ssl")  # ssl, starttls or none
if IMAP_TLS not in {"ssl", "starttls", "none"}:
    raise ConfigurationError(f"IMAP_TLS={IMAP_TLS!r} is not one of ssl, starttls, none")
IMAP_USER = read_str("IMAP_USER")
IMAP_PASSWORD = read_str("IMAP_PASSWORD")
IMAP_FOLDER = read_str("IMAP_FOLDER", default="INBOX")
# Where mail to an address that is no department's goes (a department's English name).
INBOUND_DEFAULT_DEPARTMENT = read_str("INBOUND_DEFAULT_DEPARTMENT")
# Mail from an agent's address speaks for the agent only with dkim=pass or dmarc=pass for its
# domain in the topmost Authentication-Results header, written by this server (its
# authserv-id). Unset, no header is trusted (check --deploy warns while mail comes in).
INBOUND_TRUSTED_AUTHSERV_ID = read_str("INBOUND_TRUSTED_AUTHSERV_ID")
# The mail server pipes messages to `manage.py receive_mail` (for the check above).
INBOUND_PIPE = read_bool("INBOUND_PIPE", default=False)
# Replies come back to plus addresses on this one: support+<number>.<mac>@domain.
INBOUND_REPLY_ADDRESS = read_str(
    "INBOUND_REPLY_ADDRESS", default=parseaddr(DEFAULT_FROM_EMAIL)[1] or "help@localhost"
)
# More messages than this from one address in an hour are stored as ignored (mail loops).
INBOUND_MAILS_PER_SENDER_PER_HOUR = read_int("INBOUND_MAILS_PER_SENDER_PER_HOUR", default=30)
# What a received mail does: the mail app reads it, the tickets app acts on it.
INBOUND_MAIL_HANDLER = "inbound.handler.receive"
# Received messages that could not be processed yet (a service down) are tried again.
CELERY_BEAT_SCHEDULE["process-received-mail"] = {
    "task": "mail.tasks.process_received_messages",
    "schedule": 60.0,
}
if IMAP_HOST:
    CELERY_BEAT_SCHEDULE["fetch-mail"] = {
        "task": "mail.tasks.fetch_mail",
        "schedule": float(read_int("IMAP_FETCH_SECONDS", default=60)),
    }

# Live chat (SPEC §5): new chats allowed per client address an hour, messages per second.
CHATS_PER_ADDRESS_PER_HOUR = read_int("CHATS_PER_ADDRESS_PER_HOUR", default=10)
CHAT_MESSAGES_PER_SECOND = read_int("CHAT_MESSAGES_PER_SECOND", default=5)

# The REST API (api/): JSON in and out, errors as problem details, the gate of the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.CallerMayUseApi"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Help desk API",
    "DESCRIPTION": "Tickets, their thread and files, the configuration lists, people and "
    "organizations, chats and their transcripts, service orders and tasks, with the "
    "permissions of the pages. Authenticate with a personal token from your profile: "
    "`Authorization: Bearer hd_…`. Errors are application/problem+json (RFC 9457).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Three models have a `status`: each its own enumeration (the tickets' kept its name).
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "tickets.workflow.Status.choices",
        "ChatStatusEnum": "api.serializers.CHAT_STATUSES",
        "ServiceOrderStatusEnum": "api.serializers.SERVICE_ORDER_STATUSES",
    },
}
# Requests a minute per token (or signed-in person) and per client address; past either, 429.
API_REQUESTS_PER_TOKEN_PER_MINUTE = read_int("API_REQUESTS_PER_TOKEN_PER_MINUTE", default=120)
API_REQUESTS_PER_ADDRESS_PER_MINUTE = read_int("API_REQUESTS_PER_ADDRESS_PER_MINUTE", default=300)
# A token's use is written to the security log at most once in this many seconds (and when it
# is used from a new address): a busy token does not write a row a request.
API_TOKEN_USE_LOG_SECONDS = read_int("API_TOKEN_USE_LOG_SECONDS", default=300)
