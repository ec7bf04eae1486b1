"""The API's Celery tasks: webhook deliveries, by endpoint id (api.webhooks does the work)."""

from celery import shared_task

from . import webhooks


@shared_task
def deliver_webhooks(endpoint_id: int) -> int:
    """Send an endpoint's due deliveries in order. A failure is recorded on its row with the
    next attempt, which beat's sweep makes (the row, not the broker, keeps the time)."""
    return webhooks.deliver_endpoint(endpoint_id)


@shared_task
def deliver_due_webhooks() -> int:
    return webhooks.deliver_due()
