"""The workspace's Celery tasks: they call the services."""

from celery import shared_task

from . import bulk


@shared_task
def run_bulk_job(job_id: int) -> None:
    bulk.run_bulk_job(job_id=job_id)
