from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from helpdesk.emails import build_email

from .tokens import email_confirmation_token

LINKS = {
    "confirm_email": ("accounts:confirm_email", email_confirmation_token),
    "password_reset": ("accounts:password_reset_confirm", default_token_generator),
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_account_email(user_id: int, kind: str) -> None:
    """Mail one of the account messages (confirmation, reset, account exists) to a person."""
    from .models import User

    user = User.objects.filter(id=user_id).first()
    if user is None:
        return
    # Tokens are made here, when the mail leaves, so a queued link is never already stale.
    url_name, generator = LINKS.get(kind, ("accounts:password_reset", None))
    kwargs = {}
    if generator is not None:
        kwargs = {
            "uidb64": urlsafe_base64_encode(force_bytes(user.id)),
            "token": generator.make_token(user),
        }
    context = {
        "user": user,
        "link": settings.SITE_URL + reverse(url_name, kwargs=kwargs),
        "login_link": settings.SITE_URL + reverse("accounts:login"),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    build_email(f"accounts/{kind}", context, to=user.email, language=user.language).send()
