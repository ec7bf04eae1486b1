"""Forms of the guided attendance (S1): origin, earlier contacts, client, plan, script, first
contact."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User, normalize_email
from tickets.forms import DraftFiles, MultipleFileField
from tickets.models import ServiceOrder

from .models import Attendance, AttendanceScript, AttendanceType, ServicePlan
from .selectors import CONDITIONS, SEARCH_FIELDS
from .services import Outcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OriginForm(forms.Form):
    origin = forms.ChoiceField(
        label=_("Origin of the contact"), choices=Attendance.Origin, widget=forms.RadioSelect
    )


class ContactSearchForm(forms.Form):
    """Earlier contacts of an address (S1 1.1): a period, a date range, a quantity."""

    email = forms.EmailField(
        label=_("Online support e-mail"),
        help_text=_("Type the first letters and pick the address."),
        widget=forms.EmailInput(attrs={"list": "known-addresses", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Contacts"),
        required=False,
        initial="",
        choices=[
            ("", _("All contacts")),
            ("chat", _("Online support (chat)")),
            ("ticket", _("Tickets")),
        ],
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


class TypeSelect(forms.Select):
    """Each attendance type says where it sends the ticket, before the first contact is saved
    (S1 1.7 Obs2)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        kind = getattr(value, "instance", None)
        if kind is not None and (kind.department_id or kind.agent_id):
            option["attrs"]["data-routes-to"] = routes_to(kind)
        return option


def routes_to(kind: AttendanceType) -> str:
    """Where a type sends the ticket, in words."""
    if kind.department and kind.agent:
        return _("%(department)s, to %(agent)s") % {
            "department": kind.department.display_name, "agent": kind.agent.full_name,
        }  # fmt: skip
    if kind.department:
        return _("%(department)s, to its queue") % {"department": kind.department.display_name}
    return str(kind.agent.full_name) if kind.agent else ""


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


class FirstContactForm(DraftFiles):
    attendance_type = forms.ModelChoiceField(
        label=_("Attendance type"),
        queryset=AttendanceType.objects.filter(is_active=True).select_related(
            "department", "agent"
        ),
        widget=TypeSelect(attrs={"data-plan-select": ""}),
        help_text=_(
            "A type that sends the ticket on moves it there when you save: that is the "
            "system's routing, not a transfer of yours."
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

    # S1 1.9: marking the attendance resolved asks "Sim" first.
    resolved_confirmed = forms.BooleanField(
        label=_("Yes, the attendance is resolved"),
        required=False,
        help_text=_("Asked when you choose “Resolved”: the ticket is recorded as resolved."),
    )

    def __init__(self, *args, may_resolve: bool, **kwargs):
        self.may_resolve = may_resolve
        super().__init__(*args, **kwargs)
        for draft in self.draft_files:  # drawn again with the notes typed on them
            draft.note = self._note_of(draft.id)

    def _note_of(self, draft_id) -> str:
        return str(self.data.get(f"attachment_note_{draft_id}", "")).strip()[:500]

    def clean_attachments(self):
        # Each file kept in the draft carries its "Observações" (S1 1.7.1.1 Obs2).
        files = super().clean_attachments()
        for upload in files:
            if getattr(upload, "draft_id", None):
                upload.note = self._note_of(upload.draft_id)
        return files

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

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.RESOLVED and not data.get("resolved_confirmed"):
            self.add_error(
                "resolved_confirmed",
                _("Confirm that the attendance is resolved, or choose another outcome."),
            )
        return data


class ServiceOrderFilterForm(forms.Form):
    """A technician's list of service orders: by status, type and days."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ServiceOrder.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All orders")), *ServiceOrder.Kind.choices]
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not come before the start date."))
        return data
