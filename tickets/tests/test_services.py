from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import User
from core import numbering
from tickets import services, workflow
from tickets.history import event_text
from tickets.models import Rating, Ticket, TicketEntry
from tickets.services.closing import AlreadyRated
from tickets.services.common import NotAllowed
from tickets.tests.fixtures import open_for, png_upload
from tickets.workflow import Action, Status, TransitionNotAllowed

pytestmark = pytest.mark.django_db


def put(ticket, *actions):
    """Walk a ticket through agent-side actions, as the agent panel will."""
    for action in actions:
        workflow.apply(ticket, action)
    ticket.save(update_fields=["status"])
    return ticket


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_open_ticket_gives_a_six_digit_number_that_is_not_the_id(ticket):
    assert 100000 <= ticket.number <= 999999
    assert ticket.number != ticket.id
    assert ticket.reference == f"#{ticket.number}"


def test_ticket_numbers_are_unique(light_user, department, normal_priority):
    numbers = {open_for(light_user, department).number for _ in range(40)}
    assert len(numbers) == 40


def test_ticket_numbers_come_from_the_series_and_skip_nothing_taken(
    light_user, department, normal_priority
):
    issued = numbering.issue("ticket", 3)
    opened = [open_for(light_user, department).number for _ in range(3)]
    assert len(set(issued + opened)) == 6
    assert all(100000 <= number <= 999999 for number in opened)
    # Scrambled: consecutive tickets are not consecutive numbers.
    assert sorted(opened) != list(range(min(opened), min(opened) + 3))


def test_open_ticket_copies_the_organization_and_applies_the_default_sla(ticket, light_user):
    assert ticket.organization == light_user.organization
    assert ticket.priority.name == "Normal"
    assert ticket.status == Status.NEW
    assert ticket.due_at - ticket.created_at == timedelta(hours=48)
    assert ticket.first_response_due_at - ticket.created_at == timedelta(hours=8)
    assert ticket.customer_spoke_last


def test_open_ticket_stores_the_cleaned_message_with_files_and_links(
    light_user, department, run_on_commit
):
    with run_on_commit():
        ticket = open_for(
            light_user,
            department,
            body_html=(
                '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">a</a></p>'
            ),
            files=[png_upload()],
            links=["https://example.com/log"],
        )
    entry = ticket.entries.get()
    assert entry.kind == TicketEntry.Kind.MESSAGE
    assert entry.is_public
    assert entry.author == light_user
    assert "script" not in entry.body_html
    assert "onclick" not in entry.body_html
    assert "javascript" not in entry.body_html
    assert entry.body_text == "Hi a"
    attachment = entry.attachments.get()
    assert attachment.name == "screen.png"
    assert attachment.content_type == "image/png"
    assert attachment.thumbnail
    assert list(entry.links.values_list("url", flat=True)) == ["https://example.com/log"]


def test_open_ticket_mails_a_receipt_with_number_and_link(light_user, department, run_on_commit):
    with run_on_commit():
        ticket = open_for(light_user, department)
    (receipt,) = mail.outbox
    assert receipt.to == [light_user.email]
    assert receipt.subject.startswith(f"[#{ticket.number}]")
    assert f"http://testserver/tickets/{ticket.number}/" in receipt.body


def test_open_ticket_refuses_a_category_of_another_department(light_user, department):
    from tickets.tests.factories import CategoryFactory, DepartmentFactory

    other = CategoryFactory(department=DepartmentFactory(name="Other"))
    with pytest.raises(ValueError, match="another department"):
        open_for(light_user, department, category=other)


def test_guest_ticket_makes_a_passwordless_requester_and_mails_a_signed_link(
    department, run_on_commit
):
    with run_on_commit():
        ticket, _ = services.open_guest_ticket(
            full_name="Gabi Guest", email="Gabi@Example.com", phone="+55 11 99999-0000",
            language="pt-br", department=department, title="Help", body_html="<p>Hi</p>",
        )  # fmt: skip
    guest = ticket.requester
    assert guest.email == "gabi@example.com"
    assert not guest.has_usable_password()
    assert not guest.is_email_confirmed
    assert guest.phone == "+55 11 99999-0000"
    assert ticket.channel == Ticket.Channel.GUEST
    assert "/tickets/access/" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith(f"[#{ticket.number}] Ticket recebido")


def test_a_second_guest_ticket_from_the_same_address_has_the_same_requester(department):
    fields = {"department": department, "title": "T", "body_html": "<p>x</p>", "phone": ""}
    first, first_is_new = services.open_guest_ticket(
        full_name="A", email="a@example.com", language="en", **fields
    )
    second, second_is_new = services.open_guest_ticket(
        full_name="B", email="A@example.com", language="en", **fields
    )
    assert first.requester == second.requester
    assert (first_is_new, second_is_new) == (True, False)
    assert User.objects.filter(email="a@example.com").count() == 1


def test_customer_reply_moves_waiting_to_open_and_marks_the_customer_last(ticket, light_user):
    put(ticket, Action.REPLY_AND_WAIT)
    services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>Here it is</p>")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.customer_spoke_last
    kinds = list(ticket.entries.values_list("kind", flat=True))
    assert kinds == ["message", "status", "reply"]


def test_customer_reply_reopens_a_resolved_ticket(ticket, light_user):
    put(ticket, Action.CLAIM, Action.RESOLVE)
    services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>Still broken</p>")
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    status_entry = ticket.entries.filter(kind="status").last()
    assert status_entry.data == {"from": "resolved", "to": "reopened", "action": "customer_reply"}
    assert status_entry.is_public


def test_a_closed_ticket_takes_no_reply(ticket, light_user):
    services.close_ticket(ticket=ticket, actor=light_user)
    with pytest.raises(TransitionNotAllowed):
        services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>Hello?</p>")
    assert not ticket.entries.filter(kind="reply").exists()


def test_only_the_customer_side_may_reply(ticket, colleague, outsider, master_user):
    for stranger in (colleague, outsider):
        with pytest.raises(NotAllowed):
            services.reply_to_ticket(ticket=ticket, actor=stranger, body_html="<p>x</p>")
    services.reply_to_ticket(ticket=ticket, actor=master_user, body_html="<p>From the boss</p>")
    assert ticket.entries.filter(author=master_user).exists()


def test_a_reply_quotes_a_public_entry_of_the_same_ticket_only(ticket, light_user, department):
    opening = ticket.entries.get()
    entry = services.reply_to_ticket(
        ticket=ticket, actor=light_user, body_html="<p>As I said</p>", quoted=opening
    )
    assert entry.quoted == opening
    other = open_for(light_user, department).entries.get()
    with pytest.raises(NotAllowed):
        services.reply_to_ticket(
            ticket=ticket, actor=light_user, body_html="<p>x</p>", quoted=other
        )


def test_agent_reply_waits_on_the_customer_and_counts_as_first_response(ticket, agent):
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Try again</p>")
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CUSTOMER
    assert not ticket.customer_spoke_last
    assert ticket.first_response_at is not None


def test_agent_of_another_department_may_not_reply(ticket, other_agent):
    with pytest.raises(NotAllowed):
        services.reply_to_ticket(ticket=ticket, actor=other_agent, body_html="<p>x</p>")


def test_change_priority_moves_the_due_dates_and_is_recorded(
    ticket, light_user, normal_priority, high_priority
):
    services.change_priority(ticket=ticket, actor=light_user, priority=high_priority)
    ticket.refresh_from_db()
    assert ticket.priority == high_priority
    assert ticket.due_at - ticket.created_at == timedelta(hours=8)
    entry = ticket.entries.get(kind="priority")
    assert entry.data == {
        "from": "Normal", "to": "High", "from_id": normal_priority.id, "to_id": high_priority.id,
    }  # fmt: skip
    high_priority.name_pt_br = "Alta"
    high_priority.save()
    with translation.override("pt-br"):
        assert "de Normal para Alta." in event_text(entry, staff=False)


def test_priority_cannot_change_once_resolved(ticket, light_user, high_priority):
    put(ticket, Action.RESOLVE)
    with pytest.raises(TransitionNotAllowed):
        services.change_priority(ticket=ticket, actor=light_user, priority=high_priority)


def test_close_ticket_records_when(ticket, light_user):
    services.close_ticket(ticket=ticket, actor=light_user)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None


def test_rating_a_resolved_ticket_closes_it(ticket, light_user):
    put(ticket, Action.RESOLVE)
    services.rate_ticket(ticket=ticket, actor=light_user, score=5, comment="Quick!")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.rating.score == 5
    assert ticket.entries.filter(kind="rating", data__score=5).exists()


def test_a_closed_ticket_can_be_rated_once(ticket, light_user):
    services.close_ticket(ticket=ticket, actor=light_user)
    services.rate_ticket(ticket=ticket, actor=light_user, score=3)
    with pytest.raises(AlreadyRated):
        services.rate_ticket(ticket=ticket, actor=light_user, score=4)
    assert Rating.objects.get().score == 3


def test_an_open_ticket_cannot_be_rated(ticket, light_user):
    with pytest.raises(TransitionNotAllowed):
        services.rate_ticket(ticket=ticket, actor=light_user, score=5)


@pytest.mark.parametrize("score", [0, 6])
def test_a_rating_is_one_to_five_stars(ticket, light_user, score):
    put(ticket, Action.RESOLVE)
    with pytest.raises(ValueError, match="1 to 5"):
        services.rate_ticket(ticket=ticket, actor=light_user, score=score)


def test_not_solved_reopens_with_the_customers_words(ticket, light_user):
    put(ticket, Action.RESOLVE)
    services.mark_not_solved(ticket=ticket, actor=light_user, body_html="<p>Same error</p>")
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert ticket.entries.filter(kind="reply", body_text="Same error").exists()


def test_a_corrupt_image_gets_no_thumbnail_but_is_kept(light_user, department, run_on_commit):
    with run_on_commit():
        ticket = open_for(
            light_user, department, files=[SimpleUploadedFile("a.txt", b"plain text")]
        )
    attachment = ticket.entries.get().attachments.get()
    assert attachment.content_type == "text/plain"
    assert not attachment.thumbnail


def test_status_links_to_one_address_stop_after_the_hourly_limit(
    ticket, light_user, settings, django_capture_on_commit_callbacks
):
    settings.STATUS_LINKS_PER_EMAIL_PER_HOUR = 5
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            # From ever-changing client addresses, and in any spelling of the address.
            email = light_user.email.upper() if n % 2 else light_user.email
            services.request_status_link(email=email, number=ticket.number)
    assert len(mail.outbox) == 5
