"""The choices of the lists' filter boxes, kept in the cache (issue 9: speed at 100,000 tickets).

Every list page drew its departments, categories, priorities and people from the database, a
query and a compiled statement per box, for lists that change a few times a year. They are
kept in the cache under a version that any save or delete of a watched model renews (see
`TicketsConfig.ready`), and for ten minutes at most; a value sent in a filter is still looked
up in the database, as a ModelChoiceField does.
"""

import uuid

from django import forms
from django.core.cache import cache
from django.utils.translation import get_language

VERSION_KEY = "filter-choices-version"
SECONDS = 10 * 60


def forget(**_kwargs) -> None:
    """A watched row changed: every kept list is out of date."""
    cache.delete(VERSION_KEY)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, SECONDS)
        version = cache.get(VERSION_KEY) or ""
    return version


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

    def kept_choices(self) -> list[tuple[str, str]]:
        key = f"filter-choices:{_version()}:{self.kept_as}:{get_language()}"
        choices = cache.get(key)
        if choices is None:
            choices = [(str(obj.pk), str(self.label_from_instance(obj))) for obj in self.queryset]
            cache.set(key, choices, SECONDS)
        return choices


def kept_choice_field(queryset, *, label, kept_as: str, field_class=None):
    """An optional filter box whose choices are kept as above, drawn by QuickSelect."""
    from .widgets import QuickSelect

    return (field_class or CachedModelChoiceField)(
        widget=QuickSelect, label=label, queryset=queryset, required=False, kept_as=kept_as
    )
