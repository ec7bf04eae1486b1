"""Facts told inside the transaction that makes them, to the apps above that record them.

`core.live` tells its listeners after commit: news for browsers, harmless to lose in a crash.
What must not be lost with the change (a webhook delivery, written as the outbox writes a
mail) is written by a handler called here, inside the same transaction, so it commits or
rolls back with the change. An app registers its handler by dotted name in its `ready()`
(`handle("ticket.entry", "api.webhooks.ticket_entry")`); the apps that tell never import it.
A handler that fails fails the change: a fact it was to record would otherwise be lost.
"""

import importlib
from collections.abc import Callable

_handlers: dict[str, list[str]] = {}
_resolved: dict[str, Callable] = {}


def handle(topic: str, handler: str) -> None:
    """Call the function named `handler` with `emit`'s facts each time `topic` is told."""
    handlers = _handlers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def emit(topic: str, **facts) -> None:
    """`topic` happened, with these facts (model instances as the service holds them)."""
    for name in _handlers.get(topic, ()):
        _function(name)(**facts)


def _function(name: str) -> Callable:
    if name not in _resolved:
        module, _, attribute = name.rpartition(".")
        _resolved[name] = getattr(importlib.import_module(module), attribute)
    return _resolved[name]
