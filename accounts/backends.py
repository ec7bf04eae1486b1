from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with e-mail and password, once the address has been confirmed."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_email_confirmed
