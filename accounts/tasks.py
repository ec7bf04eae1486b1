from celery import shared_task

from . import security_log


@shared_task
def purge_security_log() -> int:
    return security_log.purge_security_log()
