"""Handing work to Celery once the transaction that caused it has committed (STYLE rule 5)."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Queue `task(*args)` after commit; a broker outage is logged, never raised to the user."""
    transaction.on_commit(lambda: _publish(task, args))


def _publish(task, args) -> None:
    try:
        task.delay(*args)
    except Exception:
        logger.exception("could not queue %s%r", task.name, args)
