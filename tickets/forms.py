from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.phones import clean_phone
from core import kept
from core.formfields import LinksField, RichTextField
from core.kept import KeptChoiceField
from core.widgets import QuickSelect
from drafts import services as drafts

from .configuration import configuration_field, default_priority
from .files import MAX_FILES, check_uploads
from .models import Category, Priority, Product, Severity, TicketEntry


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; checked together (size, type, count) on the server."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        return check_uploads(files)


def _active(model, **kwargs):
    # A choice of the model's active rows, drawn and checked from the kept table (core.kept):
    # opening a ticket asks the database nothing for its select boxes, cold or warm.
    return KeptChoiceField(model, where=lambda row: row.is_active, **kwargs)


def _files_help():
    # Formatted when shown: `%` on a lazy string would fix it in the language active at import.
    return gettext("Up to %(count)d files, 25 MB in all.") % {"count": MAX_FILES}


class DraftFiles(forms.Form):
    """A form whose `attachments` are kept in a draft as they are chosen (drafts.views,
    static/js/drafts.js), so a form refused for another field loses none of its files. Draw
    the field with "tickets/_draft_files.html"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The files already picked for this form (drafts.views), kept while it is corrected.
        self.draft_field_name = self.add_prefix("draft")
        self.draft_key = drafts.form_key(self.data.get(self.draft_field_name))
        # A key made just now (none was sent) holds no files: no query for them.
        sent = self.is_bound and self.data.get(self.draft_field_name) == self.draft_key
        owner = drafts.current_owner() if sent else None
        self.draft_files = drafts.draft_files(owner=owner, key=self.draft_key) if sent else []

    def clean_attachments(self):
        uploads = self.cleaned_data["attachments"]
        drafted = drafts.as_uploads(self.draft_files)
        return check_uploads([*drafted, *uploads]) if drafted else uploads

    def full_clean(self):
        super().full_clean()
        # Sent without the page's script, files come with the form: refused on another field,
        # they are kept in its draft, as the script would have, so the correction keeps them.
        if self._errors and "attachments" not in self._errors:
            posted = self.files.getlist(self.add_prefix("attachments")) if self.files else []
            owner = drafts.current_owner(starting_session=True) if posted else None
            if owner is not None:
                self.draft_files += drafts.add_draft_files(
                    owner=owner, key=self.draft_key, uploads=posted, check=check_uploads
                )


class MessageFields(DraftFiles):
    """The message, files and links every ticket form and reply carries."""

    body = RichTextField(label=_("Message"))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=lazy(_files_help, str)(),
    )
    links = LinksField(label=_("Links"), required=False, help_text=_("One link a line."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Images pasted in the editor are this form's draft files, shown from their address.
        pasted = {reverse("draft_image", args=[draft.id]) for draft in self.draft_files}
        if "body" in self.fields:
            self.fields["body"].image_source = lambda src: src if src in pasted else None


class TicketForm(MessageFields):
    """A new ticket (S0, S2, S4); the category list follows the department in the browser."""

    title = forms.CharField(label=_("Title"), max_length=200)
    department = _active(Department, label=_("Department"))
    category = _active(Category, label=_("Category"))
    product = _active(Product, label=_("Product"), required=False)
    priority = _active(Priority, label=_("Priority"), required=False)
    severity = _active(
        Severity, label=_("Severity"), required=False, help_text=_("How much it stops your work.")
    )

    field_order = [
        "title", "department", "category", "product", "priority", "severity", "body",
        "attachments", "links",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            default = default_priority()
            if default:
                self.initial.setdefault("priority", default.id)
        # Each option says its department, so the browser can show only the matching ones.
        self.fields["category"].widget = CategorySelect(
            choices=self.fields["category"].choices, attrs={"data-follows": "id_department"}
        )
        # Read only if the form is drawn: a valid submission never needs it.
        offered = self.fields["category"].offered
        self.fields["attachments"].widget.attrs["data-required-by-categories"] = lazy(
            lambda: ",".join(str(c.id) for c in offered() if c.requires_attachment), str
        )()

    def clean(self):
        data = super().clean()
        department, category = data.get("department"), data.get("category")
        if department and category and category.department_id not in (None, department.id):
            self.add_error("category", _("Choose a category of the department you chose."))
        if category and category.requires_attachment and not data.get("attachments"):
            self.add_error(
                "attachments",
                _("%(category)s tickets need an attachment, such as a screenshot of the error.")
                % {"category": category},
            )
        return data


class CategorySelect(forms.Select):
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        # A model choice's value carries its row; a kept choice's is the id of a kept row.
        category = getattr(value, "instance", None)
        if category is None and isinstance(value, int):
            category = kept.table(Category).get(value)
        if category is not None:
            option["attrs"]["data-department"] = category.department_id or ""
            if category.requires_attachment:
                option["attrs"]["data-requires-attachment"] = "true"
        return option


class GuestTicketForm(TicketForm):
    """The same, for a visitor with no account (S4): who they are comes first."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail"), max_length=254)
    phone = forms.CharField(label=_("WhatsApp"), max_length=32, required=False)
    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = ["full_name", "email", "phone", "website", *TicketForm.field_order]

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""


# The customer's ticket page draws several of these at once (a resolved ticket: the rating,
# "not solved" and the reply, two of them with an editor): each has a prefix of its own, so
# their fields' ids never collide and one editor never writes into another form.


class ReplyForm(MessageFields):
    prefix = "reply"
    quoted = forms.ModelChoiceField(
        label=_("Quoting"),
        queryset=TicketEntry.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quoted"].queryset = ticket.entries.filter(
            is_public=True, kind__in=[TicketEntry.Kind.MESSAGE, TicketEntry.Kind.REPLY]
        )


class PriorityForm(forms.Form):
    prefix = "priority"
    priority = forms.ModelChoiceField(
        label=_("Priority"),
        queryset=Priority.objects.filter(is_active=True),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class RatingForm(forms.Form):
    prefix = "rating"
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect(attrs={"class": "star-input"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NotSolvedForm(forms.Form):
    prefix = "not_solved"
    body = RichTextField(label=_("What is still wrong?"), required=False)


class StatusCheckForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    number = forms.CharField(label=_("Ticket number"), max_length=12)

    def clean_number(self):
        digits = self.cleaned_data["number"].strip().lstrip("#").strip()
        if not digits.isdigit():
            raise ValidationError(_("Enter the ticket's number, such as 123456."), code="invalid")
        return int(digits)


class TicketFilterForm(forms.Form):
    """The list's filters (S2, S4); every field optional, bad values ignored."""

    SORTS = {
        "-updated": "-updated_at",
        "updated": "updated_at",
        "-created": "-created_at",
        "created": "created_at",
        "number": "number",
        "-number": "-number",
        "title": "title",
        "status": "status",
    }

    scope = forms.ChoiceField(
        choices=[("mine", _("My tickets")), ("organization", _("Organization tickets"))],
        required=False,
    )
    state = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Show"),
        choices=[
            ("open", pgettext_lazy("tickets filter", "Open")),
            ("closed", pgettext_lazy("tickets filter", "Closed")),
            ("all", pgettext_lazy("tickets filter", "All")),
        ],
        required=False,
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    department = configuration_field(Department, label=_("Department"))
    category = configuration_field(Category, label=_("Category"))
    person = forms.ModelChoiceField(
        label=_("Opened by"), queryset=User.objects.none(), required=False, widget=QuickSelect
    )
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTS], required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
        if user.is_master and user.organization_id:
            self.fields["person"].queryset = User.objects.filter(
                organization_id=user.organization_id
            ).order_by("full_name")
        else:
            del self.fields["person"]
            self.fields["scope"].choices = self.fields["scope"].choices[:1]
