"""Real servers on loopback for the mail tests: Dovecot (IMAP), aiosmtpd (SMTP), Redis and a
Celery worker. Each is started by its fixture and stopped after the test."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection

from conftest import _unavailable
from helpdesk.celery import app as celery_app
from tests.servers import free_port, wait_for_port, wait_until

ROOT = Path(__file__).resolve().parent.parent.parent
DOVECOT_CONF = """
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = helpdesk-test-{port}
log_path = {dir}/dovecot.log
ssl = no
auth_mechanisms = plain
disable_plaintext_auth = no
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
NOBODY = 65534  # Dovecot will not run a mailbox as root


@pytest.fixture
def dovecot():
    """A real IMAP server with one mailbox, user "helpdesk", password "secret"."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(binary):
        _unavailable("needs Dovecot: install dovecot-imapd (make test does)")
    # Not pytest's tmp_path: Dovecot's own users must be able to walk into it.
    tmp_path = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    port = free_port()
    for name in ("run", "state", "mail", "home"):
        (tmp_path / name).mkdir()
    os.chown(tmp_path / "mail", NOBODY, NOBODY)
    os.chown(tmp_path / "home", NOBODY, NOBODY)
    (tmp_path / "users").write_text("helpdesk:{PLAIN}secret::::::\n")
    config = tmp_path / "dovecot.conf"
    config.write_text(DOVECOT_CONF.format(dir=tmp_path, port=port, uid=NOBODY))
    tmp_path.chmod(0o755)
    process = subprocess.Popen([binary, "-F", "-c", str(config)])
    try:
        wait_for_port(port)
        yield {"host": "127.0.0.1", "port": port, "user": "helpdesk", "password": "secret"}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(tmp_path, ignore_errors=True)


def _drop_broker_connections():
    # Celery keeps a connection pool made for the old broker URL: let it make new ones.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # kombu keeps producer pools by broker URL too: one made for the old URL would hand out
    # connections of the pool closed above ("Acquire on closed pool").
    kombu.pools.reset()


@pytest.fixture
def publish_to(redis_server):
    """Tasks from this test process go to the test's Redis instead of running in-process."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = redis_server.url
    celery_app.conf.task_always_eager = False
    _drop_broker_connections()
    try:
        yield redis_server
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _drop_broker_connections()


def start_worker(log_path: Path, *, redis_url: str, email_url: str, beat: bool = False, **extra):
    """A real worker process on the test database; with `beat`, its own beat inside it."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.main",
        "DJANGO_SECRET_KEY": "worker-in-tests-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "EMAIL_URL": email_url,
        "DJANGO_SITE_URL": settings.SITE_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "solo"),
        *("--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel", "INFO"),
    ]
    if beat:
        command += ["--beat", "--schedule", str(log_path.with_suffix(".beat"))]
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    try:
        wait_until(lambda: "ready" in log_path.read_text(), timeout=60)
    except BaseException:
        stop_worker(process)
        raise
    return process


def stop_worker(process) -> None:
    process.terminate()
    process.wait(timeout=20)
    process.log.close()


@pytest.fixture
def celery_worker(require_postgres, publish_to, smtp_sink, tmp_path):
    """A real worker process on the test database, the test's Redis and the SMTP sink."""
    process = start_worker(
        tmp_path / "worker.log",
        redis_url=publish_to.url,
        email_url=f"smtp://127.0.0.1:{smtp_sink.port}",
    )
    try:
        yield process
    finally:
        stop_worker(process)
