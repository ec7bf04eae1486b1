"""Small tables kept whole in each process: the one cache of configuration rows.

Departments, categories, priorities, the agents and their departments... are named on every
page and change a few times a year. Joined into each query they cost compiling, planning and
building rows; asked one by one they cost a query each. Each process keeps every registered
table (`keep()`), read in one query, under a version in the shared cache:

- any save or delete of a kept row drops the version, renewed when the change commits; a
  process compares its copy's version with the shared one at most every KEPT_CHECK_SECONDS;
- foreign keys declared with `KeptForeignKey` read their row from the kept table, so no call
  site has to remember to fetch it; `KeptChoiceField` draws and checks its choices from it.

Changes that send no signal (QuerySet.update(), raw SQL) show when the version expires.

The shared cache is optional at run time: while it raises (Redis down), the tables are read
from the database (one query) every KEPT_CHECK_SECONDS, under a version no cache holds, so
they are read again when the cache returns.
"""

import copy
import logging
import threading
import time
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import BigIntegerField, F, IntegerField, Q, Value
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save
from django.utils.choices import BaseChoiceIterator

logger = logging.getLogger(__name__)

VERSION_KEY = "kept-version"
SECONDS = 24 * 3600
# Without a shared cache each process keeps its own version: another process's change shows
# when that version expires.
LOCAL_SECONDS = 60


@dataclass(frozen=True)
class _Kept:
    model: type
    where: Q | None
    fields: tuple[str, ...] | None


_registry: dict[type, _Kept] = {}
_NEVER = object()  # the version of a copy never read
_OUTAGE = object()  # the version of a copy read while the cache was unavailable


class _Copy:
    version = _NEVER
    checked_at = 0.0
    tables: dict = {}


_copy = _Copy()
_loading = threading.Lock()


def keep(model, *, where: Q | None = None, fields: tuple[str, ...] | None = None) -> None:
    """Keep `model`'s rows (those matching `where`; only `fields` of them, with the id) and
    forget the copy whenever one of its rows is saved or deleted."""
    _registry[model] = _Kept(model, where, tuple(fields) if fields else None)
    uid = f"core.kept-{model._meta.label}"
    post_save.connect(_changed, sender=model, dispatch_uid=uid)
    post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    _copy.version = _NEVER  # read again, with this table too


def _changed(sender, instance, update_fields=None, **_kwargs) -> None:
    kept = _registry[sender]
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing anyone keeps
    if kept.where is not None and not _matters(kept, instance):
        return  # a row outside the kept ones (a customer, when the agents are kept)
    forget()


def _matters(kept: _Kept, instance) -> bool:
    # Kept now, or kept until now (an agent who has just stopped being one).
    if instance.pk in _copy.tables.get(kept.model, {}):
        return True
    return kept.model._default_manager.filter(kept.where, pk=instance.pk).exists()


def forget() -> None:
    """A kept row changed: every process reads the tables again.

    The version goes at once and is renewed when the change commits: a process that read
    the tables in between (the old rows, under a version of its own) reads them again then.
    """
    _copy.version = _NEVER
    try:
        cache.delete(VERSION_KEY)
    except Exception:
        _cache_failed("forget")
    transaction.on_commit(_renew)


def _renew() -> None:
    _copy.version = _NEVER
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, _version_seconds())
    except Exception:
        # Other processes read the database while the cache is away, and read again when
        # it returns (the copy they read meanwhile is under a version no cache holds).
        _cache_failed("renew")


def _cache_failed(action: str) -> None:
    logger.warning("kept tables: the cache is unavailable (%s), reading the database", action,
                   exc_info=True)  # fmt: skip


def table(model) -> dict:
    """Every kept row of `model` by id, as of at most KEPT_CHECK_SECONDS ago."""
    return _tables()[model]


def row_of(model, id_, name: str = ""):
    """The kept row of `model` a record names: by its id, else (a record older than its id, a
    row since deleted and made again) by the English `name` it was stored with; None if gone.
    Records keep both, so a reader sees the row's name in their language when they read."""
    found = table(model)
    if id_ in found:
        return found[id_]
    return next((row for row in found.values() if name and row.name == name), None)


def rows(model, *, active_only: bool = False) -> list:
    """The kept rows of `model` in its default order (configuration: position, then name)."""
    found = list(table(model).values())
    if active_only:
        found = [row for row in found if row.is_active]
    ordering = model._meta.ordering or ["pk"]
    for name in reversed(ordering):
        field = name.lstrip("-")
        found.sort(key=lambda row, field=field: _sort_value(getattr(row, field)),
                   reverse=name.startswith("-"))  # fmt: skip
    return found


def _sort_value(value):
    return (value is None, str(value).casefold() if isinstance(value, str) else value)


def _tables() -> dict:
    now = time.monotonic()
    if _copy.version is _NEVER or now - _copy.checked_at >= settings.KEPT_CHECK_SECONDS:
        try:
            version = _shared_version()
        except Exception:
            _cache_failed("version")
            # Read from the database and kept under a version no cache holds: used for
            # KEPT_CHECK_SECONDS, then read again, and again once the cache answers.
            with _loading:
                _copy.tables = _read_all()
                _copy.version = _OUTAGE
            _copy.checked_at = now
            return _copy.tables
        if version is None:  # a cache that keeps nothing: nothing is kept here either
            return _read_all()
        if version != _copy.version:
            with _loading:
                if version != _copy.version:  # not read meanwhile by another thread
                    _copy.tables = _read_all()
                    _copy.version = version
        _copy.checked_at = now
    return _copy.tables


def _shared_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, _version_seconds())
        version = cache.get(VERSION_KEY)
    return version


def _version_seconds() -> int:
    return LOCAL_SECONDS if isinstance(caches["default"], LocMemCache) else SECONDS


def _fields(kept: _Kept) -> list:
    concrete = kept.model._meta.concrete_fields
    if kept.fields is None:
        return list(concrete)
    return [f for f in concrete if f.primary_key or f.name in kept.fields]


def _read_all() -> dict:
    """Every kept table in one query: their rows side by side, a column for every field of any
    of them (NULL where a table has no such field)."""
    kept = list(_registry.values())
    if not kept:
        return {}
    columns = []
    for entry in kept:
        names = {c.attname for c in columns}
        columns += [f for f in _fields(entry) if f.attname not in names]
    parts = []
    for position, entry in enumerate(kept):
        own = {f.attname for f in _fields(entry)}
        values = {
            f"c{n}": F(f.attname) if f.attname in own else Cast(Value(None), _kind(f))
            for n, f in enumerate(columns)
        }
        rows_of = entry.model._default_manager.order_by()
        if entry.where is not None:
            rows_of = rows_of.filter(entry.where)
        parts.append(
            rows_of.annotate(table=Value(position, output_field=IntegerField()), **values)
            .values_list("table", *values)
        )  # fmt: skip
    tables = {entry.model: {} for entry in kept}
    for table_position, *row in parts[0].union(*parts[1:], all=True):
        entry = kept[table_position]
        fields = _fields(entry)
        by_name = dict(zip((c.attname for c in columns), row, strict=True))
        instance = entry.model.from_db(
            connection.alias, [f.attname for f in fields], [by_name[f.attname] for f in fields]
        )
        tables[entry.model][instance.pk] = instance
    _link(tables)
    return tables


def _link(tables) -> None:
    # A kept row's own kept foreign keys (a category's department) point at the kept rows.
    for model, found in tables.items():
        links = [
            f for f in model._meta.concrete_fields if f.is_relation and f.related_model in tables
        ]
        for instance in found.values():
            for field in links:
                target = tables[field.related_model].get(getattr(instance, field.attname))
                if target is not None:
                    field.set_cached_value(instance, target)


def _kind(field):
    # An empty column is cast to its field's type: PostgreSQL matches the union's columns
    # part by part, and the values are converted (booleans on SQLite) by the first part's.
    if field.is_relation:
        return BigIntegerField()
    return field.__class__()


class _KeptDescriptor(ForwardManyToOneDescriptor):
    def get_object(self, instance):
        model = self.field.related_model
        key = getattr(instance, self.field.attname)
        if model in _registry:
            found = table(model).get(key)
            if found is not None:
                return found
        return super().get_object(instance)


class KeptForeignKey(models.ForeignKey):
    """A foreign key to a kept table: `ticket.department` is read from the kept rows (no
    query, no join), and from the database only for a row the copy does not hold yet."""

    forward_related_accessor_class = _KeptDescriptor

    def deconstruct(self):
        # The same column as a ForeignKey's: migrations need not know the difference.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs


class _KeptChoices(BaseChoiceIterator):
    """The field's choices, read from the kept table when they are drawn, not when the form
    class is defined (there may be no database then)."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.offered():
            yield (row.pk, self.field.label_of(row))


class KeptChoiceField(forms.ModelChoiceField):
    """A choice of kept rows: drawn from the kept table and checked against it, no query.

    `where(row)` narrows the rows offered; `label_of(row)` names one (str() by default)."""

    def __init__(self, model, *, where=None, label_of=None, **kwargs):
        self.model = model
        self.where = where
        self.label_of = label_of or str
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.where = self.where
        return copy

    def offered(self) -> list:
        return [row for row in rows(self.model) if self.where is None or self.where(row)]

    def _get_choices(self):
        return _KeptChoices(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            key = int(value.pk if isinstance(value, models.Model) else value)
        except (TypeError, ValueError):
            key = None
        found = table(self.model).get(key)
        if found is None or (self.where is not None and not self.where(found)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return copy.copy(found)  # the kept row is every request's: this one is the form's

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        return str(getattr(initial, "pk", initial) or "") != str(data or "")
