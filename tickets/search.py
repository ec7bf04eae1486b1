"""Searching tickets by number, title and thread, on the index at 100,000 tickets and more.

On PostgreSQL each ticket's words sit in a `TicketSearch` row (two tsvectors under GIN
indexes) that the services rewrite in the same transaction as the entry or title they change;
a search is a full-text match of every word typed, each as a prefix, in the `helpdesk_pt`
configuration (migration 0016): Portuguese stems with the accents taken off, so "relatório",
"relatorios" and "Relatorio" find each other, and a number typed also finds its ticket by number.
Elsewhere the search reads the thread with LIKE, which is fine at the sizes SQLite serves.
"""

import hashlib
import logging
import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery

from accounts.models import User

from .models import Ticket, TicketEntry, TicketSearch
from .permissions import works_on_condition

logger = logging.getLogger(__name__)

MAX_WORDS = 8
# A search that matches at most this many tickets hands their ids to the list query; one
# that matches more lets the list walk its sort index and test each ticket (see below).
FEW_MATCHES = 2000
# How long a search that matched more than FEW_MATCHES tickets is taken to still do.
COMMON_SECONDS = 15 * 60

CONFIG = "helpdesk_pt"
# At most 500,000 characters of a ticket's text are indexed: a tsvector holds up to 1 MB.
REFRESH_SQL = """
INSERT INTO tickets_ticketsearch (ticket_id, public, private)
SELECT t.id,
  strip(to_tsvector('helpdesk_pt', t.number::text || ' ' || t.title || ' ' || left(coalesce(
    string_agg(e.body_text, ' ') FILTER (WHERE e.is_public), ''), 500000))),
  strip(to_tsvector('helpdesk_pt', left(coalesce(
    string_agg(e.body_text, ' ') FILTER (WHERE NOT e.is_public), ''), 500000)))
FROM tickets_ticket t
LEFT JOIN tickets_ticketentry e ON e.ticket_id = t.id AND e.body_text <> ''
WHERE {where}
GROUP BY t.id
ON CONFLICT (ticket_id) DO UPDATE SET public = EXCLUDED.public, private = EXCLUDED.private
"""


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def refresh_search(ticket_ids: Iterable[int]) -> None:
    """Rewrite the search words of these tickets from their title and thread (one query)."""
    ids = [int(ticket_id) for ticket_id in ticket_ids]
    if not ids or not uses_full_text():
        return
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL.format(where="t.id = ANY(%s)"), [ids])


def refresh_search_between(first_id: int, last_id: int) -> None:
    """The same for every ticket of an id range, in one statement (bulk loads, migrations)."""
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL.format(where="t.id BETWEEN %s AND %s"), [first_id, last_id])


def words(text: str) -> list[str]:
    """The words of a search, as the full-text parser would split them; '#' before a number goes."""
    return re.findall(r"\w+", text.lower())[:MAX_WORDS]


def text_match(text: str, *, notes_for: User | None = None) -> Q:
    """Tickets whose number, title or thread holds every word typed.

    Customers search what they can see; an agent (`notes_for`) searches internal notes too,
    but only those of the tickets they work on (`works_on()`): a ticket one sees without
    working on it, such as one asked of another department, is not found by its notes.
    """
    if uses_full_text():
        return _full_text_match(text, notes_for=notes_for)
    notes_of = None if notes_for is None else works_on_condition(notes_for)
    return _like_match(text, notes_of=notes_of)


def _full_text_match(text: str, *, notes_for: User | None) -> Q:
    found = words(text)
    if not found:
        return Q(pk__in=[])
    # Built from \w+ words only, so the raw query holds no operator a person typed.
    query = SearchQuery(" & ".join(f"{word}:*" for word in found), config=CONFIG,
                        search_type="raw")  # fmt: skip
    condition = Q(public=query)
    public_only = notes_for is None
    parts = [TicketSearch.objects.filter(condition)]
    if notes_for is not None:
        condition |= Q(private=query) & works_on_condition(notes_for, prefix="ticket__")
        parts.append(TicketSearch.objects.filter(Q(private=query) & _works_on_each(notes_for)))
    matches = TicketSearch.objects.filter(condition).values_list("ticket_id", flat=True)
    # A number typed is also its ticket, found by the number's unique index whatever else
    # the words find (a ticket whose thread quotes it, one whose number starts with it).
    exact = Q(number=int(found[0])) if len(found) == 1 and _is_number(found[0]) else Q()
    # PostgreSQL cannot tell a rare word from a common one here (its estimates for prefix
    # matches are guesses), so we ask: a rare word's few tickets are fetched by id and sorted,
    # a common word's are met early while walking the list in order. A common search is
    # remembered as such for a while: the list is the same either way, only found faster.
    common = f"search-common:{public_only:d}:{hashlib.sha256(' '.join(found).encode()).hexdigest()}"
    if _remembered(common):
        return Q(id__in=matches) | exact
    few = _first_matches([part.values_list("ticket_id", flat=True) for part in parts],
                         FEW_MATCHES + 1)  # fmt: skip
    if len(few) <= FEW_MATCHES:
        return Q(id__in=few) | exact
    _remember(common)
    return Q(id__in=matches) | exact


def _works_on_each(user: User) -> Q | Subquery:
    """Whether `user` works on the ticket of each note match, asked of that ticket alone.

    Joined to the tickets, the notes' matches were planned as a hash join over every ticket
    of the agent's departments, in parallel workers (50-75 ms at 1,000,000 tickets, most of
    it starting the workers): PostgreSQL guesses a prefix matches 2% of the rows. A scalar
    subquery is never made a join: each match reads its ticket by primary key, and a word
    with few matches costs a few index reads whatever the guess.
    """
    works = works_on_condition(user)
    if not works:  # an administrator works on every ticket
        return Q()
    flag = ExpressionWrapper(works, output_field=BooleanField())
    ticket = Ticket.objects.filter(id=OuterRef("ticket_id")).order_by().annotate(works=flag)
    return Subquery(ticket.values("works")[:1], output_field=BooleanField())


def _first_matches(parts, limit: int) -> list[int]:
    """Up to `limit` ids of the matches, read through the GIN indexes at any size.

    Asked with a plain LIMIT, the planner guessed each prefix to match 2% of the rows and at
    1,000,000 tickets walked all of them (714 ms for a word no ticket has) rather than the
    index (0.13 ms). Materialized, each part (the public words; the notes of the tickets one
    works on, whose join kept an OR off the indexes) is planned for all its rows, so on its
    index, and still read lazily: a common word stops after `limit` rows of its bitmap.
    """
    compiled = [part.query.sql_with_params() for part in parts]
    ctes = ", ".join(f"m{n} AS MATERIALIZED ({sql})" for n, (sql, _) in enumerate(compiled))
    union = " UNION ".join(f"SELECT * FROM m{n}" for n in range(len(compiled)))  # noqa: S608
    params = [param for _, part_params in compiled for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} {union} LIMIT %s", [*params, limit])
        return [ticket_id for (ticket_id,) in cursor.fetchall()]


def typed_number(text: str) -> int | None:
    """The ticket number a search box holds, if that is all it holds ("123456", "#123456")."""
    digits = text.strip().lstrip("#").strip()
    return int(digits) if digits.isdigit() and len(digits) <= 10 else None


def _is_number(word: str) -> bool:
    return word.isdigit() and len(word) <= 9  # ticket numbers stay well inside an integer


# The memo only saves time: with the cache away (Redis down) it is skipped, logged.
def _remembered(key: str) -> bool:
    try:
        return bool(cache.get(key))
    except Exception:
        logger.warning("search: the cache is unavailable, not remembering common words",
                       exc_info=True)  # fmt: skip
        return False


def _remember(key: str) -> None:
    try:
        cache.set(key, True, COMMON_SECONDS)
    except Exception:
        logger.warning("search: the cache is unavailable, not remembering common words",
                       exc_info=True)  # fmt: skip


def _like_match(text: str, *, notes_of: Q | None) -> Q:
    text = text.strip()
    digits = text.lstrip("#")
    match = Q(title__icontains=text)
    if digits.isdigit():
        match |= Q(number=int(digits))
    messages = TicketEntry.objects.filter(ticket_id=OuterRef("id"), body_text__icontains=text)
    match |= Q(Exists(messages.filter(is_public=True)))
    if notes_of is not None:
        match |= notes_of & Q(Exists(messages.filter(is_public=False)))
    return match
