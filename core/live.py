"""News of a change, told after the transaction that made it commits, to whoever listens.

A service names what changed (`changed("ticket", 42, department=3)`) and an app above it
registers a listener by its dotted name in its `ready()` (`listen("ticket",
"workspace.services.publish_tickets")`, imported when first told), so the tickets app never
imports the workspace that pushes the news to browsers. Within one transaction each key is
told once, with the values given first (what it was before the change); a rollback tells
nothing. A listener that fails is logged, never raised to the person whose request it was.

A savepoint released begins no news of its own only inside `held()`: a caller running many
changes one savepoint each (a bulk job) holds the news of each and passes on those it keeps,
so a batch of tickets is told once, not once a ticket.
"""

import importlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)

Listener = Callable[[dict[object, dict]], None]
_listeners: dict[str, list[str | Listener]] = {}


def listen(topic: str, listener: "str | Listener") -> None:
    """Call `listener({key: before, ...})` after each commit that changed keys of `topic`."""
    listeners = _listeners.setdefault(topic, [])
    if listener not in listeners:
        listeners.append(listener)


def changed(topic: str, key, **before) -> None:
    """`key` of `topic` changes in this transaction; `before` holds what it was."""
    if not _listeners.get(topic):
        return
    connection = transaction.get_connection()
    holding = getattr(connection, "live_held", None)
    if holding is not None:
        holding[topic].setdefault(key, before)
        return
    if not connection.in_atomic_block:
        _tell(topic, {key: before})
        return
    pending = getattr(connection, "live_pending", None)
    if pending is None or not pending.joinable(connection):
        pending = _Pending(connection)
        connection.live_pending = pending
        transaction.on_commit(pending.flush)
    pending.keys[topic].setdefault(key, before)


@contextmanager
def held() -> Iterator[dict[str, dict]]:
    """The news of what changes inside, held back: `release()` it if what ran is kept."""
    connection = transaction.get_connection()
    outer = getattr(connection, "live_held", None)
    news: dict[str, dict] = defaultdict(dict)
    connection.live_held = news
    try:
        yield news
    finally:
        connection.live_held = outer


def release(news: dict[str, dict]) -> None:
    """Tell what `held()` held, as if it had changed here."""
    for topic, keys in news.items():
        for key, before in keys.items():
            changed(topic, key, **before)


class _Pending:
    def __init__(self, connection):
        self.keys: dict[str, dict] = defaultdict(dict)
        self.savepoints = set(connection.savepoint_ids)
        self.done = False

    def joinable(self, connection) -> bool:
        """Still to be told, in the block it was begun in or one inside it: not one that
        rolled back (its flush is no longer to run) nor one of a block already left."""
        return (
            not self.done
            and self.savepoints <= set(connection.savepoint_ids)
            and any(item[1] == self.flush for item in connection.run_on_commit)
        )

    def flush(self) -> None:
        self.done = True
        connection = transaction.get_connection()
        if getattr(connection, "live_pending", None) is self:
            connection.live_pending = None
        for topic, keys in self.keys.items():
            _tell(topic, keys)


def _tell(topic: str, keys: dict) -> None:
    for listener in _listeners.get(topic, ()):
        try:
            if isinstance(listener, str):
                module, _, name = listener.rpartition(".")
                listener = getattr(importlib.import_module(module), name)
            listener(dict(keys))
        except Exception:
            logger.exception("live: a listener of %s failed", topic)
