"""Real servers on loopback for the tests that need them: an SMTP sink, Redis, ASGI servers.

Shared by tests/integration and tests/browser (whose fixtures import these)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import _unavailable

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing answered on port {port}")


def wait_until(condition, *, timeout: float = 30, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(step)
    raise TimeoutError("the condition did not come true in time")


class Sink:
    """What a real SMTP server on loopback received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"at": time.time(), "to": envelope.rcpt_tos, "message": message})
        return "250 OK"

    def ids(self):
        return [str(m["message"]["Message-ID"]) for m in self.messages]


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        controller.stop()


class RedisServer:
    """A Redis of our own, so a test can stop and start the broker without disturbing others."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(redis_url):
    if not shutil.which("redis-server"):
        _unavailable("needs Redis: redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_env(**extra) -> dict:
    """The environment of a process that works on the test database (PostgreSQL only)."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


UVICORN = [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1",
           "--port", "{port}", "--log-level", "warning"]  # fmt: skip
# The pages' production server (deploy/pages.py: granian, the WSGI application).
PAGES = [sys.executable, "deploy/pages.py", "--bind", "127.0.0.1:{port}",
         "--workers", "2"]  # fmt: skip


class AsgiServer:
    """The project under its production server on loopback: the ASGI application under
    uvicorn (pages and websockets), or `command=PAGES` for the WSGI one (pages)."""

    def __init__(self, env: dict, log_path: Path, command=UVICORN):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [part.format(port=self.port) for part in command],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for_port(self.port, timeout=30)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


@pytest.fixture
def asgi_servers(require_postgres, tmp_path):
    """Start ASGI servers on the test database: `asgi_servers(count, **env)`."""
    started = []

    def start(count: int = 1, *, command=UVICORN, **extra):
        for _ in range(count):
            log = tmp_path / f"server-{len(started)}.log"
            started.append(AsgiServer(server_env(**extra), log, command=command))
        return started[-count:]

    yield start
    for server in started:
        server.stop()
