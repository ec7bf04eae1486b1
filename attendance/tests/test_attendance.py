"""Guided attendance (S1): each step through its service, then the pages an agent walks."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AgentFactory, CustomerFactory
from attendance import selectors
from attendance import services as steps
from attendance.models import (
    Attendance,
    AttendanceType,
    ScriptOption,
    ServicePlan,
)
from attendance.services import Outcome
from chat.models import ChatMessage, ChatSession
from fieldwork import services as field_work
from tickets.models import EmailTemplate, ServiceOrder, Ticket, TicketEntry
from tickets.services import NotAllowed
from tickets.tests.fixtures import open_for
from tickets.workflow import Status

pytestmark = pytest.mark.django_db


def option(script, label, question=None):
    found = ScriptOption.objects.filter(question__script=script, label=label)
    if question:
        found = found.filter(question__question=question)
    return found.get()


def taken(agent, client, plan, *, origin=Attendance.Origin.PHONE, problem="No internet since 9h"):
    """An attendance walked up to its ticket."""
    attendance = steps.start_attendance(actor=agent, origin=origin)
    steps.choose_client(attendance=attendance, actor=agent, client=client)
    return steps.record_attendance_details(
        attendance=attendance, actor=agent, plan=plan, problem=problem
    )


def at(hour, minute=0, days=1):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(
        day, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    ).replace(hour=hour, minute=minute)


# The steps, through the services.


def test_attendance_details_open_a_ticket_in_the_plan_department_taken_by_the_agent(
    agent, light_user, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attendance = taken(agent, light_user, plan)
    ticket = attendance.ticket
    assert ticket.department == plan.department
    assert ticket.requester == light_user
    assert ticket.channel == Ticket.Channel.PHONE
    assert ticket.title == "No internet since 9h"
    assert ticket.assignee == agent
    assert ticket.entries.get(kind=TicketEntry.Kind.MESSAGE).body_text == "No internet since 9h"
    assert mail.outbox == []  # the protocol is mailed at the end, not a receipt now


def test_a_title_taken_from_the_problem_drops_its_final_full_stop(agent, light_user, plan):
    """A subject line has no full stop: mail templates put their own after the title."""
    attendance = taken(agent, light_user, plan, problem="Sem internet desde ontem à noite.")
    assert attendance.ticket.title == "Sem internet desde ontem à noite"
    assert attendance.problem == "Sem internet desde ontem à noite."


def test_the_client_changed_after_the_ticket_exists_becomes_its_requester(
    agent, light_user, colleague, plan
):
    attendance = taken(agent, light_user, plan)
    steps.choose_client(attendance=attendance, actor=agent, client=colleague)
    ticket = Ticket.objects.get(id=attendance.ticket_id)
    assert ticket.requester == colleague
    assert ticket.entries.filter(kind=TicketEntry.Kind.EDIT).exists()  # kept in the history
    with pytest.raises(NotAllowed):  # still only a customer
        steps.choose_client(attendance=attendance, actor=agent, client=agent)


def test_only_the_agent_who_took_it_walks_an_attendance(agent, manager, light_user, plan):
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.EMAIL)
    with pytest.raises(NotAllowed):
        steps.choose_client(attendance=attendance, actor=manager, client=light_user)
    with pytest.raises(NotAllowed):
        steps.start_attendance(actor=light_user, origin=Attendance.Origin.EMAIL)


def test_a_script_is_walked_forward_and_back_and_its_report_stored_on_the_ticket(
    agent, light_user, plan, script
):
    attendance = taken(agent, light_user, plan)
    attendance = steps.choose_script(attendance=attendance, actor=agent, script=script)
    question, chosen = steps.script_step(attendance)
    assert (question.question, chosen) == ("Are the modem lights on?", None)

    attendance = steps.answer_question(
        attendance=attendance, actor=agent, option=option(script, "Yes")
    )
    assert steps.script_step(attendance)[0].question == "Does a restart help?"
    attendance = steps.answer_question(
        attendance=attendance, actor=agent, option=option(script, "Still down")
    )
    assert steps.script_step(attendance)[0].question == "Cable plugged?"

    # "Previous" shows the earlier question with the answer given.
    attendance = steps.go_to_answer(attendance=attendance, actor=agent, position=1)
    question, chosen = steps.script_step(attendance)
    assert question.question == "Does a restart help?"
    assert chosen == option(script, "Still down").id

    # Another answer there ends the script and drops what followed the old one.
    attendance = steps.answer_question(
        attendance=attendance, actor=agent, option=option(script, "It works now")
    )
    assert steps.script_step(attendance) == (None, None)
    assert steps.script_report(attendance) == [
        ("Are the modem lights on?", "Yes"),
        ("Does a restart help?", "It works now"),
    ]

    attendance = steps.end_script(attendance=attendance, actor=agent)
    note = attendance.ticket.entries.get(data__attendance="script")
    assert note.kind == TicketEntry.Kind.NOTE
    assert not note.is_public
    assert "No internet" in note.body_text
    assert "Does a restart help?" in note.body_text
    assert "It works now" in note.body_text
    assert "Still down" not in note.body_text


def test_an_answer_must_belong_to_the_current_question(agent, light_user, plan, script):
    attendance = taken(agent, light_user, plan)
    attendance = steps.choose_script(attendance=attendance, actor=agent, script=script)
    with pytest.raises(NotAllowed):
        steps.answer_question(
            attendance=attendance, actor=agent, option=option(script, "It was loose")
        )


def test_first_contact_records_a_note_with_files_and_mails_the_protocol(
    agent, light_user, plan, phone_type, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    attendance = taken(agent, light_user, plan)
    log = SimpleUploadedFile("modem.txt", b"lights: off", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        attendance = steps.record_first_contact(
            attendance=attendance, actor=agent, attendance_type=phone_type,
            description="Checked the cable.", files=[log], outcome=Outcome.OPEN,
        )  # fmt: skip
    note = attendance.ticket.entries.get(data__attendance="first_contact")
    assert note.data["type_id"] == phone_type.id  # named in the reader's language as read
    assert "Checked the cable." in note.body_text
    assert note.attachments.get().name == "modem.txt"
    assert attendance.first_contact_at is not None
    assert attendance.finished_at is None  # until its protocol is shown
    (protocol,) = mail.outbox
    assert protocol.to == [light_user.email]
    assert attendance.ticket.reference in protocol.subject
    assert attendance.ticket.reference in protocol.body
    with pytest.raises(steps.AttendanceFinished):
        steps.end_script(attendance=attendance, actor=agent)


def test_first_contact_resolved_records_the_ticket_as_resolved(agent, light_user, plan, phone_type):
    attendance = taken(agent, light_user, plan)
    attendance = steps.record_first_contact(
        attendance=attendance, actor=agent, attendance_type=phone_type,
        description="Restarted the modem.", outcome=Outcome.RESOLVED,
    )  # fmt: skip
    attendance.ticket.refresh_from_db()
    assert attendance.ticket.status == Status.RESOLVED


def test_an_attendance_type_sends_the_ticket_to_its_department_and_agent(
    agent, light_user, plan, other_department, other_agent
):
    billing = AttendanceType.objects.create(
        name="Billing question", department=other_department, agent=other_agent
    )
    attendance = taken(agent, light_user, plan)
    steps.record_first_contact(
        attendance=attendance, actor=agent, attendance_type=billing,
        description="Wants a second copy.", outcome=Outcome.OPEN,
    )  # fmt: skip
    ticket = Ticket.objects.get(id=attendance.ticket_id)
    assert (ticket.department, ticket.assignee) == (other_department, other_agent)


def test_a_plan_may_route_elsewhere_and_the_agent_still_finishes_the_attendance(
    agent, light_user, other_department, phone_type, technician
):
    from tickets.permissions import get_ticket_for

    billing_plan = ServicePlan.objects.create(name="Billing", department=other_department)
    attendance = taken(agent, light_user, billing_plan)
    ticket = attendance.ticket
    assert ticket.department == other_department
    assert ticket.assignee is None  # not one of the agent's departments: it waits in Billing
    assert get_ticket_for(agent, ticket.number) == ticket
    steps.record_first_contact(
        attendance=attendance, actor=agent, attendance_type=phone_type,
        description="Sent to billing.", outcome=Outcome.SERVICE_ORDER,
    )  # fmt: skip
    order = field_work.schedule_service_order(
        ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.REMOTE,
        starts_at=at(9), ends_at=at(10), description="Check the invoice system.",
    )  # fmt: skip
    assert order.ticket == ticket


def test_earlier_contacts_are_tickets_and_chats_by_address_period_range_and_quantity(
    agent, light_user, department
):
    old = open_for(light_user, department, title="Old one")
    Ticket.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=40))
    open_for(light_user, department, title="Recent one", body_html="<p>Printer jammed</p>")
    chat = ChatSession.objects.create(
        visitor_name="Lia", visitor_email=light_user.email, department=department,
        visitor=light_user,
    )  # fmt: skip
    ChatMessage.objects.create(
        session=chat, sequence=1, kind=ChatMessage.Kind.VISITOR, author_name="Lia",
        body_text="Hello, my modem blinks",
    )  # fmt: skip
    everything = selectors.earlier_contacts(agent, email=light_user.email.upper())
    assert [contact.kind for contact in everything] == ["chat", "ticket", "ticket"]
    assert everything[0].summary == "Hello, my modem blinks"
    assert everything[1].summary == "Printer jammed"
    assert everything[1].login == light_user.email

    last_month = selectors.earlier_contacts(agent, email=light_user.email, days=30)
    assert len(last_month) == 2
    long_ago = timezone.localdate() - timedelta(days=41)
    ranged = selectors.earlier_contacts(
        agent, email=light_user.email, start=long_ago, end=long_ago + timedelta(days=2)
    )
    assert [contact.subject for contact in ranged] == [f"{old.reference} Old one"]
    assert len(selectors.earlier_contacts(agent, email=light_user.email, limit=1)) == 1


def test_earlier_contacts_leave_out_chats_of_an_address_only_typed(agent, light_user, department):
    typed = {"visitor_name": "Lia", "visitor_email": light_user.email, "department": department}
    ChatSession.objects.create(**typed)
    confirmed = ChatSession.objects.create(**typed, email_confirmed_at=timezone.now())
    signed_in = ChatSession.objects.create(**typed, visitor=light_user)
    found = selectors.earlier_contacts(agent, email=light_user.email)
    assert sorted(contact.url for contact in found) == sorted(
        reverse("chat:agent_print", args=[chat.id]) for chat in (confirmed, signed_in)
    )


def test_earlier_contacts_show_only_what_the_agent_may_see(other_agent, light_user, department):
    open_for(light_user, department)
    assert selectors.earlier_contacts(other_agent, email=light_user.email) == []


def test_clients_are_found_by_field_and_condition(light_user, colleague, organization, agent):
    light_user.phone = "+55 11 98888-0000"
    light_user.save()

    def names(field_name, condition, text):
        found = selectors.find_clients(field_name=field_name, condition=condition, text=text)
        return [person.email for person in found]

    assert names("email", "starts_with", "LIGHT@") == [light_user.email]
    assert names("email", "equals", "light@acme") == []
    assert set(names("organization", "contains", "acme")) == {light_user.email, colleague.email}
    assert names("phone", "contains", "98888") == [light_user.email]
    assert agent.email not in names("email", "contains", "@")  # agents are not clients


# Service orders and the agenda.


def test_one_technicians_orders_may_not_overlap(agent, light_user, department, technician):
    ticket = open_for(light_user, department)

    def book(start, end, **fields):
        return field_work.schedule_service_order(
            ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.ON_SITE,
            starts_at=start, ends_at=end, description="Install the router.", **fields,
        )  # fmt: skip

    first = book(at(9), at(11))
    assert first.duration_minutes == 120
    with pytest.raises(field_work.Overlaps) as clash:
        book(at(10), at(12))
    assert clash.value.order == first
    with pytest.raises(field_work.Overlaps):
        book(at(8), at(9, 30))
    book(at(11), at(12))  # back to back is fine
    book(at(9), at(10), status=ServiceOrder.Status.CANCELLED)  # a cancelled one blocks nothing
    field_work.change_service_order(
        order=first, actor=agent, technician=technician, kind=first.kind,
        status=ServiceOrder.Status.CANCELLED, starts_at=first.starts_at, ends_at=first.ends_at,
        description=first.description,
    )  # fmt: skip
    book(at(9), at(10))  # its time is free again


def test_the_ticket_page_lists_its_service_orders_only_when_it_has_some(
    client, agent, light_user, department, technician
):
    ticket = open_for(light_user, department)
    client.force_login(agent)
    url = f"/agent/tickets/{ticket.number}/"
    assert 'class="list-unstyled mb-0 service-orders"' not in client.get(url).content.decode()
    field_work.schedule_service_order(
        ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.REMOTE,
        starts_at=at(9), ends_at=at(10), description="Check the router.",
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert 'class="list-unstyled mb-0 service-orders"' in page
    assert "Check the router." in page


def test_only_technicians_take_service_orders(agent, light_user, department):
    ticket = open_for(light_user, department)
    with pytest.raises(NotAllowed):
        field_work.schedule_service_order(
            ticket=ticket, actor=agent, technician=agent, kind=ServiceOrder.Kind.REMOTE,
            starts_at=at(9), ends_at=at(10), description="x",
        )  # fmt: skip


def test_the_customer_is_mailed_and_sees_the_scheduled_visit(
    client, agent, light_user, department, technician, password, django_capture_on_commit_callbacks
):
    ticket = open_for(light_user, department)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        field_work.schedule_service_order(
            ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.ON_SITE,
            starts_at=at(14), ends_at=at(15, 30), description="Replace the modem.",
        )  # fmt: skip
    (visit,) = mail.outbox
    assert visit.to == [light_user.email]
    assert "On-site visit" in visit.subject
    assert "Tina Technician" in visit.body
    client.force_login(light_user)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Scheduled visits" in page
    assert "Tina Technician" in page
    assert "Replace the modem." not in page  # the work description is the agents'


def test_the_agenda_shows_orders_by_day_week_and_month_with_filters(
    client, agent, light_user, department, technician, password
):
    ticket = open_for(light_user, department)
    other = AgentFactory(email="bob@helpdesk.example", full_name="Bob Tech", is_technician=True)
    field_work.schedule_service_order(
        ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.SITE_SURVEY,
        starts_at=at(10), ends_at=at(11), description="Survey the roof.",
    )  # fmt: skip
    client.force_login(agent)
    day = at(10).date().isoformat()
    page = client.get(f"/agent/agenda/?date={day}").content.decode()
    column = '<th scope="col">{}</th>'.format
    assert column("Tina Technician") in page
    assert column("Bob Tech") in page
    assert ticket.reference in page
    assert f"technician={other.id}" in page  # a free hour of Bob's links to a new order
    assert "Schedule Bob Tech at 10:00" in page
    assert "Schedule Tina Technician at 10:00" not in page  # taken by the survey
    assert "Schedule Tina Technician at 11:00" in page

    only_bob = client.get(f"/agent/agenda/?date={day}&who={other.id}").content.decode()
    assert ticket.reference not in only_bob
    team = client.get(f"/agent/agenda/?date={day}&team={department.id}").content.decode()
    assert column("Tina Technician") in team
    assert column("Bob Tech") not in team
    remote_only = client.get(f"/agent/agenda/?date={day}&kind=remote").content.decode()
    assert ticket.reference not in remote_only
    for view in ("week", "month"):
        page = client.get(f"/agent/agenda/?view={view}&date={day}").content.decode()
        assert ticket.reference in page, view


def test_a_free_slot_opens_the_order_form_at_that_time_and_an_overlap_is_shown_by_the_field(
    client, agent, light_user, department, technician
):
    ticket = open_for(light_user, department)
    field_work.schedule_service_order(
        ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.ON_SITE,
        starts_at=at(9), ends_at=at(11), description="First visit.",
    )  # fmt: skip
    client.force_login(agent)
    day = at(9).date().isoformat()
    url = f"/agent/tickets/{ticket.number}/service-order/"
    form = client.get(f"{url}?technician={technician.id}&date={day}&start=10:00&end=11:00")
    html = form.content.decode()
    assert 'value="10:00"' in html
    assert f'value="{day}"' in html
    response = client.post(url, {
        "technician": technician.id, "kind": "on_site", "status": "scheduled", "date": day,
        "start": "10:00", "end": "12:00", "description": "Second visit.",
    })  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Tina Technician has" in errors["start"][0]
    assert ticket.reference in errors["start"][0]
    assert 'value="Second visit."' in response.content.decode() or "Second visit." in (
        response.content.decode()
    )
    assert ServiceOrder.objects.count() == 1


def test_an_order_from_the_agenda_without_a_ticket_asks_for_one(
    client, agent, light_user, outsider, other_department, department, technician
):
    mine = open_for(light_user, department)
    not_mine = open_for(outsider, other_department)
    client.force_login(agent)
    fields = {
        "technician": technician.id, "kind": "remote", "status": "scheduled",
        "date": at(9).date().isoformat(), "start": "09:00", "end": "10:00", "description": "x",
    }  # fmt: skip
    refused = client.post("/agent/agenda/new/", {**fields, "ticket_number": not_mine.number})
    assert "ticket_number" in refused.context["form"].errors
    client.post("/agent/agenda/new/", {**fields, "ticket_number": mine.number})
    assert ServiceOrder.objects.get().ticket == mine


# Tasks and e-mail from templates.


def test_a_task_is_created_mailed_and_done(agent, manager, light_user, department, client):
    ticket = open_for(light_user, department)
    mail.outbox.clear()
    client.force_login(agent)
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/agent/tickets/{ticket.number}/task/",
        {"title": "Call back", "assignee": manager.id, "due_at": due},
    )
    task = ticket.tasks.get()
    assert (task.title, task.assignee) == ("Call back", manager)
    assert [message.to for message in mail.outbox] == [[manager.email]]
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "Call back" in page
    client.post(f"/agent/tasks/{task.id}/done/")
    task.refresh_from_db()
    assert task.done_at is not None


def test_an_email_from_a_template_reaches_the_chosen_contacts_with_copies_and_files(
    client, agent, light_user, colleague, master_user, department, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ticket = open_for(light_user, department, title="Router")
    template = EmailTemplate.objects.create(
        name="Visit", subject="Visit for {ticket_number}", body="Hi {customer_first_name}."
    )
    mail.outbox.clear()
    client.force_login(agent)
    url = f"/agent/tickets/{ticket.number}/email/"
    page = client.get(url).content.decode()
    assert colleague.email in page
    assert master_user.email in page
    assert f"Visit for {ticket.reference}" in page  # templates come filled for this ticket
    assert str(template.id) in page
    response = client.post(url, {
        "recipients": [light_user.email, master_user.email],
        "cc": "boss@acme.example; it@acme.example",
        "template": template.id,
        "subject": f"Visit for {ticket.reference}",
        "body": "Hi there.",
        "attachments": [SimpleUploadedFile("plan.txt", b"the plan", content_type="text/plain")],
    })  # fmt: skip
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == [light_user.email, master_user.email]
    assert sent.cc == ["boss@acme.example", "it@acme.example"]
    assert f"[{ticket.reference}]" in sent.subject
    assert [(name, content) for name, content, _type in sent.attachments] == [
        ("plan.txt", "the plan")
    ]
    entry = ticket.entries.get(kind=TicketEntry.Kind.EMAIL)
    assert not entry.is_public
    assert entry.data["to"] == [light_user.email, master_user.email]
    assert entry.attachments.get().name == "plan.txt"


def test_a_bad_copy_address_is_shown_by_its_field_and_nothing_typed_is_lost(
    client, agent, light_user, department
):
    ticket = open_for(light_user, department)
    client.force_login(agent)
    response = client.post(f"/agent/tickets/{ticket.number}/email/", {
        "recipients": [light_user.email], "cc": "not-an-address", "subject": "Hello",
        "body": "A long text I wrote.",
    })  # fmt: skip
    assert response.status_code == 200
    assert "not-an-address is not an e-mail address." in response.context["form"].errors["cc"]
    assert "A long text I wrote." in response.content.decode()


def test_only_the_clients_contacts_can_be_chosen(client, agent, light_user, outsider, department):
    ticket = open_for(light_user, department)
    client.force_login(agent)
    response = client.post(f"/agent/tickets/{ticket.number}/email/", {
        "recipients": [outsider.email], "subject": "Hello", "body": "Text",
    })  # fmt: skip
    assert response.status_code == 200
    assert "recipients" in response.context["form"].errors


# The pages: a walk from origin to protocol, and who may open them.


def test_an_agent_walks_an_attendance_from_origin_to_protocol(
    client, agent, plan, script, phone_type, organization, django_capture_on_commit_callbacks
):
    CustomerFactory(email="earlier@acme.example", full_name="Earl Ier", organization=organization)
    client.force_login(agent)
    response = client.post("/agent/attendance/new/", {"origin": "phone"})
    attendance = Attendance.objects.get()
    assert response["Location"] == f"/agent/attendance/{attendance.id}/contacts/"
    base = f"/agent/attendance/{attendance.id}"

    page = client.get(f"{base}/contacts/?email=earlier@acme.example&limit=20")
    assert "0 earlier contacts" in page.content.decode()
    response = client.post(f"{base}/contacts/", {"email": "nobody@acme.example"})
    assert response["Location"].startswith(f"{base}/contacts/?email=nobody%40acme.example")
    response = client.post(
        f"{base}/contacts/", {"email": "nobody@acme.example", "searched": "nobody@acme.example"}
    )
    assert response["Location"] == f"{base}/client/"

    found = client.get(f"{base}/client/?field_name=name&condition=starts_with&text=earl&limit=5")
    assert "Earl Ier" in found.content.decode()
    response = client.post(f"{base}/client/", {
        "action": "add", "full_name": "Nina New", "email": "Nina@Acme.example",
        "phone": "+55 11 4000-0000", "organization": organization.id,
    })  # fmt: skip
    assert response["Location"] == f"{base}/details/"
    attendance.refresh_from_db()
    assert (attendance.client.email, attendance.client.phone) == (
        "nina@acme.example",
        "+55 11 4000-0000",
    )

    empty = client.post(
        f"{base}/details/", {"plan": plan.id, "title": "Kept title", "problem": " "}
    )
    assert "problem" in empty.context["form"].errors
    assert 'value="Kept title"' in empty.content.decode()
    client.post(f"{base}/details/", {"plan": plan.id, "problem": "Internet is down."})
    attendance.refresh_from_db()
    assert attendance.ticket.title == "Internet is down"

    client.post(f"{base}/script/", {"action": "choose", "script": script.id})
    page = client.get(f"{base}/script/").content.decode()
    assert "Are the modem lights on?" in page
    assert "Look at the modem." in page
    assert "Open the monitor." in page
    client.post(f"{base}/script/", {"action": "answer", "option": option(script, "No").id})
    client.post(f"{base}/script/", {"action": "previous"})
    page = client.get(f"{base}/script/").content.decode()
    assert "Are the modem lights on?" in page
    client.post(f"{base}/script/", {"action": "answer", "option": option(script, "No").id})
    client.post(
        f"{base}/script/", {"action": "answer", "option": option(script, "It was loose").id}
    )
    response = client.post(f"{base}/script/", {"action": "end"})
    assert response["Location"] == f"{base}/first-contact/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/first-contact/", {
            "attendance_type": phone_type.id, "description": "Plugged the cable back.",
            "outcome": "service_order",
        })  # fmt: skip
    number = attendance.ticket.number
    back = f"%2Fagent%2Fattendance%2F{attendance.id}%2Fprotocol%2F"
    assert response["Location"] == f"/agent/tickets/{number}/service-order/?then={back}"
    protocol = client.get(f"{base}/protocol/").content.decode()
    assert f"#{number}" in protocol
    assert any(f"#{number}" in message.subject for message in mail.outbox)
    # Once finished, a step shows the protocol instead.
    assert client.get(f"{base}/script/")["Location"] == f"{base}/protocol/"


def test_attendance_pages_are_for_the_agent_who_took_it(
    client, agent, manager, light_user, administrator
):
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE)
    url = f"/agent/attendance/{attendance.id}/contacts/"
    client.force_login(light_user)
    assert client.get("/agent/attendance/new/").status_code == 403
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 404
    client.force_login(administrator)
    assert client.get(url).status_code == 200


def test_follow_ups_of_a_ticket_one_may_not_see_are_404(
    client, other_agent, light_user, department
):
    ticket = open_for(light_user, department)
    client.force_login(other_agent)
    for path in ("service-order", "task", "email"):
        assert client.get(f"/agent/tickets/{ticket.number}/{path}/").status_code == 404, path


def test_an_interrupted_attendance_is_resumed_where_it_stopped(client, agent, light_user, plan):
    attendance = taken(agent, light_user, plan)
    steps.start_attendance(actor=agent, origin=Attendance.Origin.EMAIL)
    client.force_login(agent)
    page = client.get("/agent/attendance/new/").content.decode()
    assert f"/agent/attendance/{attendance.id}/script/" in page
    assert "No internet since 9h" in page


def test_an_agent_cannot_resolve_what_the_plan_sent_to_another_department(
    client, agent, light_user, other_department, phone_type
):
    billing_plan = ServicePlan.objects.create(name="Billing", department=other_department)
    attendance = taken(agent, light_user, billing_plan)
    client.force_login(agent)
    response = client.post(f"/agent/attendance/{attendance.id}/first-contact/", {
        "attendance_type": phone_type.id, "description": "Sent on.", "outcome": "resolved",
    })  # fmt: skip
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    assert "Sent on." in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.finished_at is None


def test_the_agenda_hides_tickets_one_may_not_see_but_not_the_busy_time(
    client, agent, other_agent, light_user, department, technician
):
    ticket = open_for(light_user, department)
    field_work.schedule_service_order(
        ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.REMOTE,
        starts_at=at(10), ends_at=at(11), description="Secret work.",
    )  # fmt: skip
    client.force_login(other_agent)
    page = client.get(f"/agent/agenda/?date={at(10).date().isoformat()}").content.decode()
    assert ticket.reference not in page
    assert "11:00 busy" in page
    assert "Schedule Tina Technician at 10:00" not in page


def test_addresses_are_suggested_from_their_first_letters(
    client, agent, light_user, colleague, department
):
    ChatSession.objects.create(
        visitor_name="V", visitor_email="Lia@visitor.example", department=department
    )
    client.force_login(agent)
    found = client.get("/agent/attendance/addresses/", {"email": "L"}).content.decode()
    assert "<option" not in found  # one letter says too little
    found = client.get("/agent/attendance/addresses/", {"email": "li"}).content.decode()
    assert re.findall(r'<option value="([^"]*)">', found) == [
        "lia@visitor.example", light_user.email,
    ]  # fmt: skip
    client.force_login(light_user)
    assert client.get("/agent/attendance/addresses/", {"email": "li"}).status_code == 403


def test_the_attendance_pages_speak_portuguese(
    client, agent, light_user, plan, script, technician, settings
):
    attendance = taken(agent, light_user, plan)
    steps.choose_script(attendance=attendance, actor=agent, script=script)
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    base = f"/agent/attendance/{attendance.id}"
    pages = {
        "/agent/attendance/new/": "Qual é a origem do contato?",
        f"{base}/script/": "Explicação para o cliente",
        f"{base}/first-contact/": "Primeiro contato",
        f"/agent/tickets/{attendance.ticket.number}/service-order/": "Nova ordem de serviço",
        f"/agent/tickets/{attendance.ticket.number}/email/": "Inverter seleção",
    }
    for view in ("day", "week", "month"):
        pages[f"/agent/agenda/?view={view}"] = "Agenda técnica"
    for url, words in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert words in response.content.decode(), url


def test_an_agent_lists_their_tasks_across_tickets_and_marks_them_done(
    client, agent, manager, light_user, department, django_assert_max_num_queries
):
    first, second = open_for(light_user, department, title="A"), open_for(light_user, department)
    later = field_work.add_task(
        ticket=first, actor=manager, title="Call back", assignee=agent, due_at=at(15)
    )
    sooner = field_work.add_task(
        ticket=second, actor=manager, title="Send the manual", assignee=agent, due_at=at(9)
    )
    field_work.add_task(ticket=first, actor=agent, title="Not mine", assignee=manager, due_at=at(9))
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        page = client.get("/agent/tasks/")
    assert list(page.context["page"].object_list) == [sooner, later]
    response = client.post(f"/agent/tasks/{sooner.id}/done/", {"back": "tasks"})
    assert response["Location"] == "/agent/tasks/"
    assert list(client.get("/agent/tasks/").context["page"].object_list) == [later]
    assert list(client.get("/agent/tasks/?done=1").context["page"].object_list) == [sooner]


def test_marking_an_attendance_resolved_asks_yes_first(client, agent, light_user, plan, phone_type):
    attendance = taken(agent, light_user, plan)
    client.force_login(agent)
    step = f"/agent/attendance/{attendance.id}/first-contact/"
    data = {"attendance_type": phone_type.id, "description": "Restarted.", "outcome": "resolved"}
    asked = client.post(step, data)
    assert asked.status_code == 200
    assert asked.context["form"].errors["resolved_confirmed"] == [
        "Confirm that the attendance is resolved, or choose another outcome."
    ]
    attendance.refresh_from_db()
    assert attendance.finished_at is None
    assert attendance.ticket.status != "resolved"
    done = client.post(step, {**data, "resolved_confirmed": "on"})
    assert done.status_code == 302
    attendance.refresh_from_db()
    assert attendance.ticket.status == "resolved"


def test_an_address_holding_a_nul_is_sent_back_to_the_field(client, agent):
    # On PostgreSQL a NUL in a query was a database error (a 500), found by tests/test_fuzz.py.
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE)
    url = f"/agent/attendance/{attendance.id}/contacts/"
    client.force_login(agent)
    response = client.post(url, {"email": "li\x00a@acme.example"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{url}?email=li%00a")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["form"].errors["email"]
    attendance.refresh_from_db()
    assert attendance.contact_email == ""
    assert client.get("/agent/attendance/addresses/", {"email": "li\x00"}).status_code == 200


def test_a_visit_scheduled_for_a_time_already_past_is_refused_by_the_start(
    client, agent, light_user, department, technician
):
    ticket = open_for(light_user, department)
    client.force_login(agent)
    earlier = timezone.localtime() - timedelta(hours=3)
    fields = {
        "technician": technician.id, "kind": "on_site", "status": "scheduled",
        "date": earlier.date().isoformat(), "start": earlier.strftime("%H:%M"),
        "end": (earlier + timedelta(minutes=90)).strftime("%H:%M"), "description": "Troca.",
    }  # fmt: skip
    if fields["end"] <= fields["start"]:  # three hours ago was just before midnight
        fields["end"] = "23:59"
    url = f"/agent/tickets/{ticket.number}/service-order/"
    refused = client.post(url, fields)
    assert refused.status_code == 200
    assert "That time has passed" in refused.context["form"].errors["start"][0]
    assert not ServiceOrder.objects.exists()
    done = client.post(url, {**fields, "status": "done"})  # a visit already made is recorded
    assert done.status_code == 302
    order = ServiceOrder.objects.get()
    # Changing the text of an order whose time has passed keeps that time without a refusal.
    edit = f"/agent/service-orders/{order.id}/"
    changed = client.post(edit, {**fields, "status": "scheduled", "description": "Troca feita."})
    assert changed.status_code == 302, changed.context["form"].errors
