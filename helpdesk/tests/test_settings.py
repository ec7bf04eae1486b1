import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x9!production-like-secret-key-of-enough-length-and-variety-7Qz",
    "DJANGO_ALLOWED_HOSTS": "help.example.com",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="false")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "helpdesk: refusing to start: DJANGO_SECRET_KEY is not set "
        "(set it, or DJANGO_DEBUG=true for development)"
    ]


def test_debug_is_off_unless_asked_for():
    result = manage("check")
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG='maybe' is not a boolean"),
        ("DJANGO_CONN_MAX_AGE", "forever", "DJANGO_CONN_MAX_AGE='forever' is not a whole number"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL='localhost:6379' is not a redis:// URL"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL is not a database URL"),
    ],
)
def test_a_bad_value_stops_the_process_naming_the_variable(name, value, message):
    result = manage("check", **{**PRODUCTION, name: value})
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_settings_start_without_a_secret():
    result = manage("check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    # Only style attributes may be inline (the editor's colours: core.sanitize judges them).
    unsafe = {name for name, sources in directives.items() if "'unsafe-inline'" in sources}
    assert unsafe == {"style-src-attr"}
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_have_no_inline_scripts(client):
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html


@pytest.mark.parametrize(("proxies", "expected"), [("0", "None"), ("1", "HTTP_X_FORWARDED_PROTO")])
def test_the_forwarded_proto_header_is_believed_only_behind_a_proxy(proxies, expected):
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = manage("shell", "-c", code, **PRODUCTION, DJANGO_NUM_PROXIES=proxies)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_refuses_to_start_with_a_short_secret_key_when_debug_is_off():
    result = manage(
        "check", **{**PRODUCTION, "DJANGO_SECRET_KEY": "s3cret-but-only-32-characters-xx"}
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "helpdesk: refusing to start: DJANGO_SECRET_KEY has 32 characters; use at least 50 "
        "random ones (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    ]


def test_a_short_secret_key_is_fine_in_development():
    result = manage("check", DJANGO_DEBUG="true", DJANGO_SECRET_KEY="short")
    assert result.returncode == 0, result.stderr
