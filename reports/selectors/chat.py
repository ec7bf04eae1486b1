"""Chat: conversations per day and hour, the wait before an agent accepted, abandoned chats,
their length, ratings and the chats turned into tickets."""

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from accounts.models import User
from chat.models import ChatSession
from chat.permissions import chats_for

from ..filters import Filters
from ..permissions import report_department_ids
from .common import Seconds, duration_stats, fold, in_period, local_day, share


def report_chats(user: User, filters: Filters):
    """The gate's chats, of the manager's departments, narrowed by department and agent (the
    ticket filters do not apply to a conversation)."""
    chats = chats_for(user)
    departments = report_department_ids(user)
    if departments is not None:
        chats = chats.filter(department_id__in=sorted(departments))
    if filters.department_id is not None:
        chats = chats.filter(department_id=filters.department_id)
    if filters.agent_id is not None:
        chats = chats.filter(agent_id=filters.agent_id)
    return chats.filter(**in_period("created_at", filters)).order_by()


def _totals(chats) -> dict:
    totals = chats.aggregate(
        count=Count("id"),
        accepted=Count("id", filter=Q(accepted_at__isnull=False)),
        abandoned=Count("id", filter=Q(accepted_at__isnull=True, status=ChatSession.Status.ENDED)),
        ticketed=Count("id", filter=Q(ticket__isnull=False)),
        ratings=Count("rating"),
        rating_average=Avg("rating"),
    )
    totals["abandoned_share"] = share(totals["abandoned"], totals["count"])
    return totals


def chat_totals(user: User, filters: Filters) -> dict:
    return _totals(report_chats(user, filters))


def chat_report(user: User, filters: Filters) -> dict:
    """Chats started in the period. Five queries (six compared)."""
    chats = report_chats(user, filters)
    per_day = dict(
        chats.annotate(day=local_day("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    per_hour = dict(
        chats.annotate(hour=ExtractHour("created_at", tzinfo=timezone.get_current_timezone()))
        .values("hour")
        .annotate(n=Count("id"))
        .values_list("hour", "n")
    )
    wait = duration_stats(chats, Seconds(F("accepted_at"), F("created_at")), None).get(None)
    length = duration_stats(
        chats.filter(status=ChatSession.Status.ENDED),
        Seconds(F("ended_at"), F("accepted_at")),
        None,
    ).get(None)
    return {
        "totals": _totals(chats),
        "wait": wait,
        "length": length,
        "days": [{"start": start, "count": n} for start, n in fold(per_day, filters).items()],
        "hours": [{"hour": hour, "count": per_hour.get(hour, 0)} for hour in range(24)],
        "previous": chat_totals(user, filters.previous()) if filters.compare else None,
    }
