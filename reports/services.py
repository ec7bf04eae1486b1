"""The reports' writes: the weekly summary's subscriptions, and its mailing through the
outbox (beat runs `reports.tasks.send_weekly_summaries` every hour; each week goes once)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from mail.outbox import queue_email

from .filters import Filters
from .models import WeeklySummarySubscription
from .periods import Period, today
from .permissions import may_see_reports
from .selectors.satisfaction import satisfaction_totals
from .selectors.sla import sla_totals
from .selectors.times import times_totals
from .selectors.volume import volume_totals
from .tables import COUNTED

TEMPLATE = "reports/weekly_summary"


class NotAllowed(Exception):
    pass


@transaction.atomic
def subscribe_weekly_summary(*, actor: User) -> WeeklySummarySubscription:
    """`actor` gets the summary of the week that ended, every Monday; only those who see the
    reports may."""
    if not may_see_reports(actor):
        raise NotAllowed
    subscription, _created = WeeklySummarySubscription.objects.get_or_create(user=actor)
    return subscription


@transaction.atomic
def unsubscribe_weekly_summary(*, actor: User) -> None:
    WeeklySummarySubscription.objects.filter(user=actor).delete()


def last_week(on: date) -> Period:
    """Monday to Sunday of the week before the one `on` falls in."""
    monday = on - timedelta(days=on.weekday())
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))


def weekly_summary(user: User, week: Period) -> list[dict]:
    """The figures of the mail, each with the week before's: volumes, times, SLA and
    satisfaction of the departments `user` sees in the reports."""
    weeks = (Filters(period=week), Filters(period=week.previous()))
    volume = [volume_totals(user, filters) for filters in weeks]
    times = [times_totals(user, filters) for filters in weeks]
    sla = [sla_totals(user, filters) for filters in weeks]
    rating = [satisfaction_totals(user, filters) for filters in weeks]

    def median_hours(found):
        return round(found["median"] / 3600, 2) if found else None

    def row(label, kind, now, before):
        return {"label": label, "kind": kind, "value": now, "previous": before}

    return [
        row(COUNTED["created"], "int", volume[0]["created"], volume[1]["created"]),
        row(COUNTED["resolved"], "int", volume[0]["resolved"], volume[1]["resolved"]),
        row(COUNTED["reopened"], "int", volume[0]["reopened"], volume[1]["reopened"]),
        row(_("First response, median (h)"), "hours",
            median_hours(times[0]["first_response"]), median_hours(times[1]["first_response"])),
        row(_("Resolution, median (h)"), "hours",
            median_hours(times[0]["resolution"]), median_hours(times[1]["resolution"])),
        row(_("First response within SLA"), "percent",
            sla[0]["first_share"], sla[1]["first_share"]),
        row(_("Resolution within SLA"), "percent",
            sla[0]["resolution_share"], sla[1]["resolution_share"]),
        row(_("Average stars"), "stars", rating[0]["average"], rating[1]["average"]),
        row(_("Ratings"), "int", rating[0]["count"], rating[1]["count"]),
    ]  # fmt: skip


def send_weekly_summaries(*, on: date | None = None) -> int:
    """Queue last week's summary for every subscriber not mailed it yet; returns how many."""
    week = last_week(on or today())
    sent = 0
    pending = WeeklySummarySubscription.objects.exclude(last_week_sent=week.first)
    for subscription_id in pending.values_list("id", flat=True).order_by("id"):
        sent += _send_one(subscription_id, week)
    return sent


@transaction.atomic
def _send_one(subscription_id: int, week: Period) -> int:
    # Locked: two beat runs at once must not mail the same week twice.
    subscription = (
        WeeklySummarySubscription.objects.select_for_update()
        .select_related("user")
        .filter(id=subscription_id)
        .first()
    )
    if subscription is None or subscription.last_week_sent == week.first:
        return 0
    user = subscription.user
    subscription.last_week_sent = week.first
    subscription.save(update_fields=["last_week_sent"])
    if not may_see_reports(user):
        return 0  # no longer a manager: nothing to sum up
    queue_email(
        to=user.email,
        template=TEMPLATE,
        context={"person": user, "week": week, "rows": weekly_summary(user, week)},
        language=user.mail_language,
        user=user,
    )
    return 1
