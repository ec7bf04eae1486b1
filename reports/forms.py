"""The filters every report shares (read from the query string)."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Organization, User
from core.kept import KeptChoiceField
from core.widgets import QuickSelect
from tickets.configuration import agents_of, configuration_field, display_name
from tickets.models import Category, Priority, Product, Ticket

from .filters import Filters
from .periods import DEFAULT_PRESET, MAX_DAYS, PRESETS, Period, preset_period

GRAINS = [("", _("Automatic")), ("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _name(person) -> str:
    return person.full_name


class OrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReportFilterForm(forms.Form):
    """Period, grouping and the ticket filters; departments and agents are the viewer's."""

    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    grain = forms.ChoiceField(label=_("Group by"), choices=GRAINS, required=False)
    compare = forms.BooleanField(label=_("Compare with the previous period"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "---------"), *Ticket.Channel.choices], required=False
    )

    def __init__(self, data=None, *, department_ids=None):
        super().__init__(data)
        wanted = None if department_ids is None else frozenset(department_ids)
        self.fields["department"] = KeptChoiceField(
            Department,
            label=_("Department"),
            required=False,
            widget=QuickSelect,
            label_of=display_name,
            where=None if wanted is None else (lambda row: row.id in wanted),
        )
        offered = {person.id for person in agents_of(wanted)}
        self.fields["agent"] = KeptChoiceField(
            User,
            label=_("Agent"),
            required=False,
            widget=QuickSelect,
            label_of=_name,
            where=lambda person: person.id in offered,
        )
        self.fields["category"] = configuration_field(Category, label=_("Category"))
        self.fields["product"] = configuration_field(Product, label=_("Product"))
        self.fields["priority"] = configuration_field(Priority, label=_("Priority"))
        self.fields["organization"] = OrganizationField(
            Organization.objects.order_by("name"), label=_("Organization"), required=False
        )

        for name, bound in self.fields.items():
            css = "form-check-input" if name == "compare" else "form-select form-select-sm"
            if name in ("start", "end"):
                css = "form-control form-control-sm"
            bound.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the range."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the range."))
        if start and end and end < start:
            self.add_error("end", _("The last day must not come before the first."))
        elif start and end and (end - start) >= timedelta(days=MAX_DAYS):
            self.add_error("end", _("A range is at most %(days)s days long.") % {"days": MAX_DAYS})
        return data

    def report_filters(self) -> Filters:
        """What the selectors take; call after is_valid()."""
        data = self.cleaned_data
        preset = data.get("period") or DEFAULT_PRESET
        period = Period(data["start"], data["end"]) if preset == "custom" else preset_period(preset)
        return Filters(
            period=period,
            grain=data.get("grain") or default_grain(period),
            compare=bool(data.get("compare")),
            department_id=_id(data.get("department")),
            agent_id=_id(data.get("agent")),
            category_id=_id(data.get("category")),
            product_id=_id(data.get("product")),
            priority_id=_id(data.get("priority")),
            organization_id=_id(data.get("organization")),
            channel=data.get("channel") or "",
        )


def _id(row):
    return row.id if row is not None else None


def default_grain(period: Period) -> str:
    if period.days > 120:
        return "month"
    if period.days > 45:
        return "week"
    return "day"
