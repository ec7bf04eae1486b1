from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from accounts.models import DepartmentMembership

        from .choices import forget
        from .models import Category, Department, Priority, ProgressLabel

        # The select boxes' kept choices (tickets.choices) are of these.
        watched = (Department, Category, Priority, ProgressLabel, get_user_model(),
                   DepartmentMembership)  # fmt: skip
        for model in watched:
            post_save.connect(forget, sender=model, dispatch_uid=f"choices-{model.__name__}")
            post_delete.connect(forget, sender=model, dispatch_uid=f"choices-{model.__name__}-del")
