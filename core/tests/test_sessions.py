import logging

import pytest
from asgiref.sync import async_to_sync

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_with_the_cache_down_a_session_is_saved_read_and_ended_in_the_database(dead_cache, caplog):
    caplog.set_level(logging.WARNING, logger="core.sessions")
    store = SessionStore()
    store["person"] = 7
    store.save(must_create=True)
    assert store.exists(store.session_key)
    again = SessionStore(store.session_key)
    assert again["person"] == 7
    again.cycle_key()  # what signing in does
    assert SessionStore(again.session_key)["person"] == 7
    again.flush()  # what signing out does
    assert SessionStore(store.session_key).load() == {}
    assert "session cache unavailable" in caplog.text


def test_with_the_cache_up_a_session_is_written_through_to_it(django_assert_num_queries):
    store = SessionStore()
    store["person"] = 7
    store.save(must_create=True)
    with django_assert_num_queries(0):  # read from the cache alone
        assert SessionStore(store.session_key)["person"] == 7


def test_the_async_calls_carry_on_without_the_cache(dead_cache):
    @async_to_sync  # their database calls come back to this thread's connection
    async def walk():
        store = SessionStore()
        await store.aset("person", 7)
        await store.asave(must_create=True)
        assert await store.aexists(store.session_key)
        assert (await SessionStore(store.session_key).aload())["person"] == 7
        await store.adelete()
        assert await SessionStore(store.session_key).aload() == {}

    walk()
