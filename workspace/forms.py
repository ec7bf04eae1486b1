"""The bulk action's form: which tickets, which action, and the action's choices."""

from typing import cast

from django import forms
from django.conf import settings
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.widgets import QuickSelect
from tickets.agent_forms import kept_agent_field
from tickets.configuration import configuration_field
from tickets.models import Priority, ProgressLabel

from . import bulk

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
    unanswered = forms.BooleanField(
        label=_("Finalize also the tickets nobody answered"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", "—"), *bulk.action_choices()]
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
        self.order_fields(["action", "agent", "department", "priority", "label"])

    def clean(self):
        data = super().clean() or {}
        action = data.get("action")
        needed = {"assign": "agent", "transfer": "department", "priority": "priority"}
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
            # The reason of a finalize is text; a message to customers is HTML, escaped here.
            "message": text if action == "finalize" else (linebreaks(escape(text)) if text else ""),
            "unanswered": data.get("unanswered", False),
        }
