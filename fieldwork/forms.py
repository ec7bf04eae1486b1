"""Forms of the field work on a ticket (S1 1.7 to 1.9): service orders, tasks, templated mail."""

from datetime import datetime

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User, normalize_email
from tickets.agent_forms import DATETIME, AgentChoiceField, agents_of
from tickets.forms import DraftFiles, MultipleFileField
from tickets.models import EmailTemplate, ServiceOrder

from .selectors import technicians

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ServiceOrderForm(forms.Form):
    """A service order (S1 1.8): date, start and end; the duration follows from them."""

    technician = AgentChoiceField(label=_("Technician"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Type"), choices=ServiceOrder.Kind)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceOrder.Status)
    date = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Start"), widget=TIME)
    end = forms.TimeField(label=pgettext_lazy("the end of a time span", "End"), widget=TIME)
    description = forms.CharField(
        label=_("Work to be done"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, ask_ticket: bool = False, current_start=None, **kwargs):
        """`current_start`: the start of the order being changed, which may lie in the past."""
        super().__init__(*args, **kwargs)
        self.current_start = current_start
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
            elif (
                data.get("status") == ServiceOrder.Status.SCHEDULED
                and data["starts_at"] < timezone.now()
                and data["starts_at"] != self.current_start
            ):
                self.add_error(
                    "start",
                    _("That time has passed: schedule the visit for later, or record one "
                      "already made with the status “Done”."),
                )  # fmt: skip
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
        self.fields["assignee"].queryset = agents_of([ticket.department_id]).order_by("full_name")


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


class TicketEmailForm(DraftFiles):
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
