"""Times: first response and resolution, median and 90th percentile, in SLA terms."""

from django.db.models import F, Q

from accounts.models import User

from .. import rollup
from ..filters import Filters
from .common import (
    FINISHED,
    KEPT_GROUPS,
    duration_stats,
    duration_stats_by,
    first_response_seconds,
    in_period,
    names,
    organization_names,
    resolution_seconds,
    rollup_in_use,
    scoped_facts,
    scoped_tickets,
    with_finished_at,
)

GROUPS = ("department_id", "assignee_id", "category_id", "priority_id", "organization_id")


def _measured(user: User, filters: Filters):
    """The tickets first answered in the period, those finished in it, and the expressions of
    their seconds: the rollup's columns, or computed from the tickets."""
    if rollup_in_use():
        tickets = scoped_facts(user, filters)
        seconds = F("first_response_seconds"), F("resolution_seconds")
    else:
        tickets = with_finished_at(scoped_tickets(user, filters))
        seconds = first_response_seconds(), resolution_seconds()
    answered = tickets.filter(**in_period("first_response_at", filters))
    finished = tickets.filter(Q(status__in=FINISHED), **in_period("finished_at", filters))
    return answered, finished, seconds


@rollup.fresh
def times_totals(user: User, filters: Filters) -> dict:
    answered, finished, (first, resolution) = _measured(user, filters)
    return {
        "first_response": duration_stats(answered, first, None).get(None),
        "resolution": duration_stats(finished, resolution, None).get(None),
    }


@rollup.fresh
def times_report(user: User, filters: Filters) -> dict:
    """Seconds to the first response (tickets first answered in the period) and to resolution
    (tickets resolved or closed in the period and not reopened since), without the time the
    SLA clock stood still: overall and by department, agent, category, priority and
    organization. Two queries, each grouped every way at once (four compared)."""
    answered, finished, (to_first, to_resolution) = _measured(user, filters)
    first = duration_stats_by(answered, to_first, GROUPS)
    resolution = duration_stats_by(finished, to_resolution, GROUPS)
    return {
        "totals": {"first_response": first.get(None), "resolution": resolution.get(None)},
        "groups": {group: _rows(group, first[group], resolution[group]) for group in GROUPS},
        "previous": times_totals(user, filters.previous()) if filters.compare else None,
    }


def _rows(group, first, resolution) -> list[dict]:
    keys = sorted(set(first) | set(resolution), key=lambda key: (key is None, key))
    labels = names(KEPT_GROUPS[group], keys) if group in KEPT_GROUPS else organization_names(keys)
    return [
        {
            "key": key,
            "name": labels.get(key, ""),
            "first_response": first.get(key),
            "resolution": resolution.get(key),
        }
        for key in keys
    ]
