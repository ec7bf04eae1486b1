from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Department, DepartmentMembership

        from . import lookups
        from .choices import forget
        from .models import Category, Priority, ProgressLabel

        # The select boxes' kept choices (tickets.choices) and the kept configuration tables
        # (tickets.lookups) are of these.
        watched = {
            forget: (Department, Category, Priority, ProgressLabel, get_user_model(),
                     DepartmentMembership),
            lookups.forget: lookups.MODELS,
        }  # fmt: skip
        for receiver, models in watched.items():
            for model in models:
                uid = f"{receiver.__module__}-{model.__name__}"
                post_save.connect(receiver, sender=model, dispatch_uid=uid)
                post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
