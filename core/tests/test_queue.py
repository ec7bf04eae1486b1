"""Queuing with the broker away: the publish gives up quickly and says so."""

import socket
import threading
import time

import pytest
from django.conf import settings

from core.queue import _publish
from helpdesk.celery import app as celery_app
from tests.integration.conftest import _drop_broker_connections
from tests.servers import free_port


@pytest.fixture
def broker_at():
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.task_always_eager = False

    def point(url):
        celery_app.conf.broker_url = url
        _drop_broker_connections()

    yield point
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _drop_broker_connections()


@pytest.fixture
def hanging_port():
    """A port that accepts connections and never answers, as a Redis that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    threading.Thread(target=lambda: held.extend(listener.accept() for _ in range(16)),
                     daemon=True).start()  # fmt: skip
    yield listener.getsockname()[1]
    listener.close()


def publish_seconds(caplog) -> float:
    began = time.monotonic()
    _publish("mail.tasks.send_email", (1,))
    took = time.monotonic() - began
    assert "could not queue mail.tasks.send_email(1,)" in caplog.text
    return took


def test_a_broker_that_refuses_fails_a_publish_at_once(broker_at, caplog):
    broker_at(f"redis://127.0.0.1:{free_port()}/0")
    assert publish_seconds(caplog) < 1


def test_a_broker_that_hangs_holds_a_publish_about_two_seconds(broker_at, hanging_port, caplog):
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] == 1
    broker_at(f"redis://127.0.0.1:{hanging_port}/0")
    assert publish_seconds(caplog) < 2.8
