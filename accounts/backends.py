from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


class EmailBackend(ModelBackend):
    """Log in with e-mail and password, once the address has been confirmed."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_email_confirmed

    def get_user(self, user_id):
        """The person of the session, with their unread notifications counted in the same
        query: every page of the agent panel shows the bell."""
        from tickets.models import Notification

        unread = (
            Notification.objects.filter(
                recipient=OuterRef("pk"), read_at__isnull=True, ticket__trashed_at__isnull=True
            )
            .values("recipient")
            .annotate(count=Count("id"))
            .values("count")
        )
        user = (
            get_user_model()
            ._default_manager.annotate(
                unread_notifications=Coalesce(
                    Subquery(unread, output_field=IntegerField()), Value(0)
                )
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
