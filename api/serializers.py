"""What the API answers with, and the request bodies its description shows. The bodies are
validated by the pages' own forms (views.py), so the API gives the errors the pages give."""

from django.urls import reverse
from rest_framework import serializers

from accounts.models import User
from chat.models import ChatMessage, ChatSession
from tickets.models import Attachment, ServiceOrder, Ticket, TicketEntry
from workspace.models import Macro

from .models import ApiToken

# The choices the description names (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
CHAT_STATUSES = ChatSession.Status.choices
SERVICE_ORDER_STATUSES = ServiceOrder.Status.choices


class Person(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class Named(serializers.Serializer):
    """A configuration item, named in the request's language."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class Category(Named):
    department = serializers.IntegerField(source="department_id", allow_null=True)
    requires_attachment = serializers.BooleanField()


class Priority(Named):
    is_default = serializers.BooleanField()
    first_response_hours = serializers.IntegerField(allow_null=True)
    resolution_hours = serializers.IntegerField(allow_null=True)


class CannedReply(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body_html = serializers.CharField()
    department = serializers.IntegerField(source="department_id", allow_null=True)
    is_mine = serializers.SerializerMethodField()

    def get_is_mine(self, reply) -> bool:
        return reply.owner_id is not None


class TicketRow(serializers.Serializer):
    """A ticket in a list: the columns the lists show."""

    number = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Ticket._meta.get_field("status").choices)
    status_label = serializers.CharField(source="get_status_display")
    department = Named()
    requester = Person()
    organization = serializers.CharField(source="organization.name", allow_null=True,
                                         default=None)  # fmt: skip
    assignee = Person(allow_null=True)
    updated_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, ticket) -> str:
        return reverse("api:ticket", kwargs={"number": ticket.number})


class Rating(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField()


class TicketDetail(TicketRow):
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices)
    category = Named(allow_null=True)
    product = Named(allow_null=True)
    priority = Named(allow_null=True)
    severity = Named(allow_null=True)
    progress_label = Named(allow_null=True)
    customer_spoke_last = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.SerializerMethodField()

    def get_rating(self, ticket) -> Rating(allow_null=True):  # type: ignore[valid-type]
        rating = getattr(ticket, "rating", None)
        return Rating(rating).data if rating is not None else None


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: Attachment) -> str:
        number = self.context["ticket"].number
        return reverse("api:attachment", kwargs={"number": number, "attachment_id": attachment.id})


class Author(Person):
    is_staff = serializers.BooleanField()


class Entry(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TicketEntry.Kind.choices)
    is_public = serializers.BooleanField()
    author = Author(allow_null=True)
    body_html = serializers.CharField()
    body_text = serializers.CharField()
    data = serializers.DictField()
    quoted = serializers.IntegerField(source="quoted_id", allow_null=True)
    created_at = serializers.DateTimeField()
    attachments = AttachmentOut(source="files", many=True)
    links = serializers.SerializerMethodField()

    def get_links(self, entry) -> list[str]:
        return [link.url for link in entry.web_links]


class TicketPage(serializers.Serializer):
    results = TicketRow(many=True)
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


class Done(serializers.Serializer):
    """What an action on a ticket answers: the ticket as it is now."""

    ticket = TicketDetail()


class OrganizationOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email_domain = serializers.CharField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, organization) -> str:
        return reverse("api:organization", kwargs={"organization_id": organization.id})


class OrganizationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    role = serializers.ChoiceField(choices=User.Role.choices)
    organization = OrganizationRef(allow_null=True)
    is_master = serializers.BooleanField()
    language = serializers.CharField(help_text="pt-br, en, or empty (the site's language).")
    is_active = serializers.BooleanField()
    date_joined = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, person) -> str:
        return reverse("api:person", kwargs={"person_id": person.id})


class ChatOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ChatSession.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    visitor_name = serializers.CharField()
    visitor_email = serializers.EmailField()
    department = Named()
    agent = Person(allow_null=True)
    ticket = serializers.IntegerField(
        source="ticket.number", allow_null=True, default=None, help_text="The ticket it became."
    )
    created_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    rating_comment = serializers.CharField()
    url = serializers.SerializerMethodField()
    transcript = serializers.SerializerMethodField()

    def get_url(self, chat) -> str:
        return reverse("api:chat", kwargs={"chat_id": chat.id})

    def get_transcript(self, chat) -> str:
        return reverse("api:chat_transcript", kwargs={"chat_id": chat.id})


class ChatLine(serializers.Serializer):
    sequence = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ChatMessage.Kind.choices)
    author_name = serializers.CharField()
    body_text = serializers.CharField()
    created_at = serializers.DateTimeField()


class ServiceOrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(source="ticket.number")
    technician = Person()
    status = serializers.ChoiceField(choices=ServiceOrder.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    kind = serializers.ChoiceField(choices=ServiceOrder.Kind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    description = serializers.CharField()
    created_at = serializers.DateTimeField()


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(source="ticket.number")
    title = serializers.CharField()
    assignee = Person()
    due_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


def page_of(row, name: str):
    """A page of `row`s with the cursors of the pages around it, as the tickets' list."""
    return type(name, (serializers.Serializer,), {
        "results": row(many=True),
        "next": serializers.CharField(allow_null=True),
        "previous": serializers.CharField(allow_null=True),
    })  # fmt: skip


PersonPage = page_of(PersonOut, "PersonPage")
OrganizationPage = page_of(OrganizationOut, "OrganizationPage")
ChatPage = page_of(ChatOut, "ChatPage")
ServiceOrderPage = page_of(ServiceOrderOut, "ServiceOrderPage")
TaskPage = page_of(TaskOut, "TaskPage")


class Token(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "can_write", "expires_at", "created_at",
                  "last_used_at"]  # fmt: skip


# Request bodies, for the description (the forms validate them).

FILES = serializers.ListField(child=serializers.FileField(), required=False)
LINKS = serializers.CharField(required=False, help_text="Links, one a line (http or https).")


class OpenBody(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    department = serializers.IntegerField()
    category = serializers.IntegerField()
    product = serializers.IntegerField(required=False)
    priority = serializers.IntegerField(required=False)
    severity = serializers.IntegerField(required=False)
    body = serializers.CharField(help_text="The message, HTML (cleaned) or plain text.")
    attachments = FILES
    links = LINKS


class WorkTime(serializers.Serializer):
    minutes = serializers.IntegerField(required=False, min_value=1, max_value=1440)
    work_started_at = serializers.DateTimeField(required=False)
    work_ended_at = serializers.DateTimeField(required=False)
    billable = serializers.BooleanField(required=False, default=True)


class ReplyBody(WorkTime):
    body = serializers.CharField()
    attachments = FILES
    links = LINKS
    quoted = serializers.IntegerField(required=False, help_text="Customers: an entry quoted.")
    then = serializers.ChoiceField(
        choices=["reply_and_wait", "reply_and_keep", "reply_and_pend"], required=False,
        help_text="Agents: where the ticket goes after the reply.",
    )  # fmt: skip
    taking_over = serializers.BooleanField(required=False)


class NoteBody(WorkTime):
    body = serializers.CharField()
    attachments = FILES
    links = LINKS


class ClaimBody(serializers.Serializer):
    follow = serializers.BooleanField(required=False)


class AssignBody(serializers.Serializer):
    agent = serializers.IntegerField()


class TransferBody(serializers.Serializer):
    department = serializers.IntegerField()
    agent = serializers.IntegerField(required=False)


class PriorityBody(serializers.Serializer):
    priority = serializers.IntegerField()


class LabelBody(serializers.Serializer):
    label = serializers.IntegerField(required=False, help_text="None ends the progress.")
    body = serializers.CharField(required=False)


class ResolveBody(WorkTime):
    body = serializers.CharField(required=False)


class FinalizeBody(WorkTime):
    reason = serializers.CharField(required=False, max_length=1000)
    unanswered = serializers.BooleanField(required=False)


class RateBody(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, max_length=2000)


class ReopenBody(serializers.Serializer):
    body = serializers.CharField(required=False, help_text="Customers: what is still wrong.")


def _person_body(*, partial: bool):
    required = not partial
    return {
        "email": serializers.EmailField(required=required, max_length=254),
        "full_name": serializers.CharField(required=required, max_length=150),
        "phone": serializers.CharField(required=False, max_length=32,
                                       help_text="Phone or WhatsApp, with its area code."),
        "language": serializers.CharField(
            required=False, max_length=10, allow_blank=True,
            help_text="Administrators: pt-br or en, the language of the person's mail (empty: "
                      "the site's).",
        ),
        "organization": serializers.IntegerField(
            required=False, allow_null=True, help_text="An organization's id (null: none)."
        ),
        "is_master": serializers.BooleanField(
            required=False, help_text="Administrators: sees every ticket of the organization."
        ),
    }  # fmt: skip


PersonBody = type("PersonBody", (serializers.Serializer,), _person_body(partial=False))
PersonChange = type("PersonChange", (serializers.Serializer,), _person_body(partial=True))


class OrganizationBody(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email_domain = serializers.CharField(required=False, max_length=253,
                                         help_text="Such as example.com (optional).")  # fmt: skip


class OrganizationChange(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200)
    email_domain = serializers.CharField(required=False, max_length=253)


class MacroOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.IntegerField(
        source="department_id", allow_null=True, help_text="Shared with it (null: personal)."
    )
    is_mine = serializers.SerializerMethodField()
    body_html = serializers.CharField(help_text="The reply, placeholders unfilled.")
    then = serializers.ChoiceField(choices=Macro.Then.choices)
    priority = Named(allow_null=True)
    progress_label = Named(allow_null=True)
    assignee = Person(allow_null=True)
    transfer_to = Named(allow_null=True)
    minutes = serializers.IntegerField(allow_null=True)

    def get_is_mine(self, macro) -> bool:
        return macro.owner_id == self.context["user"].id


class MacroPreview(serializers.Serializer):
    macro = serializers.IntegerField()
    text = serializers.CharField(help_text="The reply filled for this ticket (HTML).")
    steps = serializers.ListField(child=serializers.CharField(),
                                  help_text="What applying it does, in order.")  # fmt: skip
    seen = serializers.IntegerField(
        allow_null=True, help_text="The ticket's last entry: give it back to apply."
    )


class MacroBody(serializers.Serializer):
    seen = serializers.IntegerField(
        required=False, help_text="The preview's `seen`: a reply written since stops the macro's."
    )


class Refused(serializers.Serializer):
    step = serializers.CharField()
    reason = serializers.CharField()


class MacroApplied(serializers.Serializer):
    done = serializers.ListField(child=serializers.CharField())
    refused = Refused(many=True)
    ticket = TicketDetail(allow_null=True)


class ProblemOut(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   required=False)  # fmt: skip
