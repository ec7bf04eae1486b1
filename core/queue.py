"""Handing work to Celery once the transaction that caused it has committed (STYLE rule 5).

Tasks are named, not imported: services sit below the tasks that call them back, so a
service queues `"mail.tasks.send_email"` and never imports the tasks module.
"""

import importlib
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue the task `task_name` with `args` after commit; a broker outage is logged, never
    raised to the person whose request caused it (the work is picked up later)."""
    transaction.on_commit(lambda: _publish(task_name, args))


def task_named(task_name: str):
    """The Celery task object registered under its dotted module path."""
    module, _, attribute = task_name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def _publish(task_name: str, args) -> None:
    try:
        task_named(task_name).delay(*args)
    except Exception:
        logger.exception("could not queue %s%r", task_name, args)
