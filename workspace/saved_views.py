"""Saved views: the panel's navigation lists them with their counts, and their writes.

A view keeps the search's query string; its tickets are chosen again through the tickets
gate (`selectors.search_tickets`) as the person who looks. The navigation's counts cost one
query for every view listed: each view counts at most `COUNT_LIMIT` + 1 rows of its own
search, all in one statement, and the answer is kept in the cache for `COUNT_SECONDS`.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.http import QueryDict

from accounts.models import User

from . import permissions, selectors
from .forms import TicketSearchForm
from .models import SavedView

# A count above this shows as "999+": counting every row of a broad view costs its size.
COUNT_LIMIT = 999
COUNT_SECONDS = 30


def criteria_of(view: SavedView) -> dict | None:
    """The search criteria a view keeps, checked again (a choice since retired drops out)."""
    form = TicketSearchForm(QueryDict(view.query))
    return form.cleaned_data if form.is_valid() else None


def navigation(user: User) -> list[tuple[SavedView, int | None]]:
    """The views `user` may open, by name, each with its count (None: its filters no longer
    hold), in one query for the views and one, cached, for every count."""
    # The departments come from the kept rows (SavedView.department), not a join.
    views = list(permissions.visible_saved_views(user).order_by("department_id", "name", "id"))
    if not views:
        return []
    key = count_key(user, views)
    counts = cache.get(key)
    if counts is None:
        counts = _counts(user, views)
        cache.set(key, counts, COUNT_SECONDS)
    return list(zip(views, counts, strict=True))


def count_key(user: User, views: list[SavedView]) -> str:
    """The cache's key for these views' counts as `user` sees them: a view saved, renamed to
    other filters or deleted makes another key, so it is counted at once."""
    signature = "|".join(f"{view.id}:{view.query}" for view in views)
    digest = hashlib.sha256(signature.encode()).hexdigest()[:24]
    return f"workspace.view_counts.{user.id}.{digest}"


def _counts(user: User, views: list[SavedView]) -> list[int | None]:
    parts, params, kept = [], [], []
    for view in views:
        criteria = criteria_of(view)
        kept.append(criteria is not None)
        if criteria is None:
            continue
        rows = selectors.search_tickets(user, criteria).order_by().values("id")
        try:
            sql, values = rows[: COUNT_LIMIT + 1].query.sql_with_params()
        except EmptyResultSet:  # a search that can match nothing, as Django knows unasked
            sql, values = "SELECT 1 WHERE false", ()
        # The ORM's own SQL of each search, its values passed apart: nothing typed is inlined.
        parts.append(f"(SELECT count(*) FROM ({sql}) AS view_{len(parts)})")  # noqa: S608
        params.extend(values)
    found: list = []
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            found = list(cursor.fetchone())
    answers = iter(found)
    return [next(answers) if held else None for held in kept]


def save_view(*, actor: User, name: str, query: str, department=None) -> SavedView:
    return SavedView.objects.create(
        owner=actor, name=name.strip(), query=query, department=department
    )


def rename_view(*, view: SavedView, name: str) -> SavedView:
    view.name = name.strip()
    view.save(update_fields=["name", "updated_at"])
    return view
