from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRIES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("A year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What it is for, such as “CRM sync”.")
    )
    can_write = forms.TypedChoiceField(
        label=_("Access"),
        coerce=lambda value: value == "write",
        choices=[("read", _("Read only")), ("write", _("Read and write"))],
        initial="read",
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(label=_("Expires in"), coerce=int, choices=EXPIRIES, initial=90)


class MacroSeenForm(forms.Form):
    """Applying a macro: the last entry its preview showed (a reply written since refuses
    the macro's reply, as on the page)."""

    seen = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
