"""The reports' Celery tasks: they call the services."""

from celery import shared_task

from . import services


@shared_task
def send_weekly_summaries() -> int:
    return services.send_weekly_summaries()
