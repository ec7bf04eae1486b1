"""core.live: told once a key, after commit, with the values of before; nothing on rollback."""

import logging

import pytest
from django.db import transaction

from core import live

pytestmark = pytest.mark.django_db(transaction=True)
heard: list = []


def remember(keys):
    heard.append(keys)


def fail(keys):
    raise RuntimeError("listener down")


@pytest.fixture(autouse=True)
def _listeners(monkeypatch):
    heard.clear()
    monkeypatch.setattr(live, "_listeners", {"thing": [remember]})


def test_each_key_is_told_once_after_commit_with_what_it_was_first():
    with transaction.atomic():
        live.changed("thing", 1, colour="red")
        live.changed("thing", 1, colour="blue")
        live.changed("thing", 2)
        assert heard == []
    assert heard == [{1: {"colour": "red"}, 2: {}}]


def test_a_rollback_tells_nothing_and_the_next_transaction_starts_afresh():
    def change_then_fail():
        with transaction.atomic():
            live.changed("thing", 1)
            raise LookupError("rolled back")

    with pytest.raises(LookupError, match="rolled back"):
        change_then_fail()
    with transaction.atomic():
        live.changed("thing", 3)
    assert heard == [{3: {}}]


def test_outside_a_transaction_it_is_told_at_once_and_unheard_topics_cost_nothing():
    live.changed("thing", 4)
    live.changed("nobody listens", 5)
    assert heard == [{4: {}}]


def test_a_failing_listener_is_logged_and_the_others_still_hear(monkeypatch, caplog):
    monkeypatch.setattr(live, "_listeners", {"thing": [fail, "core.tests.test_live.remember"]})
    with caplog.at_level(logging.ERROR, logger="core.live"), transaction.atomic():
        live.changed("thing", 6)
    assert heard == [{6: {}}]
    assert "a listener of thing failed" in caplog.text


def test_listen_keeps_one_of_each():
    live.listen("thing", remember)
    live.listen("other", "core.tests.test_live.remember")
    assert live._listeners["thing"] == [remember]


def test_news_held_is_told_once_for_the_savepoints_kept_and_never_for_those_dropped():
    with transaction.atomic():
        for key in (1, 2, 3):
            with live.held() as news, transaction.atomic():
                live.changed("thing", key, step=key)
            if key != 2:  # the caller keeps the first and the third
                live.release(news)
        assert heard == []
    assert heard == [{1: {"step": 1}, 3: {"step": 3}}]
