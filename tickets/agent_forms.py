"""Forms of the agent panel."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Organization, User, normalize_email
from core.kept import KeptChoiceField
from core.widgets import QuickSelect

from .configuration import agents_of as kept_agents_of
from .configuration import configuration_field
from .forms import CategorySelect, MessageFields, RichTextField
from .models import Category, Priority, Product, ProgressLabel, Severity, TicketEntry
from .services import WorkTime
from .workflow import Action

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def agents_of(department_ids):
    return User.objects.filter(
        role__in=User.STAFF_ROLES,
        is_active=True,
        department_memberships__department_id__in=department_ids,
    ).distinct()


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


def _name(person) -> str:
    return person.full_name


def kept_agent_field(*, label, department_ids=None, **kwargs):
    """A choice of agents (of these departments) from the kept tables: no query."""
    kwargs.setdefault("widget", QuickSelect)
    wanted = None if department_ids is None else frozenset(department_ids)
    offered = {person.id for person in kept_agents_of(wanted)}
    return KeptChoiceField(
        User, label=label, where=lambda person: person.id in offered, label_of=_name, **kwargs
    )


class WorkTimeFields(forms.Form):
    """Time worked (S3 §4.9): minutes, or a start and an end. Never shown to customers."""

    minutes = forms.IntegerField(
        label=_("Minutes worked"), required=False, min_value=1, max_value=24 * 60
    )
    work_started_at = forms.DateTimeField(label=_("Work started"), required=False, widget=DATETIME)
    work_ended_at = forms.DateTimeField(label=_("Work ended"), required=False, widget=DATETIME)
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        started, ended = data.get("work_started_at"), data.get("work_ended_at")
        if bool(started) != bool(ended):
            missing = "work_ended_at" if started else "work_started_at"
            self.add_error(missing, _("Give both the start and the end, or minutes."))
        elif started and ended and ended <= started:
            self.add_error("work_ended_at", _("The end must come after the start."))
        elif started and ended and data.get("minutes"):
            self.add_error("minutes", _("Give minutes or a start and an end, not both."))
        return data

    def work(self) -> WorkTime | None:
        data = self.cleaned_data
        return WorkTime.of(
            minutes=data.get("minutes"),
            started_at=data.get("work_started_at"),
            ended_at=data.get("work_ended_at"),
            billable=bool(data.get("billable")),
        )


class SeenFields(forms.Form):
    """The newest entry the author had seen, and whether to send after others wrote since."""

    seen_entry = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    send_anyway = forms.BooleanField(required=False)

    def seen_entry_id(self) -> int | None:
        return None if self.cleaned_data["send_anyway"] else self.cleaned_data["seen_entry"]


class AgentReplyForm(MessageFields, WorkTimeFields, SeenFields):
    then = forms.ChoiceField(
        label=_("Then"),
        choices=[
            (Action.REPLY_AND_WAIT, _("Wait on the customer")),
            (Action.REPLY_AND_KEEP, _("Keep it open")),
            (Action.REPLY_AND_PEND, _("Wait on another team")),
            (Action.RESOLVE, _("Resolve it")),
        ],
        initial=Action.REPLY_AND_WAIT,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    # Sent by the "Take over and send" button, on a ticket another agent claimed.
    taking_over = forms.BooleanField(required=False)
    # "Send and open the next ticket": the queue page's query string, kept by shortcuts.js.
    next = forms.BooleanField(required=False)
    queue = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class NoteForm(MessageFields, WorkTimeFields, SeenFields):
    body = RichTextField(label=_("Internal note"))


class AssignForm(forms.Form):
    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"] = kept_agent_field(
            label=_("Agent"), department_ids=[ticket.department_id],
            widget=QuickSelect(attrs={"class": "form-select"}),
        )  # fmt: skip


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    agent = AgentChoiceField(
        label=_("Agent"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No agent: back to the department's queue"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True).values("id")
        self.fields["agent"].queryset = agents_of(departments).order_by("full_name")

    def clean(self):
        data = super().clean()
        agent, department = data.get("agent"), data.get("department")
        if agent and department and department.id not in agent.department_ids:
            self.add_error("agent", _("This agent does not work in that department."))
        return data


class EditTicketForm(forms.Form):
    """Every field of the opening but its dates (S3 §4.8); the department only for those who
    may transfer, the requester for a customer's ticket."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = RichTextField(label=_("Message"))
    requester = forms.EmailField(label=_("Requester's e-mail"))
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False,
        widget=CategorySelect(attrs={"data-follows": "id_department"}),
    )  # fmt: skip
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=Priority.objects.filter(is_active=True), required=False
    )
    severity = forms.ModelChoiceField(
        label=_("Severity"), queryset=Severity.objects.filter(is_active=True), required=False
    )
    notify_customer = forms.BooleanField(label=_("Notify the customer by e-mail"), required=False)

    def __init__(self, *args, ticket, may_transfer: bool, **kwargs):
        opening = ticket.entries.filter(kind=TicketEntry.Kind.MESSAGE).order_by("created_at")
        first = opening.only("body_html").first()
        kwargs["initial"] = {
            "title": ticket.title, "body": first.body_html if first else "",
            "requester": ticket.requester.email, "department": ticket.department_id,
            "category": ticket.category_id, "product": ticket.product_id,
            "priority": ticket.priority_id, "severity": ticket.severity_id,
            "notify_customer": ticket.notify_customer,
        }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        if first is None:
            del self.fields["body"]
        if ticket.is_internal:
            del self.fields["requester"], self.fields["notify_customer"]
        if not may_transfer:
            del self.fields["department"]
            self.fields["category"].queryset = Category.objects.filter(
                Q(department_id=ticket.department_id) | Q(department__isnull=True), is_active=True
            )

    def clean_requester(self):
        email = normalize_email(self.cleaned_data["requester"])
        customer = User.objects.filter(email=email, is_active=True).first()
        if customer is None:
            raise forms.ValidationError(_("No customer has this e-mail."))
        if customer.is_agent:
            raise forms.ValidationError(_("This address belongs to an agent."))
        return customer

    def clean(self):
        data = super().clean()
        department = data.get("department") or self.ticket.department
        category = data.get("category")
        if category and category.department_id not in (None, department.id):
            self.add_error("category", _("Choose a category of the department you chose."))
        if "body" in data:
            data["body_html"] = data.pop("body")
        return data


class EscalateForm(MessageFields):
    department = forms.ModelChoiceField(
        label=_("To department"), queryset=Department.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Subject"), max_length=200)
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=Priority.objects.filter(is_active=True), required=False
    )
    field_order = ["department", "title", "priority", "body", "attachments", "links"]


class ResolveForm(WorkTimeFields):
    body = RichTextField(label=_("Message to the customer"), required=False)


class FinalizeForm(WorkTimeFields):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the ticket ends here; seen by agents."),
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        if ticket.first_response_at is None:  # nobody answered: finalizing is asked twice
            self.fields["unanswered"] = forms.BooleanField(
                label=_("Nobody answered this ticket: finalize it all the same"),
                error_messages={"required": _("Confirm that it ends without an answer.")},
            )


class ProgressForm(forms.Form):
    label = configuration_field(
        ProgressLabel,
        label=_("Progress"),
        active_only=True,
        empty_label=_("End the current progress"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    body = RichTextField(label=_("Message to the customer"), required=False)


class TicketBasics(MessageFields):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    category = forms.ModelChoiceField(  # its options follow the department, as the portal's
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False,
        widget=CategorySelect(attrs={"data-follows": "id_department"}),
    )  # fmt: skip
    title = forms.CharField(label=_("Subject"), max_length=200)
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=Priority.objects.filter(is_active=True), required=False
    )
    assignee = AgentChoiceField(
        label=_("Agent"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Managers and administrators may choose who works on it."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.is_administrator or actor.is_manager:
            departments = Department.objects.values("id")
            self.fields["assignee"].queryset = agents_of(departments).order_by("full_name")
        else:
            del self.fields["assignee"]

    def clean(self):
        data = super().clean()
        department, category = data.get("department"), data.get("category")
        if department and category and category.department_id not in (None, department.id):
            self.add_error("category", _("Choose a category of the department you chose."))
        agent = data.get("assignee")
        if agent and department and department.id not in agent.department_ids:
            self.add_error("assignee", _("This agent does not work in that department."))
        return data


class CustomerTicketForm(TicketBasics):
    """A ticket on a customer's behalf (S3 §2.1): an existing customer, or one made here."""

    customer_email = forms.EmailField(
        label=_("Customer's e-mail"),
        help_text=_("An unknown address creates the customer with the name below."),
    )
    customer_name = forms.CharField(label=_("Customer's name"), max_length=150, required=False)
    customer_organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.all(), required=False
    )
    notify_customer = forms.BooleanField(
        label=_("Notify the customer by e-mail"), required=False, initial=True
    )
    follow = forms.BooleanField(
        label=_("Send me the customer's replies"), required=False, initial=True
    )
    field_order = [
        "customer_email", "customer_name", "customer_organization", "department", "category",
        "title", "body", "attachments", "links", "priority", "assignee", "notify_customer",
        "follow",
    ]  # fmt: skip

    def clean(self):
        data = super().clean()
        email = normalize_email(data.get("customer_email") or "")
        customer = User.objects.filter(email=email).first() if email else None
        if email and customer is None and not data.get("customer_name"):
            self.add_error("customer_name", _("A new customer needs a name."))
        if customer is not None and customer.is_agent:
            self.add_error("customer_email", _("This address belongs to an agent."))
        data["customer"] = customer
        return data


class InternalTicketForm(TicketBasics):
    """A ticket from one department to another (S3 §2.2)."""

    represent_department = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        mine = Department.objects.filter(id__in=actor.department_ids)
        if len(actor.department_ids) > 1:
            self.fields["represent_department"].queryset = mine
        else:
            del self.fields["represent_department"]


class QueueFilterForm(forms.Form):
    queue = forms.CharField(required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    department = configuration_field(Department, label=_("Department"))
    category = configuration_field(Category, label=_("Category"))
    priority = configuration_field(Priority, label=_("Priority"))
    due = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Due"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("overdue", _("Overdue")),
            ("today", _("Within a day")),
            ("week", _("Within a week")),
        ],
    )
    sort = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"] = kept_agent_field(label=_("Agent"), required=False)
        self.order_fields(["queue", "q", "department", "category", "priority", "agent"])
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
