"""The reports' Celery tasks: they call the services."""

from celery import shared_task

from . import rollup, services


@shared_task
def send_weekly_summaries() -> int:
    return services.send_weekly_summaries()


@shared_task
def build_list_export(job_id: int) -> None:
    services.build_list_export(job_id=job_id)


@shared_task
def purge_exports() -> int:
    return services.purge_exports()


@shared_task
def refresh_report_rollup() -> int:
    """The rollup rows of the tickets changed since the last refresh made again."""
    return rollup.refresh()
