from .models import Notification


def bell(request):
    """The unread count in an agent's navigation (S3 "Hub de notificações"): one query on the
    index of unread notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_agent:
        return {}
    unread = Notification.objects.filter(
        recipient=user, read_at__isnull=True, ticket__trashed_at__isnull=True
    ).count()
    return {"unread_notifications": unread}
