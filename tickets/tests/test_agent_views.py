import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from accounts.tests.factories import AgentFactory
from tickets import services
from tickets.models import CannedReply, Notification, Ticket
from tickets.queues import queue_counts
from tickets.tests.factories import TicketFactory
from tickets.tests.fixtures import bomb_upload, drop_kept, open_for, png_upload

pytestmark = pytest.mark.django_db

PEOPLE = [
    "light_user", "colleague", "master_user", "outsider", "agent", "other_agent", "manager",
    "administrator",
]  # fmt: skip
WORKS = {"agent", "manager", "administrator"}


def url(name, ticket, **kwargs):
    return reverse(f"agent:{name}", args=[ticket.number], **kwargs)


@pytest.mark.parametrize("person", PEOPLE)
def test_agent_ticket_page(client, request, person, ticket):
    client.force_login(request.getfixturevalue(person))
    response = client.get(url("ticket", ticket))
    expected = {"agent": 200, "manager": 200, "administrator": 200, "other_agent": 404}
    assert response.status_code == expected.get(person, 403)


@pytest.mark.parametrize("person", PEOPLE)
def test_agent_actions_follow_the_gate(client, request, person, ticket):
    client.force_login(request.getfixturevalue(person))
    response = client.post(url("note", ticket), {"note-body": "<p>internal</p>"})
    if person in WORKS:
        assert response.status_code == 302
        assert ticket.entries.filter(kind="note").exists()
    else:
        assert response.status_code == (404 if person == "other_agent" else 403)
        assert not ticket.entries.filter(kind="note").exists()


def test_customers_do_not_reach_the_panel(client, light_user):
    client.force_login(light_user)
    assert client.get(reverse("agent:queues")).status_code == 403


def test_claim_from_the_page_and_the_loser_is_told_who_won(client, ticket, agent, department):
    rival = AgentFactory(departments=[department])
    client.force_login(rival)
    page = client.get(url("ticket", ticket))
    assert page.context["may_claim"]
    services.claim_ticket(ticket=ticket, actor=agent)
    response = client.post(url("claim", ticket), follow=True)
    assert f"{agent.full_name} has already claimed this ticket." in response.content.decode()


def test_reply_with_time_and_the_customer_sees_the_reply_not_the_time(
    client, ticket, agent, light_user
):
    client.force_login(agent)
    client.post(url("claim", ticket))
    response = client.post(
        url("reply", ticket),
        {
            "reply-body": "<p>Please update to 2.4</p>",
            "reply-then": "reply_and_wait",
            "reply-minutes": "25",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"
    assert ticket.entries.get(kind="reply").minutes == 25
    client.force_login(light_user)
    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Please update to 2.4" in html
    # Time worked shows on the agent's page as "25 minutes" with a clock; never here.
    assert "25 minutes" not in html
    assert "bi-clock" not in html
    client.force_login(agent)
    assert "25 minutes" in client.get(url("ticket", ticket)).content.decode()


def test_reply_errors_stand_next_to_their_fields(client, ticket, agent):
    client.force_login(agent)
    response = client.post(
        url("reply", ticket),
        {
            "reply-body": "",
            "reply-then": "reply_and_wait",
            "reply-work_started_at": "2026-11-23T10:00",
        },
    )
    form = response.context["reply_form"]
    assert form.errors["body"] == ["This field is required."]
    assert form.errors["work_ended_at"] == ["Give both the start and the end, or minutes."]


def test_internal_notes_stay_internal(client, ticket, agent, light_user):
    client.force_login(agent)
    client.post(url("note", ticket), {"note-body": "<p>customer is difficult</p>"})
    agent_page = client.get(url("ticket", ticket)).content.decode()
    assert "customer is difficult" in agent_page
    client.force_login(light_user)
    customer_page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "customer is difficult" not in customer_page


def test_manager_assigns_from_the_page(client, ticket, manager, agent):
    client.force_login(manager)
    response = client.post(url("assign", ticket), {"agent": agent.id})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_an_agent_cannot_assign(client, ticket, agent):
    client.force_login(agent)
    assert client.post(url("assign", ticket), {"agent": agent.id}).status_code == 403


def test_transfer_page(client, ticket, agent, other_department, other_agent):
    client.force_login(agent)
    client.post(url("claim", ticket))
    assert client.get(url("transfer", ticket)).status_code == 200
    bad = client.post(
        url("transfer", ticket), {"department": ticket.department_id, "agent": other_agent.id}
    )
    assert bad.context["form"].errors["agent"] == ["This agent does not work in that department."]
    response = client.post(
        url("transfer", ticket), {"department": other_department.id, "agent": ""}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.department == other_department
    # The ticket left the agent's departments: out of reach, so the agent lands on the queues.
    assert response.redirect_chain == [(reverse("agent:queues"), 302)]
    assert f"Ticket {ticket.reference} is transferred to Billing." in response.content.decode()
    assert client.get(url("ticket", ticket)).status_code == 404


def test_a_transfer_within_reach_goes_back_to_the_ticket(client, ticket, manager, agent):
    client.force_login(manager)
    response = client.post(url("transfer", ticket), {"department": ticket.department_id,
                                                     "agent": agent.id})  # fmt: skip
    assert response["Location"] == url("ticket", ticket)


def test_escalate_page_and_resolve_blocked_until_the_child_is_done(
    client, ticket, agent, other_department, other_agent
):
    client.force_login(agent)
    client.post(url("claim", ticket))
    client.post(
        url("escalate", ticket),
        {"department": other_department.id, "title": "Refund", "body": "<p>Refund please</p>"},
    )
    child = Ticket.objects.get(parent=ticket)
    page = client.get(url("ticket", ticket))
    assert page.context["has_open_children"]
    assert "cannot be resolved or finalized while its escalations are open" in page.content.decode()
    blocked = client.post(url("resolve", ticket), {"resolve-body": ""}, follow=True)
    assert "Its escalations are still open" in blocked.content.decode()
    client.force_login(other_agent)
    client.post(url("claim", child))
    client.post(
        url("reply", child), {"reply-body": "<p>Refunded</p>", "reply-then": "reply_and_keep"}
    )
    client.post(url("finalize", child), {"reason": "done"})
    client.force_login(agent)
    page = client.get(url("ticket", ticket)).content.decode()
    assert "Refunded" in page  # the child's latest reply shows on the parent
    client.post(url("resolve", ticket), {"resolve-body": "<p>All done</p>"})
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


def edit_data(ticket, **changes):
    return {
        "title": ticket.title, "body": ticket.entries.get(kind="message").body_html,
        "requester": ticket.requester.email, "department": ticket.department_id,
        "notify_customer": "on", "priority": ticket.priority_id or "", **changes,
    }  # fmt: skip


def test_edit_page(client, ticket, agent, high_priority):
    client.force_login(agent)
    client.post(url("claim", ticket))
    form = client.get(url("edit", ticket)).context["form"]
    assert form["body"].value() == ticket.entries.get(kind="message").body_html
    assert form["requester"].value() == ticket.requester.email
    data = edit_data(ticket, title="Better title", priority=high_priority.id)
    client.post(url("edit", ticket), data)
    ticket.refresh_from_db()
    assert ticket.title == "Better title"
    assert ticket.priority == high_priority
    assert ticket.notify_customer
    client.post(url("edit", ticket), {**edit_data(ticket), "notify_customer": ""})
    ticket.refresh_from_db()
    assert not ticket.notify_customer
    assert ticket.entries.filter(kind="edit").last().data == {"notify_customer": ["True", "False"]}


def test_finalize_page_with_reason_and_time(client, ticket, agent):
    client.force_login(agent)
    client.post(url("claim", ticket))
    data = {"reason": "Duplicate of another", "minutes": "10"}
    # Nobody answered it: finalizing asks for a confirmation, next to its box.
    refused = client.post(url("finalize", ticket), data)
    assert refused.context["form"].errors["unanswered"] == [
        "Confirm that it ends without an answer."
    ]
    ticket.refresh_from_db()
    assert ticket.status == "open"
    client.post(url("finalize", ticket), {**data, "unanswered": "on"})
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    page = client.get(url("ticket", ticket))
    assert page.context["total_minutes"] == 10
    assert "Duplicate of another" in page.content.decode()


def test_new_ticket_for_a_new_customer_created_inline(client, agent, department, organization):
    client.force_login(agent)
    response = client.post(
        reverse("agent:new_ticket"),
        {
            "customer_email": "New.Person@Acme.example", "customer_name": "New Person",
            "customer_organization": organization.id, "department": department.id,
            "title": "Called about invoices", "body": "<p>By phone</p>", "follow": "on",
        },
    )  # fmt: skip
    ticket = Ticket.objects.get()
    assert response["Location"] == url("ticket", ticket)
    customer = User.objects.get(email="new.person@acme.example")
    assert customer.organization == organization
    assert ticket.requester == customer
    assert ticket.organization == organization


def test_new_ticket_needs_a_name_for_an_unknown_customer(client, agent, department):
    client.force_login(agent)
    response = client.post(
        reverse("agent:new_ticket"),
        {
            "customer_email": "x@example.com",
            "department": department.id,
            "title": "t",
            "body": "<p>x</p>",
        },
    )
    assert response.context["form"].errors["customer_name"] == ["A new customer needs a name."]


def test_only_leaders_see_the_agent_field(client, agent, manager):
    client.force_login(agent)
    assert "assignee" not in client.get(reverse("agent:new_ticket")).context["form"].fields
    client.force_login(manager)
    assert "assignee" in client.get(reverse("agent:new_ticket")).context["form"].fields


def test_internal_ticket_page(client, agent, department, other_department):
    from accounts.models import DepartmentMembership

    DepartmentMembership.objects.create(user=agent, department=other_department)
    client.force_login(agent)
    form = client.get(reverse("agent:new_internal_ticket")).context["form"]
    assert "represent_department" in form.fields
    client.post(
        reverse("agent:new_internal_ticket"),
        {
            "department": other_department.id,
            "represent_department": department.id,
            "title": "Report",
            "body": "<p>x</p>",
        },
    )
    ticket = Ticket.objects.get()
    assert ticket.kind == "internal"
    assert ticket.requesting_department == department


def test_trash_and_restore_from_the_panel(client, ticket, administrator, light_user):
    client.force_login(administrator)
    unconfirmed = client.post(url("trash", ticket), follow=True)
    assert "Confirm to move the ticket to the trash." in unconfirmed.content.decode()
    assert client.get(url("ticket", ticket)).status_code == 200
    client.post(url("trash", ticket), {"confirm": "yes"})
    assert client.get(url("ticket", ticket)).status_code == 404
    listing = client.get(reverse("agent:trash_list"))
    assert ticket in listing.context["page"].object_list
    client.force_login(light_user)
    assert client.get(reverse("tickets:detail", args=[ticket.number])).status_code == 404
    client.force_login(administrator)
    client.post(reverse("agent:restore", args=[ticket.number]))
    assert client.get(url("ticket", ticket)).status_code == 200


def test_an_agent_without_the_permission_sees_no_trash(client, agent, ticket, administrator):
    services.trash_ticket(ticket=ticket, actor=administrator)
    client.force_login(agent)
    assert client.get(reverse("agent:trash_list")).status_code == 404
    assert client.post(reverse("agent:restore", args=[ticket.number])).status_code == 404


def test_the_bell_counts_and_opening_marks_read(client, ticket, agent, manager):
    services.assign_ticket(ticket=ticket, actor=manager, agent=agent)
    client.force_login(agent)
    home = client.get("/")
    assert home.context["unread_notifications"] == 1
    item = Notification.objects.get(recipient=agent)
    response = client.get(reverse("agent:notification", args=[item.id]))
    assert response["Location"] == url("ticket", ticket)
    item.refresh_from_db()
    assert item.read_at is not None
    assert client.get("/").context["unread_notifications"] == 0


def test_someone_elses_notification_is_404(client, ticket, agent, manager):
    services.assign_ticket(ticket=ticket, actor=manager, agent=agent)
    client.force_login(manager)
    item = Notification.objects.get(recipient=agent)
    assert client.get(reverse("agent:notification", args=[item.id])).status_code == 404


def test_canned_replies_are_filled_for_the_ticket(client, ticket, agent, department):
    CannedReply.objects.create(
        title="Greeting",
        body_html="<p>Hi {customer_first_name}, about {ticket_number}<script>x</script></p>",
        department=department,
    )
    CannedReply.objects.create(title="Someone else's", body_html="<p>x</p>", owner=AgentFactory())
    client.force_login(agent)
    page = client.get(url("ticket", ticket)).content.decode()
    loads = reverse("agent:canned_for_ticket", args=[ticket.number])
    assert f'hx-get="{loads}"' in page
    options = client.get(loads).content.decode()
    assert options.count("<option") == 1
    assert ">Greeting</option>" in options
    first = ticket.requester.first_name
    body = f"<p>Hi {first}, about {ticket.reference}</p>"
    assert f'data-body="{escape(body)}"' in options  # the editor gets it unescaped


def test_an_agent_without_canned_replies_is_told_so(client, ticket, agent):
    client.force_login(agent)
    options = client.get(reverse("agent:canned_for_ticket", args=[ticket.number]))
    assert '<option value="" disabled>No canned replies yet</option>' in options.content.decode()


# Queues


def test_queues_sort_tickets_where_the_manual_says(
    agent, manager, light_user, department, other_department
):
    new = open_for(light_user, department, title="new")
    claimed = open_for(light_user, department, title="claimed")
    services.claim_ticket(ticket=claimed, actor=agent)
    waiting = open_for(light_user, department, title="waiting")
    services.claim_ticket(ticket=waiting, actor=agent)
    services.reply_to_ticket(ticket=waiting, actor=agent, body_html="<p>?</p>")
    replied = open_for(light_user, department, title="replied")
    services.claim_ticket(ticket=replied, actor=agent)
    services.reply_to_ticket(ticket=replied, actor=agent, body_html="<p>?</p>")
    services.reply_to_ticket(ticket=replied, actor=light_user, body_html="<p>!</p>")
    open_for(light_user, other_department, title="elsewhere")
    counts = queue_counts(agent)
    assert counts["new"] == 1
    assert counts["claimed"] == 1
    assert counts["waiting"] == 1
    assert counts["customer_replied"] == 1
    assert "team_open" not in counts
    team = queue_counts(manager)
    assert team["team_open"] == 2  # answered: waiting and replied
    assert team["team_waiting"] == 1  # claimed, no reply yet
    del new


def test_my_open_queue_holds_my_unresolved_tickets_whoever_spoke_last(
    client, agent, light_user, department
):
    kept_open = open_for(light_user, department, title="answered, kept open")
    services.claim_ticket(ticket=kept_open, actor=agent)
    services.reply_to_ticket(
        ticket=kept_open, actor=agent, body_html="<p>On it</p>", then="reply_and_keep"
    )
    waiting = open_for(light_user, department, title="waiting")
    services.claim_ticket(ticket=waiting, actor=agent)
    services.reply_to_ticket(ticket=waiting, actor=agent, body_html="<p>?</p>")
    done = open_for(light_user, department, title="done")
    services.claim_ticket(ticket=done, actor=agent)
    services.resolve_ticket(ticket=done, actor=agent, body_html="<p>Done</p>")
    open_for(light_user, department, title="nobody's yet")
    counts = queue_counts(agent)
    # The kept-open one was in no personal queue before "My open".
    personal = ("customer_replied", "claimed", "waiting", "pending")
    assert sum(counts[name] for name in personal) == 1
    assert counts["mine"] == 2
    client.force_login(agent)
    response = client.get(reverse("agent:queues"), {"queue": "mine"})
    assert sorted(t.title for t in response.context["page"].object_list) == [
        "answered, kept open",
        "waiting",
    ]
    assert ("mine", "My open", 2) in response.context["queues"]


def test_queue_page_filters_and_marks_overdue(client, agent, light_user, department):
    from datetime import timedelta

    from django.utils import timezone

    late = open_for(light_user, department, title="late one")
    Ticket.objects.filter(id=late.id).update(due_at=timezone.now() - timedelta(hours=1))
    open_for(light_user, department, title="on time")
    client.force_login(agent)
    response = client.get(reverse("agent:queues"), {"queue": "new", "due": "overdue"})
    assert [t.title for t in response.context["page"].object_list] == ["late one"]
    assert "Overdue" in response.content.decode()
    search = client.get(reverse("agent:queues"), {"queue": "new", "q": "on time"})
    assert [t.title for t in search.context["page"].object_list] == ["on time"]


def test_queue_page_runs_a_fixed_number_of_queries(client, agent, light_user, department, settings):
    def count(rows):
        TicketFactory.create_batch(rows, requester=light_user, department=department)
        drop_kept()  # the filter boxes' choices are kept: count them too
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("agent:queues"), {"queue": "new"})
        return len(captured), len(response.context["page"].object_list)

    settings.TICKETS_PER_PAGE = 100
    client.force_login(agent)
    few, shown_few = count(5)
    many, shown_many = count(60)
    assert (shown_few, shown_many) == (5, 65)
    assert few == many
    assert many <= 12


def test_agent_ticket_page_runs_a_fixed_number_of_queries(client, ticket, agent, light_user):
    client.force_login(agent)

    def count():
        drop_kept()  # the select boxes' choices are kept: count them too
        with CaptureQueriesContext(connection) as captured:
            client.get(url("ticket", ticket))
        return len(captured)

    before = count()
    for n in range(8):
        services.reply_to_ticket(ticket=ticket, actor=light_user, body_html=f"<p>{n}</p>")
        services.add_note(ticket=ticket, actor=agent, body_html=f"<p>note {n}</p>")
    assert count() == before


def test_time_report_totals_per_agent(client, ticket, agent, manager):
    services.add_note(
        ticket=ticket, actor=agent, body_html="<p>a</p>", work=services.WorkTime.of(minutes=30)
    )
    services.add_note(
        ticket=ticket, actor=agent, body_html="<p>b</p>", work=services.WorkTime.of(minutes=15)
    )
    services.add_note(
        ticket=ticket, actor=manager, body_html="<p>c</p>", work=services.WorkTime.of(minutes=5)
    )
    client.force_login(manager)
    response = client.get(reverse("agent:time_report"), {"days": "7"})
    rows = response.context["rows"]
    assert [(r["author__full_name"], r["total"]) for r in rows] == [
        (agent.full_name, 45),
        (manager.full_name, 5),
    ]
    # 45 minutes are 0.75 h, not "1"; 5 minutes 0.08 h.
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', response.content.decode())
    assert cells == ["45", "0.75", "5", "0.08"]


def test_the_ticket_sidebar_names_the_unit_of_each_agents_minutes(client, ticket, agent):
    services.add_note(
        ticket=ticket, actor=agent, body_html="<p>a</p>", work=services.WorkTime.of(minutes=40)
    )
    client.force_login(agent)
    url = reverse("agent:ticket", args=[ticket.number])
    html = client.get(url, headers={"accept-language": "pt-br"}).content.decode()
    assert f"<li>{agent.full_name}: 40 minutos</li>" in html


def test_the_queues_offer_the_trash_only_to_who_may_delete(client, agent, administrator):
    client.force_login(agent)
    trash = reverse("agent:trash_list")
    assert trash not in client.get(reverse("agent:queues")).content.decode()
    agent.can_delete_tickets = True
    agent.save()
    assert trash in client.get(reverse("agent:queues")).content.decode()
    client.force_login(administrator)
    assert trash in client.get(reverse("agent:queues")).content.decode()


def test_a_closed_ticket_offers_no_claim(client, agent, ticket, light_user):
    client.force_login(agent)
    url = reverse("agent:ticket", args=[ticket.number])
    assert client.get(url).context["may_claim"]
    services.close_ticket(ticket=ticket, actor=light_user)
    assert not client.get(url).context["may_claim"]
    assert reverse("agent:claim", args=[ticket.number]) not in client.get(url).content.decode()


def test_the_opener_of_an_internal_ticket_of_another_department_sees_no_notes(
    client, agent, other_agent, department, django_capture_on_commit_callbacks
):
    from tickets.models import Attachment
    from tickets.tests.fixtures import png_upload

    ticket = services.open_internal_ticket(
        actor=other_agent, department=department, title="Need a hand", body_html="<p>Help</p>"
    )
    note = services.add_note(
        ticket=ticket, actor=agent, body_html="<p>billing is slow again</p>",
        files=[png_upload("note.png")],
    )  # fmt: skip
    attachment = Attachment.objects.get(entry=note)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("pdf", ticket) + "?notes=1")
    internal_pdf = ticket.pdfs.get(variant="n1t0")
    client.force_login(other_agent)
    page = client.get(url("ticket", ticket))
    assert page.status_code == 200
    assert "billing is slow again" not in page.content.decode()
    assert "Help" in page.content.decode()
    file_url = reverse("tickets:attachment", args=[ticket.number, attachment.id])
    assert client.get(file_url).status_code == 404
    assert client.get(url("print", ticket) + "?notes=1").status_code == 403
    assert client.get(url("pdf", ticket) + "?time=1").status_code == 403
    assert client.get(url("print", ticket)).status_code == 200
    download = reverse("tickets:pdf_download", args=[ticket.number, internal_pdf.id])
    assert client.get(download).status_code == 404
    # Those who work on it still see everything.
    client.force_login(agent)
    assert "billing is slow again" in client.get(url("ticket", ticket)).content.decode()
    assert client.get(file_url).status_code == 200
    assert client.get(url("print", ticket) + "?notes=1").status_code == 200


def test_canned_replies_of_a_ticket_are_for_those_who_work_on_it(
    client, ticket, other_agent, light_user
):
    loads = reverse("agent:canned_for_ticket", args=[ticket.number])
    client.force_login(other_agent)
    assert client.get(loads).status_code == 404
    client.force_login(light_user)
    assert client.get(loads).status_code == 403


def test_the_filter_boxes_show_a_department_as_soon_as_it_changes(client, agent, department):
    from tickets.tests.factories import DepartmentFactory

    client.force_login(agent)
    assert department.name in client.get(reverse("agent:queues")).content.decode()
    department.name = "Renamed at once"
    department.save()
    added = DepartmentFactory(name="Added at once")
    html = client.get(reverse("agent:queues")).content.decode()
    assert "Renamed at once" in html
    assert f'<option value="{added.id}">Added at once</option>' in html
    added.delete()
    assert "Added at once" not in client.get(reverse("agent:queues")).content.decode()


def test_with_the_cache_down_an_agents_note_is_saved(dead_cache, client, agent, ticket):
    client.force_login(agent)
    assert client.get(url("ticket", ticket)).status_code == 200
    assert client.post(url("note", ticket), {"note-body": "<p>internal</p>"}).status_code == 302
    assert ticket.entries.filter(kind="note").exists()


def test_an_image_bomb_in_an_agents_reply_is_refused_next_to_the_field(client, ticket, agent):
    client.force_login(agent)
    response = client.post(
        url("reply", ticket),
        {"reply-body": "<p>See the picture</p>", "reply-then": "reply_and_wait",
         "reply-attachments": [bomb_upload()]},
    )  # fmt: skip
    errors = response.context["reply_form"].errors["attachments"]
    assert "huge.png has too many pixels to be shown safely" in errors[0]
    assert not ticket.entries.filter(kind="reply").exists()


# Claiming means responsibility (S3 §3): the page offers what the predicates allow.


@pytest.fixture
def teammate(department, password):
    return AgentFactory(
        email="teammate@helpdesk.example", departments=[department], password=password
    )


def test_a_teammate_is_offered_take_over_not_the_owners_actions(client, ticket, agent, teammate):
    services.claim_ticket(ticket=ticket, actor=agent)
    client.force_login(teammate)
    page = client.get(url("ticket", ticket))
    html = page.content.decode()
    assert page.context["may_take_over"]
    assert not page.context["holds"]
    assert url("take_over", ticket) in html
    assert "Take over and send" in html
    for owners in ("edit", "transfer", "finalize", "resolve", "progress"):
        assert url(owners, ticket) not in html, owners
    assert url("note", ticket) in html  # notes stay open to the department
    client.force_login(agent)
    html = client.get(url("ticket", ticket)).content.decode()
    assert url("take_over", ticket) not in html
    for owners in ("edit", "transfer", "finalize", "resolve", "progress"):
        assert url(owners, ticket) in html, owners


def test_the_owners_actions_need_a_claim_first(client, ticket, agent, teammate):
    services.claim_ticket(ticket=ticket, actor=agent)
    client.force_login(teammate)
    for name in ("edit", "transfer", "finalize"):
        assert client.get(url(name, ticket)).status_code == 403, name
    assert client.post(url("resolve", ticket), {"resolve-body": ""}).status_code == 403


def test_take_over_from_the_page_tells_both_agents(client, ticket, agent, teammate):
    services.claim_ticket(ticket=ticket, actor=agent)
    client.force_login(teammate)
    response = client.post(url("take_over", ticket), follow=True)
    assert f"The ticket is yours now; {agent.full_name} is told." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == teammate
    assert f"took it over from {agent.full_name}" in response.content.decode()
    assert [m.to for m in mail.outbox if "Taken over" in m.subject] == [[agent.email]]


def test_a_reply_to_a_ticket_claimed_meanwhile_is_refused_with_a_message_keeping_the_text(
    client, ticket, agent, teammate
):
    client.force_login(teammate)
    assert client.get(url("ticket", ticket)).context["may_answer"]
    services.claim_ticket(ticket=ticket, actor=agent)  # while the teammate writes
    data = {"reply-body": "<p>Try version 2.4</p>", "reply-then": "reply_and_wait"}
    refused = client.post(url("reply", ticket), data)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert f"{agent.full_name} has already claimed this ticket." in html
    assert escape("<p>Try version 2.4</p>") in html  # the text is still in the editor
    assert not ticket.entries.filter(kind="reply").exists()
    sent = client.post(url("reply", ticket), {**data, "reply-taking_over": "on"}, follow=True)
    assert "Your reply is sent." in sent.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == teammate
    assert ticket.entries.get(kind="reply").author == teammate


def test_a_reply_to_an_unclaimed_ticket_says_it_is_now_the_agents(client, ticket, agent):
    client.force_login(agent)
    response = client.post(
        url("reply", ticket),
        {"reply-body": "<p>On it</p>", "reply-then": "reply_and_wait"},
        follow=True,
    )
    html = response.content.decode()
    assert "Your reply is sent and the ticket is yours: you claimed it by replying." in html
    assert f"{agent.full_name} claimed it by replying." in html
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_edit_changes_the_message_and_the_requester_with_errors_next_to_their_fields(
    client, ticket, agent, outsider
):
    client.force_login(agent)
    client.post(url("claim", ticket))
    bad = client.post(url("edit", ticket), edit_data(ticket, requester="nobody@example.com"))
    assert bad.context["form"].errors["requester"] == ["No customer has this e-mail."]
    bad = client.post(url("edit", ticket), edit_data(ticket, requester=agent.email))
    assert bad.context["form"].errors["requester"] == ["This address belongs to an agent."]
    earlier = ticket.entries.get(kind="message").body_text
    data = edit_data(ticket, body="<p>Receipts too</p>", requester=outsider.email)
    response = client.post(url("edit", ticket), data, follow=True)
    ticket.refresh_from_db()
    assert ticket.requester == outsider
    assert ticket.entries.get(kind="message").body_html == "<p>Receipts too</p>"
    assert escape(earlier) in response.content.decode()  # the earlier text, in the history


def test_edit_to_a_department_the_agent_is_not_in_ends_on_the_queues(
    client, ticket, agent, other_department
):
    client.force_login(agent)
    client.post(url("claim", ticket))
    data = edit_data(ticket, department=other_department.id)
    response = client.post(url("edit", ticket), data)
    assert response["Location"] == reverse("agent:queues")
    ticket.refresh_from_db()
    assert ticket.department == other_department


def test_an_agent_without_the_transfer_right_edits_but_not_the_department(
    client, ticket, agent, other_department
):
    agent.can_transfer_tickets = False
    agent.save(update_fields=["can_transfer_tickets"])
    client.force_login(agent)
    client.post(url("claim", ticket))
    form = client.get(url("edit", ticket)).context["form"]
    assert "department" not in form.fields
    client.post(url("edit", ticket), edit_data(ticket, department=other_department.id))
    ticket.refresh_from_db()
    assert ticket.department != other_department


def test_the_customer_confirms_before_closing_and_the_agent_is_told(
    client, ticket, agent, light_user
):
    services.claim_ticket(ticket=ticket, actor=agent)
    client.force_login(light_user)
    detail = reverse("tickets:detail", args=[ticket.number])
    page = client.get(detail).content.decode()
    assert "Close this ticket? It can no longer be answered" in page
    close = reverse("tickets:close", args=[ticket.number])
    unconfirmed = client.post(close, follow=True)
    assert "Confirm to close the ticket." in unconfirmed.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "open"
    mail.outbox.clear()
    client.post(close, {"confirm": "yes"})
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_time_is_billable_unless_the_agent_unticks_it(client, ticket, agent):
    client.force_login(agent)
    page = client.get(url("ticket", ticket)).content.decode()
    assert 'type="checkbox" name="note-billable" id="id_note-billable" checked' in page
    client.post(url("note", ticket), {"note-body": "<p>a</p>", "note-minutes": "45",
                                      "note-billable": "on"})  # fmt: skip
    client.post(url("note", ticket), {"note-body": "<p>b</p>", "note-minutes": "30"})
    logged = list(ticket.entries.filter(kind="note").values_list("minutes", "billable"))
    assert logged == [(45, True), (30, False)]
    # A refused form keeps the box as the agent left it.
    response = client.post(url("note", ticket), {"note-body": "", "note-minutes": "5"})
    assert 'name="note-billable" id="id_note-billable">' in response.content.decode()


def test_an_agent_whose_ticket_went_to_another_team_still_reads_their_own_notes_and_files(
    client, agent, other_agent, light_user, department, other_department, normal_priority
):
    ticket = services.open_ticket_for_customer(
        actor=agent, customer=light_user, department=department, title="Boleto em dobro",
        body_html="<p>Ligou.</p>",
    )  # fmt: skip
    mine = services.add_note(ticket=ticket, actor=agent, body_html="<p>Primeiro contato.</p>",
                             files=[png_upload("tela.png")])  # fmt: skip
    services.claim_ticket(ticket=ticket, actor=agent)
    services.transfer_ticket(ticket=ticket, actor=agent, department=other_department)
    theirs = services.add_note(ticket=ticket, actor=other_agent, body_html="<p>Só Financeiro.</p>",
                               files=[png_upload("interno.png")])  # fmt: skip
    client.force_login(agent)
    page = client.get(reverse("agent:ticket", args=[ticket.number])).content.decode()
    assert "Primeiro contato." in page
    assert "Só Financeiro." not in page
    own_file = mine.attachments.get()
    other_file = theirs.attachments.get()

    def status(attachment):
        return client.get(
            reverse("tickets:attachment", args=[ticket.number, attachment.id])
        ).status_code

    assert (status(own_file), status(other_file)) == (200, 404)
