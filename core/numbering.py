"""Numbers people read and type (ticket numbers): unique by construction, never guessed.

A series hands out the indexes 0, 1, 2... (a PostgreSQL sequence, so concurrent writers never
wait on each other; a counter row elsewhere) and turns each into a number: the first
9 * 10^(w-1) indexes become the numbers of `first_width` digits, the next ones those of one
digit more, and so on. Within a width the index is scrambled by a keyed permutation (a Feistel
network with cycle walking), so the numbers say nothing about volume and cannot be walked, yet
two indexes never give one number. The key is kept with the series in the database: a new
SECRET_KEY changes nothing.
"""

import hashlib
import hmac
import math
import secrets

from django.db import connection, transaction

from .models import NumberSeries

ROUNDS = 6


def sequence_name(series: str) -> str:
    return f"core_numberseries_{series}"


def create_series(series: str, *, first_width: int, model=NumberSeries, using=None) -> None:
    """Make the series (and its sequence on PostgreSQL); a migration passes its own model."""
    alias = using or connection.alias
    model.objects.using(alias).get_or_create(
        name=series, defaults={"key": secrets.token_hex(32), "first_width": first_width}
    )
    with transaction.get_connection(alias).cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            name = sequence_name(series)
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" MINVALUE 0 START 0')


def issue(series: str, count: int = 1) -> list[int]:
    """`count` new numbers of the series; one query for one number."""
    taken = _take(series, count)
    if taken is None:  # the series' row is gone (a test database emptied): made again
        create_series(series, first_width=6)
        taken = _take(series, count)
    indexes, key, first_width = taken
    return [number_for(index, key=key, first_width=first_width) for index in indexes]


def _take(series: str, count: int):
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(
                "UPDATE core_numberseries SET issued = issued + %s WHERE name = %s "
                "RETURNING issued - %s, key, first_width",
                [count, series, count],
            )
            found = cursor.fetchone()
            return found and (range(found[0], found[0] + count), *found[1:])
        nextval = f"nextval('\"{sequence_name(series)}\"')"
        if count == 1:
            cursor.execute(
                f"SELECT {nextval}, key, first_width FROM core_numberseries WHERE name = %s",  # noqa: S608 - our name
                [series],
            )
            found = cursor.fetchone()
            return found and ([found[0]], *found[1:])
        cursor.execute(f"SELECT {nextval} FROM generate_series(1, %s)", [count])  # noqa: S608
        indexes = [index for (index,) in cursor.fetchall()]
        cursor.execute("SELECT key, first_width FROM core_numberseries WHERE name = %s", [series])
        found = cursor.fetchone()
        return found and (indexes, *found)


def number_for(index: int, *, key: str, first_width: int) -> int:
    width = first_width
    while index >= 9 * 10 ** (width - 1):
        index -= 9 * 10 ** (width - 1)
        width += 1
    return 10 ** (width - 1) + permute(index, 9 * 10 ** (width - 1), key=f"{key}:{width}")


def permute(index: int, size: int, *, key: str) -> int:
    """A bijection of range(size): a Feistel network on a square of side ⌈√size⌉, walked
    again while it lands outside the range (it comes back in: a permutation's cycles do)."""
    side = math.isqrt(size - 1) + 1
    secret = key.encode()
    value = index
    while True:
        left, right = divmod(value, side)
        for round_ in range(ROUNDS):
            digest = hmac.new(secret, f"{round_}:{right}".encode(), hashlib.sha256).digest()
            left, right = right, (left + int.from_bytes(digest[:8], "big")) % side
        value = left * side + right
        if value < size:
            return value
