from celery import shared_task

from . import services


@shared_task
def purge_drafts():
    return services.purge_old_drafts()
