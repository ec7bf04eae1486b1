"""The reports' writes: the weekly summary's subscriptions, and its mailing through the
outbox (beat runs `reports.tasks.send_weekly_summaries` every hour; each week goes once);
the long list exports a worker writes to a file."""

import logging
import tempfile
from datetime import date, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import security_log
from accounts.models import User
from core.queue import enqueue_on_commit
from mail.outbox import queue_email

from . import lists
from .filters import Filters
from .models import ExportJob, WeeklySummarySubscription
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


logger = logging.getLogger(__name__)


def record_export(*, actor: User, kind: str, rows: int, request=None) -> None:
    """The security log's line for a list or report exported (who, which, how many rows)."""
    security_log.record(
        security_log.Kind.EXPORT, user=actor, actor=actor, request=request, list=kind, rows=rows
    )


@transaction.atomic
def start_list_export(*, actor: User, kind: str, params: dict, rows: int) -> ExportJob:
    """Queue the list `kind` with the page's query `params` for a worker to write as CSV for
    `actor`, in their language (`rows` is the count seen now, for the progress bar)."""
    if kind not in ExportJob.Kind.values:
        raise ValueError(kind)
    job = ExportJob.objects.create(
        owner=actor, kind=kind, params=params, language=actor.language or settings.LANGUAGE_CODE,
        rows_total=rows,
    )  # fmt: skip
    enqueue_on_commit("reports.tasks.build_list_export", job.id)
    return job


def build_list_export(*, job_id: int) -> ExportJob | None:
    """Write the job's CSV: the list read again through the gate as its owner, now (a person
    who lost the right meanwhile gets nothing); progress saved every chunk of rows. Not one
    transaction: the progress must be seen while it runs. A job already taken is left alone."""
    with transaction.atomic():
        jobs = ExportJob.objects.select_for_update().select_related("owner")
        job = jobs.filter(id=job_id).first()
        if job is None or job.status != ExportJob.Status.QUEUED:
            return job
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    owner = job.owner
    try:
        if not owner.is_active:
            raise PermissionError("the owner is no longer active")
        tickets = lists.list_tickets(owner, job.kind, job.params)
        job.rows_total = tickets.count()
        job.save(update_fields=["rows_total"])

        def progress(done: int) -> None:
            ExportJob.objects.filter(id=job.id).update(rows_done=done)

        with tempfile.TemporaryFile() as out:
            for chunk in lists.csv_lines(tickets, job.kind, language=job.language,
                                         reader_id=owner.id, progress=progress):  # fmt: skip
                out.write(chunk)
            out.seek(0)
            stamp = timezone.localdate().isoformat()
            job.file.save(f"tickets-{stamp}-{job.id}.csv", File(out), save=False)
    except Exception:
        logger.exception("list export %s failed", job.id)
        ExportJob.objects.filter(id=job.id).update(status=ExportJob.Status.FAILED)
        job.status = ExportJob.Status.FAILED
        return job
    with transaction.atomic():
        job.status, job.finished_at = ExportJob.Status.DONE, timezone.now()
        job.rows_done = job.rows_total
        job.save(update_fields=["file", "status", "finished_at", "rows_done"])
        record_export(actor=owner, kind=job.kind, rows=job.rows_total)
    return job


def purge_exports() -> int:
    """Delete the exports older than EXPORT_KEEP_DAYS and their files; return how many went."""
    cutoff = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS)
    gone = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).order_by("id").iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        gone += 1
    return gone
