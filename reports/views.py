"""The reports area (managers: their departments; administrators: all) and its exports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required

from . import lists
from .exports import to_csv, to_xlsx
from .forms import ReportFilterForm
from .models import ExportJob, WeeklySummarySubscription
from .pages import REPORTS, chart_data
from .permissions import check_reports, report_department_ids
from .services import (
    record_export,
    start_list_export,
    subscribe_weekly_summary,
    unsubscribe_weekly_summary,
)

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report(request, slug):
    """The report, its filters form and, if the filters are valid, its tables."""
    check_reports(request.user)
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    form = ReportFilterForm(request.GET, department_ids=report_department_ids(request.user))
    if not form.is_valid():
        return report, form, None, None
    filters = form.report_filters()
    return report, form, filters, report.build(report.select(request.user, filters), filters)


@login_required
def index(request):
    check_reports(request.user)
    subscribed = WeeklySummarySubscription.objects.filter(user=request.user).exists()
    return render(
        request, "reports/index.html", {"reports": REPORTS.values(), "subscribed": subscribed}
    )


@login_required
@require_POST
def weekly_summary(request):
    check_reports(request.user)
    if request.POST.get("subscribe") == "yes":
        subscribe_weekly_summary(actor=request.user)
        messages.success(request, _("Every Monday you will get the summary of the week."))
    else:
        unsubscribe_weekly_summary(actor=request.user)
        messages.success(request, _("You will no longer get the weekly summary."))
    return redirect("reports:index")


@login_required
def report_page(request, slug):
    report, form, filters, built = _report(request, slug)
    query = urlencode(filters.query()) if filters else ""
    charts = [(table, chart_data(table)) for table in built.tables if table.chart] if built else []
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "reports": REPORTS.values(),
            "form": form,
            "filters": filters,
            "built": built,
            "charts": {table.key: data for table, data in charts},
            "query": query,
        },
        status=200 if built else 400,
    )


@login_required
def export(request, slug, kind):
    if kind not in TYPES:
        raise Http404
    report, _form, _filters, built = _report(request, slug)
    if built is None:
        return report_page(request, slug)
    title = str(report.title)
    content = to_csv(title, built) if kind == "csv" else to_xlsx(title, built)
    response = HttpResponse(content, content_type=TYPES[kind])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{slug}-{stamp}.{kind}"'
    return response


@agent_required
def agent_list_export(request):
    return _list_export(request, lists.AGENT)


@login_required
def portal_list_export(request):
    return _list_export(request, lists.PORTAL)


def _list_export(request, kind):
    """The list the page showed, as CSV: written here when short, else by a worker."""
    params = lists.known_params(kind, request.GET)
    tickets = lists.list_tickets(request.user, kind, params)
    count = tickets.count()
    if count > settings.EXPORT_INLINE_ROWS:
        job = start_list_export(actor=request.user, kind=kind, params=params, rows=count)
        return redirect("exports:job", job.id)
    record_export(actor=request.user, kind=kind, rows=count, request=request)
    lines = lists.csv_lines(
        tickets, kind, language=request.LANGUAGE_CODE, reader_id=request.user.id
    )
    response = StreamingHttpResponse(lines, content_type=TYPES["csv"])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
    return response


def _job(request, job_id):
    # Only its owner sees an export, whoever else asks gets the same 404 as for no export.
    return get_object_or_404(ExportJob, id=job_id, owner=request.user)


@login_required
def export_job(request, job_id):
    return render(request, "reports/export_job.html", {"job": _job(request, job_id)})


@login_required
def export_job_status(request, job_id):
    job = _job(request, job_id)
    finished = job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED)
    # HTTP 286 tells htmx to stop asking.
    return render(
        request, "reports/_export_status.html", {"job": job}, status=286 if finished else 200
    )


@login_required
def export_job_file(request, job_id):
    job = _job(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1],
        content_type=TYPES["csv"],
    )  # fmt: skip
