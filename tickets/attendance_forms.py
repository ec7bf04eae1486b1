"""Forms of the guided attendance (S1), its service orders, tasks and templated e-mail."""

from datetime import datetime

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User, normalize_email

from .agent_forms import DATETIME, AgentChoiceField, _agents_of
from .attendance_selectors import CONDITIONS, SEARCH_FIELDS, technicians
from .forms import MultipleFileField
from .models import (
    Attendance,
    AttendanceScript,
    AttendanceType,
    EmailTemplate,
    ServiceOrder,
    ServicePlan,
)
from .services.attendance import Outcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OriginForm(forms.Form):
    origin = forms.ChoiceField(
        label=_("Origin of the contact"), choices=Attendance.Origin, widget=forms.RadioSelect
    )


class ContactSearchForm(forms.Form):
    """Earlier contacts of an address (S1 1.1): a period, a date range, a quantity."""

    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("Type the first letters and pick the address."),
        widget=forms.EmailInput(attrs={"list": "known-addresses", "autocomplete": "off"}),
    )
    days = forms.IntegerField(
        label=_("Last days"), required=False, min_value=1, max_value=3650,
        help_text=_("Only contacts of the last days."),
    )  # fmt: skip
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    limit = forms.IntegerField(
        label=_("Quantity"), required=False, min_value=1, max_value=100, initial=20
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not come before the start date."))
        return data


class ClientSearchForm(forms.Form):
    """ "Localizar Cliente" (S1 1.3.1): a field, a condition, some text, how many."""

    field_name = forms.ChoiceField(
        label=_("Field"),
        choices=[
            ("name", _("Name")),
            ("email", _("E-mail")),
            ("organization", _("Organization")),
            ("phone", _("Phone")),
        ],
    )
    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=[
            ("contains", _("contains")),
            ("starts_with", _("starts with")),
            ("equals", _("equals")),
        ],
    )
    text = forms.CharField(label=_("Search for"), max_length=200)
    limit = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100, initial=20)

    def clean(self):
        data = super().clean()
        if data.get("field_name") not in SEARCH_FIELDS or data.get("condition") not in CONDITIONS:
            raise forms.ValidationError(_("Choose a field and a condition."))
        return data


class NewContactForm(forms.Form):
    """ "Novo Contato" (S1 1.4.1.1): a customer added during the call."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone / WhatsApp"), max_length=32, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.order_by("name"), required=False
    )

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("Somebody has this address already: find them with the search above.")
            )
        return email


class PlanSelect(forms.Select):
    """Each plan carries its routing department, shown as soon as it is chosen (S1 1.5)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        plan = getattr(value, "instance", None)
        if plan is not None:
            option["attrs"]["data-routes-to"] = plan.department.display_name
        return option


class DetailsForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=ServicePlan.objects.filter(is_active=True).select_related("department"),
        widget=PlanSelect(attrs={"data-plan-select": ""}),
    )
    title = forms.CharField(
        label=_("Subject"), max_length=200, required=False,
        help_text=_("Empty: the first words of the problem."),
    )  # fmt: skip
    problem = forms.CharField(
        label=_("Problem described by the client"), widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean_problem(self):
        problem = self.cleaned_data["problem"].strip()
        if not problem:
            raise forms.ValidationError(_("Write down the problem in the client's words."))
        return problem


class ScriptChoiceForm(forms.Form):
    script = forms.ModelChoiceField(
        label=_("Attendance script"), queryset=AttendanceScript.objects.filter(is_active=True)
    )


class AnswerForm(forms.Form):
    option = forms.ModelChoiceField(
        label=_("The client's answer"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = question.options.all()


class FirstContactForm(forms.Form):
    attendance_type = forms.ModelChoiceField(
        label=_("Attendance type"),
        queryset=AttendanceType.objects.filter(is_active=True).select_related(
            "department", "agent"
        ),
    )
    description = forms.CharField(
        label=_("What was checked and done"), widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    outcome = forms.ChoiceField(
        label=_("Then"),
        widget=forms.RadioSelect,
        initial=Outcome.OPEN,
        choices=[
            (Outcome.OPEN, _("Keep the ticket open")),
            (Outcome.RESOLVED, _("Resolved: record the ticket as resolved")),
            (Outcome.SERVICE_ORDER, _("Ask for a service order")),
            (Outcome.TASK, _("Create a task")),
            (Outcome.EMAIL, _("Send an e-mail")),
        ],
    )

    def __init__(self, *args, may_transfer: bool, may_resolve: bool, **kwargs):
        self.may_transfer = may_transfer
        self.may_resolve = may_resolve
        super().__init__(*args, **kwargs)

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if outcome == Outcome.RESOLVED and not self.may_resolve:
            raise forms.ValidationError(
                _(
                    "The plan sent this ticket to a department you do not work in: its agents "
                    "resolve it."
                )
            )
        return outcome

    def clean_attendance_type(self):
        kind = self.cleaned_data["attendance_type"]
        if (kind.department_id or kind.agent_id) and not self.may_transfer:
            raise forms.ValidationError(
                _("This type sends the ticket on, and you may not transfer tickets.")
            )
        return kind


class ServiceOrderForm(forms.Form):
    """A service order (S1 1.8): date, start and end; the duration follows from them."""

    technician = AgentChoiceField(label=_("Technician"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Type"), choices=ServiceOrder.Kind)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceOrder.Status)
    date = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Start"), widget=TIME)
    end = forms.TimeField(label=_("End"), widget=TIME)
    description = forms.CharField(
        label=_("Work to be done"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, ask_ticket: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians()
        if ask_ticket:
            self.fields["ticket_number"] = forms.IntegerField(label=_("Ticket number"))
            self.order_fields(["ticket_number"])

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start") and data.get("end"):
            tz = timezone.get_current_timezone()
            data["starts_at"] = datetime.combine(data["date"], data["start"], tzinfo=tz)
            data["ends_at"] = datetime.combine(data["date"], data["end"], tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("The end must come after the start."))
        return data

    def schedule(self) -> dict:
        """What the services take, from what was typed."""
        keys = ("technician", "kind", "status", "starts_at", "ends_at", "description")
        return {key: self.cleaned_data[key] for key in keys}

    def overlaps(self, order) -> None:
        """The service refused: say which order is in the way, next to the start."""
        self.add_error(
            "start",
            _("%(technician)s has %(number)s from %(start)s to %(end)s on that day.")
            % {
                "technician": order.technician.full_name,
                "number": order.ticket.reference,
                "start": timezone.localtime(order.starts_at).strftime("%H:%M"),
                "end": timezone.localtime(order.ends_at).strftime("%H:%M"),
            },
        )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = AgentChoiceField(label=_("Assignee"), queryset=User.objects.none())
    due_at = forms.DateTimeField(label=_("Due"), widget=DATETIME)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _agents_of([ticket.department_id]).order_by("full_name")


class AddressesField(forms.CharField):
    """Addresses separated by commas, semicolons or lines."""

    def clean(self, value):
        value = super().clean(value)
        addresses = [normalize_email(part) for part in value.replace(";", ",").split(",")]
        addresses = [address for part in addresses for address in part.split() if address]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(address)s is not an e-mail address.") % {"address": address}
                ) from None
        return list(dict.fromkeys(addresses))


class TicketEmailForm(forms.Form):
    """ "Enviar E-mail" (S1 1.9.1): recipients among the client's contacts, copies, a template."""

    recipients = forms.MultipleChoiceField(
        label=_("Send to"), widget=forms.CheckboxSelectMultiple, required=True
    )
    cc = AddressesField(
        label=_("Copies"), required=False, help_text=_("Addresses separated by commas.")
    )
    template = forms.ModelChoiceField(
        label=_("E-mail template"),
        queryset=EmailTemplate.objects.filter(is_active=True),
        required=False,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [
            (person.email, f"{person.full_name} <{person.email}>") for person in contacts
        ]
