"""The reports' percentiles from sorted arrays are PostgreSQL's PERCENTILE_CONT."""

import random

import pytest
from django.db import connection

from reports.selectors.common import _sorted_at


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_the_sorted_arrays_give_what_percentile_cont_gives(require_postgres, fraction):
    chosen = random.Random(18)
    samples = [[7], [3, 3], [0, 172_800], *(
        [chosen.randrange(0, 200_000) for _ in range(chosen.randrange(1, 60))]
        for _ in range(200)
    )]  # fmt: skip
    sql = (
        f"SELECT {_sorted_at('a', fraction)}, "  # noqa: S608 - our own fraction
        "(SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY x) FROM unnest(%s::integer[]) x) "
        "FROM (SELECT sort(%s::integer[]) AS a) s"
    )
    with connection.cursor() as cursor:
        for values in samples:
            cursor.execute(sql, [fraction, values, values])
            ours, theirs = cursor.fetchone()
            assert ours == theirs, values
