"""The configuration tables, kept whole in each process (issue 9: speed at 100,000 tickets).

Departments, categories, products, priorities, severities and progress labels are named on
every ticket page and list row. Joined into each query they cost about 0.3 ms a table of
compiling, planning and building rows; they change a few times a year. Each process keeps all
six, read in one query, and hands them to the tickets a query read (`attach()`).

Any save or delete of one of them renews a version in the shared cache (`forget()`, wired in
`TicketsConfig.ready`); a process compares its copy's version with it at most every
LOOKUPS_CHECK_SECONDS, and drops its copy at once after its own saves. Changes that send no
signal (QuerySet.update(), raw SQL) show when the version expires.
"""

import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, IntegerField, Value
from django.db.models.functions import Cast

from accounts.models import Department

from .models import Category, Priority, Product, ProgressLabel, Severity, Ticket

MODELS = (Department, Category, Product, Priority, Severity, ProgressLabel)
VERSION_KEY = "lookups-version"
SECONDS = 24 * 3600
# Without a shared cache each process keeps its own version: another process's change shows
# when that version expires.
LOCAL_SECONDS = 60
_NEVER = object()  # the version of a copy never read


class _Copy:
    version = _NEVER
    checked_at = 0.0
    tables: dict = {}


_copy = _Copy()
_loading = threading.Lock()


def forget(**_kwargs) -> None:
    """A configuration row changed: every process reads the tables again.

    The version goes at once and is renewed when the change commits: a process that read
    the tables in between (the old rows, under a version of its own) reads them again then.
    (Nothing reads the tables inside a transaction that changes them, the admin's: a copy
    read there would be kept even if the change were rolled back.)
    """
    cache.delete(VERSION_KEY)
    _copy.version = _NEVER
    transaction.on_commit(_renew)


def _renew() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, _version_seconds())
    _copy.version = _NEVER


def table(model) -> dict:
    """Every row of `model` (one of MODELS) by id, as of at most LOOKUPS_CHECK_SECONDS ago."""
    return _tables()[model]


def attach(tickets, *fields: str) -> None:
    """Give each ticket its `fields` (foreign keys to MODELS: "department", "priority", ...)
    from the kept tables, as select_related() would have."""
    tables = _tables()
    targets = [(name, tables[Ticket._meta.get_field(name).related_model]) for name in fields]
    for ticket in tickets:
        for name, rows in targets:
            key = getattr(ticket, f"{name}_id")
            if key is not None and key in rows:
                setattr(ticket, name, rows[key])


def _tables() -> dict:
    now = time.monotonic()
    if _copy.version is _NEVER or now - _copy.checked_at >= settings.LOOKUPS_CHECK_SECONDS:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, _version_seconds())
            version = cache.get(VERSION_KEY)
        if version is None:  # a cache that keeps nothing: nothing is kept here either
            return _read_all()
        if version != _copy.version:
            with _loading:
                if version != _copy.version:  # not read meanwhile by another thread
                    _copy.tables = _read_all()
                    _copy.version = version
        _copy.checked_at = now
    return _copy.tables


def _version_seconds() -> int:
    return LOCAL_SECONDS if isinstance(caches["default"], LocMemCache) else SECONDS


def _read_all() -> dict:
    """The six tables in one query: their rows side by side, a column for every field of any
    of them (NULL where a table has no such field)."""
    columns = []
    for model in MODELS:
        columns += [f for f in model._meta.concrete_fields if f.attname not in
                    {c.attname for c in columns}]  # fmt: skip
    parts = []
    for position, model in enumerate(MODELS):
        own = {f.attname for f in model._meta.concrete_fields}
        values = {
            f"c{n}": F(f.attname) if f.attname in own else Cast(Value(None), _kind(f))
            for n, f in enumerate(columns)
        }
        parts.append(
            model.objects.order_by()
            .annotate(table=Value(position, output_field=IntegerField()), **values)
            .values_list("table", *values)
        )
    tables = {model: {} for model in MODELS}
    for table_position, *row in parts[0].union(*parts[1:], all=True):
        model = MODELS[table_position]
        fields = model._meta.concrete_fields
        by_name = dict(zip((c.attname for c in columns), row, strict=True))
        instance = model.from_db(
            connection.alias, [f.attname for f in fields], [by_name[f.attname] for f in fields]
        )
        tables[model][instance.pk] = instance
    for category in tables[Category].values():
        if category.department_id in tables[Department]:
            category.department = tables[Department][category.department_id]
    return tables


def _kind(field):
    # An empty column is cast to its field's type: PostgreSQL matches the union's columns
    # part by part, and the values are converted (booleans on SQLite) by the first part's.
    if field.is_relation:
        return BigIntegerField()
    return field.__class__()
