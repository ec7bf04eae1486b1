from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User


class StartChatForm(forms.Form):
    """Name, e-mail and department: no account needed (S0). A visitor who is logged in chats
    as their account's address, so they are not asked for one."""

    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("Where we can send you this conversation.")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            del self.fields["email"]


class MatchAccountForm(forms.Form):
    """The agent says they checked that an anonymous visitor is the account's owner."""

    matching = forms.BooleanField(widget=forms.HiddenInput, initial=True)
    checked_identity = forms.BooleanField(
        label=_("I checked that the visitor is this person"),
        error_messages={"required": _("Tick this only once you have checked who the visitor is.")},
    )


class RateChatForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    send_transcript = forms.BooleanField(
        label=_("Send this conversation to my e-mail"), required=False
    )


class TransferChatForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=User.objects.filter(role__in=["agent", "administrator"], is_active=True),
        required=False,
        empty_label=_("Anyone of the department"),
    )


class ChatHistoryForm(forms.Form):
    """The filters of earlier contacts (S1): e-mail, last N days, a date range, how many."""

    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    days = forms.IntegerField(label=_("Last days"), required=False, min_value=1, max_value=3650)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    limit = forms.IntegerField(
        label=_("At most"), required=False, min_value=1, max_value=500, initial=50
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
