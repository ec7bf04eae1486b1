from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ConfigurationItem(models.Model):
    """A named choice administrators maintain, with its name in each language.

    `name` is the English name; `name_pt_br` the Brazilian Portuguese one, used when that
    language is active and falling back to `name` when left blank.
    """

    name = models.CharField(_("name (English)"), max_length=100)
    name_pt_br = models.CharField(_("name (Portuguese)"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").lower().startswith("pt") and self.name_pt_br:
            return self.name_pt_br
        return self.name


class NumberSeries(models.Model):
    """Where a series of numbers people read stands (`core.numbering`)."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    key = models.CharField(_("key"), max_length=64)
    first_width = models.PositiveSmallIntegerField(_("digits of the first numbers"), default=6)
    # Used where the database has no sequences (SQLite).
    issued = models.BigIntegerField(_("numbers issued"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self):
        return self.name
