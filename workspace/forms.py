"""The workspace's forms: the search over every ticket the agent may see, canned replies,
macros, bulk actions (which tickets, which action, and the action's choices)."""

from typing import cast

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import QueryDict
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.widgets import QuickSelect
from tickets.agent_forms import kept_agent_field
from tickets.configuration import configuration_field
from tickets.forms import RichTextField
from tickets.models import Category, Priority, Product, ProgressLabel, Severity, Ticket
from tickets.workflow import Status

from . import bulk, permissions
from .models import Macro
from .selectors import DUE_TODAY, FINISHED_GROUP, OPEN_GROUP, OVERDUE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The status filter: a single status, or one of two groups.
STATUS_CHOICES = [
    ("", _("Any status")),
    (OPEN_GROUP, _("Not yet resolved")),
    (FINISHED_GROUP, _("Resolved and closed")),
    *Status.choices,
]


# The search's orders; the latest changed first unless asked otherwise.
SORT_CHOICES = [
    ("-updated", _("Latest update first")),
    ("updated", _("Oldest update first")),
    ("due", _("Due soonest first")),
    ("-number", _("Newest number first")),
    ("number", _("Oldest number first")),
    ("-priority", _("Highest priority first")),
]
CHANNEL_CHOICES = [("", _("Any channel")), *Ticket.Channel.choices]
# What makes a search besides its order (the fields a saved view keeps, with `sort`).
PERIODS = (("created_from", "created_to"), ("updated_from", "updated_to"))


class TicketSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    number = forms.CharField(label=_("Number"), required=False, max_length=12)
    requester = forms.CharField(label=_("Requester"), required=False, max_length=200)
    organization = forms.CharField(label=_("Organization"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=CHANNEL_CHOICES)
    created_from = forms.DateField(label=_("Opened from"), required=False, widget=DATE)
    created_to = forms.DateField(label=_("Opened until"), required=False, widget=DATE)
    updated_from = forms.DateField(label=_("Updated from"), required=False, widget=DATE)
    updated_to = forms.DateField(label=_("Updated until"), required=False, widget=DATE)
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any time")), (OVERDUE, _("Overdue")), (DUE_TODAY, _("Due today"))],
    )
    team = forms.ChoiceField(
        label=_("Team"),
        required=False,
        choices=[("", _("Everything I may see")), ("1", _("The departments I lead"))],
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kept = {
            "department": configuration_field(Department, label=_("Department")),
            "category": configuration_field(Category, label=_("Category")),
            "product": configuration_field(Product, label=_("Product")),
            "priority": configuration_field(Priority, label=_("Priority")),
            "severity": configuration_field(Severity, label=_("Severity")),
            "label": configuration_field(ProgressLabel, label=_("Progress")),
            "agent": kept_agent_field(label=_("Agent"), required=False),
        }
        self.fields.update(kept)
        self.order_fields(["q", "number", "requester", "organization", "department", "status",
                           "category", "product", "priority", "severity", "agent", "label",
                           "channel"])  # fmt: skip
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"

    def clean_number(self):
        number = self.cleaned_data["number"].strip().lstrip("#").strip()
        if number and not number.isdigit():
            raise forms.ValidationError(_("A ticket number has digits only."))
        return int(number) if number else None

    def clean(self):
        data = super().clean() or {}
        for start_name, end_name in PERIODS:
            start, end = data.get(start_name), data.get(end_name)
            if start and end and start > end:
                self.add_error(end_name, _("The end of the period comes before its start."))
        return data

    def has_criteria(self) -> bool:
        return any(
            value not in (None, "", False)
            for name, value in self.cleaned_data.items()
            if name != "sort"
        )

    def query_string(self) -> str:
        """The criteria and order given, as the query string a saved view keeps."""
        params = QueryDict(mutable=True)
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            if value is True:
                value = "on"
            elif hasattr(value, "pk"):
                value = value.pk
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            params[name] = str(value)
        return params.urlencode()


def offer_departments(form, *, sharing_ids, current_id=None) -> forms.ModelChoiceField:
    """Fill `form`'s "shared with" choice: the active departments of `sharing_ids` (None: every
    active one), and the one it is shared with now, whatever became of it."""
    offered = Q(is_active=True)
    if sharing_ids is not None:
        offered &= Q(id__in=sorted(sharing_ids))
    if current_id:
        offered |= Q(id=current_id)
    department = cast(forms.ModelChoiceField, form.fields["department"])
    department.queryset = Department.objects.filter(offered).order_by("name")
    return department


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = RichTextField(
        label=_("Text"),
        help_text=_(
            "Placeholders: {customer_first_name}, {customer_name}, {ticket_number}, "
            "{ticket_title}, {agent_name}."
        ),
    )
    department = forms.ModelChoiceField(
        label=_("Shared with"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Nobody: only me"),
        help_text=_("The agents of a department see and use a reply shared with it."),
    )

    def __init__(self, *args, actor, reply=None, **kwargs):
        if reply is not None:
            kwargs["initial"] = {
                "title": reply.title,
                "body": reply.body_html,
                "department": reply.department_id,
            }
        super().__init__(*args, **kwargs)
        department = offer_departments(
            self, sharing_ids=None if actor.is_administrator else actor.department_ids,
            current_id=reply.department_id if reply is not None else None,
        )  # fmt: skip
        department.widget.attrs["class"] = "form-select"
        if reply is not None and reply.owner_id is None:
            department.empty_label = _("Every department")


SELECT = {"class": "form-select"}


def ticked_numbers(data) -> list[int]:
    """The ticket numbers ticked (`ticket`), in order, each once; anything else is dropped."""
    numbers = []
    for value in data.getlist("ticket")[: settings.BULK_MAX_TICKETS + 1]:
        if value.isdigit() and 0 < int(value) < 2**63:
            numbers.append(int(value))
    return list(dict.fromkeys(numbers))


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), widget=forms.Select(attrs=SELECT))
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Resolve: sent to each customer. Finalize: the reason, seen by agents."),
    )
    target = forms.IntegerField(
        label=_("Merge into ticket number"),
        required=False,
        min_value=100000,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        help_text=_("Merge: the ticket to keep; each chosen ticket is merged into it."),
    )
    unanswered = forms.BooleanField(
        label=_("Finalize also the tickets nobody answered"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", "—"), *bulk.action_choices()]
        usable = permissions.usable_macros(actor) if actor is not None else Macro.objects.none()
        self.fields["macro"] = forms.ModelChoiceField(
            label=_("Macro"), queryset=usable.order_by("name"), required=False,
            widget=forms.Select(attrs=SELECT),
        )  # fmt: skip
        self.fields["agent"] = kept_agent_field(
            label=_("Agent"), required=False, widget=QuickSelect(attrs=SELECT)
        )
        self.fields["department"] = configuration_field(
            Department, label=_("Department"), active_only=True, widget=QuickSelect(attrs=SELECT)
        )
        self.fields["priority"] = configuration_field(
            Priority, label=_("Priority"), active_only=True, widget=QuickSelect(attrs=SELECT)
        )
        self.fields["label"] = configuration_field(
            ProgressLabel, label=_("Progress"), active_only=True,
            empty_label=_("End the current progress"), widget=QuickSelect(attrs=SELECT),
        )  # fmt: skip
        self.order_fields(["action", "agent", "department", "priority", "label", "macro", "target"])

    def clean(self):
        data = super().clean() or {}
        action = data.get("action")
        needed = {"assign": "agent", "transfer": "department", "priority": "priority",
                  "macro": "macro", "merge": "target"}  # fmt: skip
        if action in needed and not data.get(needed[action]):
            self.add_error(needed[action], _("Choose one for this action."))
        agent, department = data.get("agent"), data.get("department")
        elsewhere = bool(agent and department and department.id not in agent.department_ids)
        if action == "transfer" and elsewhere:
            self.add_error("agent", _("This agent does not work in that department."))
        return data

    def params(self) -> dict:
        """The choices as the job keeps them: ids and text."""
        data = self.cleaned_data
        text = data.get("message", "").strip()
        action = data["action"]

        def row_id(name):
            return data[name].id if data.get(name) else None

        return {
            "agent": row_id("agent") if action in ("assign", "transfer") else None,
            "department": row_id("department"),
            "priority": row_id("priority"),
            "label": row_id("label"),
            "macro": row_id("macro"),
            # The reason of a finalize is text; a message to customers is HTML, escaped here.
            "message": text if action == "finalize" else (linebreaks(escape(text)) if text else ""),
            "unanswered": data.get("unanswered", False),
            "target": data.get("target") if action == "merge" else None,
        }


class MacroForm(forms.Form):
    """A macro's name, who shares it, and its actions (at least one)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    body = RichTextField(
        label=_("Reply text"),
        required=False,
        help_text=_(
            "Optional. Placeholders: {customer_first_name}, {customer_name}, {ticket_number}, "
            "{ticket_title}, {agent_name}."
        ),
    )
    then = forms.ChoiceField(
        label=_("Status"), choices=Macro.Then.choices, widget=forms.Select(attrs=SELECT),
        help_text=_("What the reply does to the ticket; Resolve works without text too."),
    )  # fmt: skip
    minutes = forms.IntegerField(
        label=_("Minutes worked"), required=False, min_value=1, max_value=24 * 60,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    department = forms.ModelChoiceField(
        label=_("Shared with"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Nobody: only me"),
        help_text=_("The agents of a department see and apply a macro shared with it."),
    )

    def __init__(self, *args, actor, macro: Macro | None = None, **kwargs):
        if macro is not None:
            kwargs["initial"] = {
                "name": macro.name, "body": macro.body_html, "then": macro.then,
                "minutes": macro.minutes, "department": macro.department_id,
                "progress_label": macro.progress_label_id, "priority": macro.priority_id,
                "assignee": macro.assignee_id, "transfer_to": macro.transfer_to_id,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["progress_label"] = configuration_field(
            ProgressLabel, label=_("Progress label"), active_only=True,
            widget=QuickSelect(attrs=SELECT),
        )  # fmt: skip
        self.fields["priority"] = configuration_field(
            Priority, label=_("Priority"), active_only=True, widget=QuickSelect(attrs=SELECT)
        )
        self.fields["assignee"] = kept_agent_field(
            label=_("Assign to"), required=False, widget=QuickSelect(attrs=SELECT)
        )
        self.fields["transfer_to"] = configuration_field(
            Department, label=_("Transfer to"), active_only=True, widget=QuickSelect(attrs=SELECT)
        )
        department = offer_departments(
            self, sharing_ids=None if actor.is_administrator else actor.managed_department_ids,
            current_id=macro.department_id if macro is not None else None,
        )  # fmt: skip
        department.widget.attrs["class"] = "form-select"
        self.order_fields(["name", "body", "then", "progress_label", "priority", "assignee",
                           "transfer_to", "minutes", "department"])  # fmt: skip

    def clean(self):
        data = super().clean() or {}
        resolves = data.get("then") == Macro.Then.RESOLVE
        if resolves and data.get("progress_label"):
            self.add_error("progress_label", _("A resolved ticket shows no progress label."))
        agent, department = data.get("assignee"), data.get("transfer_to")
        if agent and department and department.id not in agent.department_ids:
            self.add_error("assignee", _("This agent does not work in that department."))
        does = [data.get(name) for name in ("body", "progress_label", "priority", "assignee",
                                            "transfer_to", "minutes")]  # fmt: skip
        if not resolves and not any(does) and not self.errors:
            self.add_error(None, _("Give the macro at least one action."))
        return data

    def values(self) -> dict:
        """The cleaned choices as `save_macro()` takes them."""
        data = self.cleaned_data
        return {
            "name": data["name"], "department": data["department"], "body_html": data["body"],
            "then": data["then"], "progress_label": data["progress_label"],
            "priority": data["priority"], "assignee": data["assignee"],
            "transfer_to": data["transfer_to"], "minutes": data["minutes"],
        }  # fmt: skip


class SavedViewForm(forms.Form):
    """Saves the search being read as a named view; shared with a department by its manager.
    Its fields carry a prefix: the search form above it has a department too."""

    prefix = "view"

    name = forms.CharField(
        label=_("Name of the view"), max_length=80,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip
    department = forms.ModelChoiceField(
        label=_("Shared with"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Nobody: only me"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    query = forms.CharField(max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, sharing_ids, **kwargs):
        """`sharing_ids`: the departments one may share with (None: every active one)."""
        super().__init__(*args, **kwargs)
        offer_departments(self, sharing_ids=sharing_ids)
        self.may_share = sharing_ids is None or bool(sharing_ids)
        if not self.may_share:
            del self.fields["department"]

    def clean_query(self):
        search = TicketSearchForm(QueryDict(self.cleaned_data["query"]))
        if not search.is_valid() or not search.has_criteria():
            raise forms.ValidationError(_("Search with at least one filter before saving."))
        return search.query_string()


class RenameViewForm(forms.Form):
    name = forms.CharField(
        label=_("New name"), max_length=80,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip


class MergeForm(forms.Form):
    """The ticket a ticket is merged into, by its number."""

    target = forms.IntegerField(
        label=_("Ticket to keep (its number)"),
        min_value=100000,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
