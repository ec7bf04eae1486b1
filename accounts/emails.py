"""The account mails (confirmation, password reset, "you already have an account")."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mail.outbox import queue_email

from .models import User
from .tokens import email_confirmation_token

LINKS = {
    "confirm_email": ("accounts:confirm_email", email_confirmation_token),
    "password_reset": ("accounts:password_reset_confirm", default_token_generator),
    "account_exists": ("accounts:password_reset_confirm", default_token_generator),
}


def queue_account_email(user, kind: str) -> None:
    """Write the mail in the outbox; its link carries a token made now."""
    url_name, generator = LINKS[kind]
    link = settings.SITE_URL + reverse(
        url_name,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.id)),
            "token": generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": link,
        "login_link": settings.SITE_URL + reverse("accounts:login"),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    queue_email(
        to=user.email, template=f"accounts/{kind}", context=context, language=user.mail_language,
        user=user,
    )  # fmt: skip


def administrator_addresses() -> list[tuple[str, str]]:
    """The active administrators' addresses and languages (MAIL_ALERT_RECIPIENTS)."""
    administrators = User.objects.filter(role=User.Role.ADMINISTRATOR, is_active=True)
    return list(administrators.exclude(email="").values_list("email", "language"))


def queue_notice_email(user, kind: str, **extra) -> None:
    """A mail telling the person something changed on their account (two-factor on or off,
    a new password), so that a change they did not make is noticed."""
    context = {
        **extra,
        "user": user,
        "profile_link": settings.SITE_URL + reverse("accounts:two_factor"),
        "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
    }
    queue_email(
        to=user.email, template=f"accounts/{kind}", context=context, language=user.mail_language,
        user=user,
    )  # fmt: skip
