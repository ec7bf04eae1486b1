"""The choices of the pages' select boxes, kept in the cache (issue 9: speed at 100,000 tickets).

Every list page drew its departments, categories, priorities and people from the database, a
query and a compiled statement per box, for lists that change a few times a year. They are
kept in the cache under a version that any save or delete of a watched model renews (see
`TicketsConfig.ready`), and for ten minutes at most; a value sent in a form is still looked
up in the database, as a ModelChoiceField does.

Each kept list is stored with the version it was read under, so a form asks the cache once
for the version and all its lists together (`KeptChoicesMixin`): one round trip a form.
"""

import uuid

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from .widgets import QuickSelect

VERSION_KEY = "filter-choices-version"
SECONDS = 10 * 60


def forget(update_fields=None, **_kwargs) -> None:
    """A watched row changed: every kept list is out of date, now and when the change
    commits (a list read in between, of the old rows, is then read again). A sign-in, which
    saves the user's last_login alone, changes no list."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, SECONDS))


def _new_version() -> str:
    cache.add(VERSION_KEY, uuid.uuid4().hex, SECONDS)
    return cache.get(VERSION_KEY) or ""


def load_kept_choices(fields) -> None:
    """Give each of `fields` (CachedModelChoiceFields) its choices, in one cache round trip
    when they are all kept and current."""
    language = get_language()
    keys = {f"filter-choices:{field.kept_as}:{language}": field for field in fields}
    found = cache.get_many([VERSION_KEY, *keys])
    version = found.get(VERSION_KEY) or _new_version()
    fresh = {}
    for key, field in keys.items():
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            field.loaded_choices = kept[1]
        else:
            field.loaded_choices = field.choices_from_database()
            fresh[key] = (version, field.loaded_choices)
    if fresh:
        cache.set_many(fresh, SECONDS)


class CachedChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.kept_choices()

    def __len__(self):
        return len(self.field.kept_choices()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.kept_choices())


class CachedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose (pk, label) list is kept in the cache under `kept_as`, a name
    that stands for its queryset (set it again when the queryset changes)."""

    iterator = CachedChoiceIterator

    def __init__(self, *args, kept_as: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_as = kept_as
        self.loaded_choices = None
        # The form's fields, when the form loads its kept lists together (KeptChoicesMixin).
        self.siblings = None

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.loaded_choices = None
        copy.siblings = None
        return copy

    def kept_choices(self) -> list[tuple[str, str]]:
        if self.loaded_choices is None:
            together = [
                field
                for field in (self.siblings or {}).values()
                if isinstance(field, CachedModelChoiceField) and field.loaded_choices is None
            ]
            load_kept_choices(together if self in together else [self])
        return self.loaded_choices

    def choices_from_database(self) -> list[tuple[str, str]]:
        return [(str(obj.pk), str(self.label_from_instance(obj))) for obj in self.queryset]


class KeptChoicesMixin:
    """A form whose kept lists are read from the cache together, when the first is drawn."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, CachedModelChoiceField):
                field.siblings = self.fields


def kept_choice_field(queryset, *, label, kept_as: str, field_class=None, **kwargs):
    """An optional filter box whose choices are kept as above, drawn by QuickSelect."""
    kwargs.setdefault("widget", QuickSelect)
    kwargs.setdefault("required", False)
    return (field_class or CachedModelChoiceField)(
        label=label, queryset=queryset, kept_as=kept_as, **kwargs
    )
