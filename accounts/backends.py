from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError


class EmailBackend(ModelBackend):
    """Log in with e-mail and password, once the address has been confirmed."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_email_confirmed

    def get_user(self, user_id):
        """The person of the session. An agent's departments are read once a request, when a
        gate first asks (`User.department_ids`): a query of its own costs less than compiling
        them into this one, which every page of every customer pays."""
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = get_user_model()._default_manager.filter(pk=user_id).order_by().first()
        return user if user is not None and self.user_can_authenticate(user) else None
