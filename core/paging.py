"""Seek pagination for long lists.

A page is found by where the previous one ended (the sort values of its last row), not by
an OFFSET, and no COUNT(*) runs: page 200 costs what page 1 costs, with an index on the
sort keys. The price is "Previous" and "Next" links in place of "page N of M".

The sort keys must never be NULL (wrap a nullable one in Coalesce) and end with a unique one.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import F, Q

SALT = "tickets.paging"  # kept: cursors already in bookmarks stay valid


@dataclass
class SeekPage:
    object_list: list
    number: int
    next_cursor: str = ""
    previous_cursor: str = ""

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return max(1, self.number - 1)


def seek_page(queryset, keys, params, *, per_page: int) -> SeekPage:
    """The page of `queryset`, sorted by `keys`, that `params` (request.GET) points at.

    `keys` are (expression or field name, descending) pairs. `after` holds the last row of
    the page before, `before` the first row of the page after; either is signed, so a
    tampered one, or one made under another sort, is simply the first page.
    """
    backwards, values = _cursor(params, _shape(keys))
    names, directions, queryset = _ordered(queryset, keys, backwards=backwards)
    if values is not None and len(values) == len(keys):
        queryset = queryset.filter(_after(names, directions, values))
    rows = list(queryset[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    number = _number(params) if values is not None else 1

    def cursor(row):
        return _signed(row, names, keys)

    has_before = bool(rows) and (more if backwards else values is not None)
    has_after = bool(rows) and (values is not None if backwards else more)
    return SeekPage(
        object_list=rows,
        number=max(2, number) if has_before else 1,
        next_cursor=cursor(rows[-1]) if has_after else "",
        previous_cursor=cursor(rows[0]) if has_before else "",
    )


def cursor_at(queryset, keys, offset: int) -> str:
    """The `after` value that opens the page starting at row `offset + 1` (a deep link)."""
    names, _directions, ordered = _ordered(queryset, keys, backwards=False)
    row = ordered[offset - 1] if offset > 0 else None
    return _signed(row, names, keys) if row is not None else ""


def _ordered(queryset, keys, *, backwards: bool):
    names = [f"seek_{n}" for n in range(len(keys))]
    queryset = queryset.annotate(
        **{
            name: F(key) if isinstance(key, str) else key
            for name, (key, _descending) in zip(names, keys, strict=True)
        }
    )
    directions = [descending != backwards for _key, descending in keys]
    ordering = [
        F(name).desc() if descending else F(name).asc()
        for name, descending in zip(names, directions, strict=True)
    ]
    return names, directions, queryset.order_by(*ordering)


def _shape(keys) -> str:
    """What the sort is, signed into its cursors: values of one sort compared with the keys of
    another (a date with a title) would be a database error, not a page."""
    described = repr([(str(key), descending) for key, descending in keys])
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def _signed(row, names, keys) -> str:
    values = [_plain(getattr(row, name)) for name in names]
    return signing.dumps({"sort": _shape(keys), "after": values}, salt=SALT)


def _after(names, directions, values) -> Q:
    """Rows past `values` in this order: (a, b, id) > (x, y, z), spelt so that an index
    on the first key can start right there (a >= x AND (a > x OR ...))."""
    name, descending, value = names[0], directions[0], values[0]
    beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
    if len(names) == 1:
        return beyond
    bound = Q(**{f"{name}__{'lte' if descending else 'gte'}": value})
    tie = Q(**{name: value}) & _after(names[1:], directions[1:], values[1:])
    return bound & (beyond | tie)


def _cursor(params, shape: str) -> tuple[bool, list | None]:
    for backwards, key in ((False, "after"), (True, "before")):
        if params.get(key):
            try:
                found = signing.loads(params[key], salt=SALT)
            except signing.BadSignature:
                return False, None
            if isinstance(found, dict) and found.get("sort") == shape:
                return backwards, found.get("after")
            return False, None  # another sort's cursor (or one made before sorts were signed)
    return False, None


def _number(params) -> int:
    try:
        return int(params.get("page", 1))
    except ValueError:
        return 1


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value
