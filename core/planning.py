"""Queries planned for the values they run with, not once for any (PostgreSQL's custom plans).

A statement a connection has prepared (settings, PG_PREPARE_THRESHOLD) is planned for its
values five times, then once for any values if that generic plan looks no dearer. For a
report's range of dates the generic plan guesses 0.5% of the rows (299 instead of 59,846
for a year of 100,000 tickets), so its sorts are sized for a handful: the percentiles of the
Times report took 264 ms instead of 71. A report reads a large share of its tables in few
queries, where planning costs nothing beside running: inside `custom_plans()` nothing is
prepared, and every query is planned for its own values.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def custom_plans() -> Iterator[None]:
    """Within this block this connection prepares no statement and runs none it prepared."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = before
