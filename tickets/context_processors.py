from .models import Notification


def bell(request):
    """The unread count in an agent's navigation (S3 "Hub de notificações"). The session's
    person comes with it counted (`EmailBackend.get_user`); anyone else costs one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_agent:
        return {}
    if hasattr(user, "unread_notifications"):
        return {"unread_notifications": user.unread_notifications}
    unread = Notification.objects.filter(
        recipient=user, read_at__isnull=True, ticket__trashed_at__isnull=True
    ).count()
    return {"unread_notifications": unread}
