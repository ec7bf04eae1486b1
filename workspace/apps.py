from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import live


class WorkspaceConfig(AppConfig):
    """The agent's live workspace: queues, bell and who else is on a ticket, over a socket."""

    name = "workspace"
    verbose_name = _("Agent workspace")

    def ready(self):
        # The ticket services tell core.live what changed; pushing it is ours (by name).
        live.listen("ticket", "workspace.services.publish_tickets")
        live.listen("bell", "workspace.services.publish_bell")
