"""Where a log-in with no "next" takes a person: the page their work starts on."""

from django.conf import settings
from django.urls import reverse


def landing_url(user) -> str:
    # Agents work in the panel; a master user opens on the organization's tickets (S4 §7,
    # "Central de Chamadas"); everyone else on the welcome page.
    if user.is_agent:
        return reverse("agent:queues")
    if user.is_master and user.organization_id:
        return reverse("tickets:list") + "?scope=organization"
    return reverse(settings.LOGIN_REDIRECT_URL)
