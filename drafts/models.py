"""Files picked on a form before it is sent, so a form refused for another field loses none."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def draft_path(instance, filename):
    # The stored name is ours; the person's file name is kept in `name` only.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"drafts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DraftFile(models.Model):
    """A file uploaded for one form (`form_key`) by a person, or a visitor's session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session_key = models.CharField(_("session"), max_length=40, blank=True)
    form_key = models.CharField(_("form"), max_length=32)
    file = models.FileField(_("file"), upload_to=draft_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["form_key", "user"], name="draft_form_user")]
        verbose_name = _("draft file")
        verbose_name_plural = _("draft files")

    def __str__(self):
        return self.name
