"""System checks of the mail settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_authserv_id(app_configs, **kwargs):
    """Inbound mail without INBOUND_TRUSTED_AUTHSERV_ID verifies no sender by DKIM or DMARC:
    staff can answer by mail only once it is set."""
    receives = bool(settings.IMAP_HOST) or settings.INBOUND_PIPE
    if not receives or settings.INBOUND_TRUSTED_AUTHSERV_ID.strip():
        return []
    return [
        Warning(
            "Inbound mail is configured without INBOUND_TRUSTED_AUTHSERV_ID: no "
            "Authentication-Results header is trusted, so no sender is verified by DKIM or "
            "DMARC and mail from staff addresses is held.",
            hint="Set INBOUND_TRUSTED_AUTHSERV_ID to the authserv-id your receiving mail "
            "server writes at the top of Authentication-Results.",
            id="mail.W001",
        )
    ]
