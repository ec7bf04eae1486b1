"""The wizard reopened before the protocol (S1, issue 15 item 9): steps changed, the client
picked from the address changed, the typed address searched, routing shown and applied by
the system's rule, the attendance in progress until its protocol is shown."""

import pytest
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import CustomerFactory
from attendance import services as steps
from attendance.models import Attendance, AttendanceType, ServicePlan
from attendance.services import Outcome
from attendance.tests.test_attendance import option, taken
from tickets.models import Ticket, TicketEntry

pytestmark = pytest.mark.django_db


def test_every_step_reached_is_linked_until_the_first_contact(client, agent, light_user, plan):
    attendance = taken(agent, light_user, plan)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    page = client.get(f"{base}/script/").content.decode()
    for step in ("origin", "contacts", "client", "details", "first-contact"):
        assert f'href="{base}/{step}/"' in page, step
    assert f'href="{base}/script/"' not in page  # the current one
    for step in ("origin", "contacts", "client", "details"):
        assert client.get(f"{base}/{step}/").status_code == 200, step


def test_reopened_details_move_the_ticket_by_the_plan_without_the_transfer_right(
    agent, light_user, plan, script, other_department
):
    agent.can_transfer_tickets = agent.can_edit_tickets = False
    agent.save(update_fields=["can_transfer_tickets", "can_edit_tickets"])
    attendance = taken(agent, light_user, plan)
    steps.choose_script(attendance=attendance, actor=agent, script=script)
    steps.answer_question(attendance=attendance, actor=agent, option=option(script, "No"))
    billing = ServicePlan.objects.create(name="Billing", department=other_department)
    steps.record_attendance_details(
        attendance=attendance, actor=agent, plan=billing, problem="A second copy of the bill"
    )
    ticket = Ticket.objects.get(id=attendance.ticket_id)
    assert ticket.department == other_department
    assert ticket.title == "A second copy of the bill"
    assert ticket.entries.get(kind=TicketEntry.Kind.MESSAGE).body_text == (
        "A second copy of the bill"
    )
    attendance.refresh_from_db()
    assert (attendance.plan, attendance.script_answers[0]["option"]) == (
        billing,
        option(script, "No").id,
    )  # the script's answers do not depend on the plan: kept


def test_a_client_picked_from_the_address_goes_with_it_and_one_chosen_stays(agent, organization):
    first: User = CustomerFactory(email="first@acme.example", organization=organization)
    second: User = CustomerFactory(email="second@acme.example", organization=organization)
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE)
    steps.set_contact_email(attendance=attendance, actor=agent, email=first.email, client=first)
    attendance = steps.set_contact_email(
        attendance=attendance, actor=agent, email=second.email, client=second
    )
    assert attendance.client == second
    attendance = steps.set_contact_email(
        attendance=attendance, actor=agent, email="unknown@acme.example"
    )
    assert attendance.client is None  # picked from the old address: asked again
    steps.choose_client(attendance=attendance, actor=agent, client=first)
    attendance = steps.set_contact_email(
        attendance=attendance, actor=agent, email="other@acme.example"
    )
    assert attendance.client == first  # chosen by hand: kept


def test_a_client_picked_from_the_address_can_be_changed_on_the_page(
    client, agent, light_user, colleague, plan
):
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.EMAIL)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    client.post(f"{base}/contacts/", {"email": light_user.email, "searched": light_user.email})
    client.post(f"{base}/details/", {"plan": plan.id, "problem": "No internet."})
    page = client.get(f"{base}/client/?field_name=name&condition=contains&text=&limit=5")
    assert page.status_code == 200
    response = client.post(f"{base}/client/", {"action": "choose", "client": colleague.id})
    assert response["Location"] == f"{base}/details/"
    attendance.refresh_from_db()
    assert attendance.client == colleague
    assert Ticket.objects.get(attendance=attendance).requester == colleague


def test_an_address_typed_is_searched_on_next_before_going_on(client, agent, light_user):
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.EMAIL)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    response = client.post(f"{base}/contacts/", {"action": "next", "email": light_user.email})
    assert response["Location"].startswith(f"{base}/contacts/?email=")
    attendance.refresh_from_db()
    assert (attendance.contact_email, attendance.client) == (light_user.email, light_user)
    page = client.get(response["Location"]).content.decode()
    assert "earlier contact" in page
    assert f'name="searched" value="{light_user.email}"' in page
    response = client.post(
        f"{base}/contacts/",
        {"action": "next", "email": light_user.email, "searched": light_user.email},
    )
    assert response["Location"] == f"{base}/client/"


def test_a_routed_type_shows_where_it_goes_before_confirming(
    client, agent, light_user, plan, other_department, other_agent
):
    AttendanceType.objects.create(name="Billing question", department=other_department)
    AttendanceType.objects.create(name="Sales", department=other_department, agent=other_agent)
    attendance = taken(agent, light_user, plan)
    client.force_login(agent)
    page = client.get(f"/agent/attendance/{attendance.id}/first-contact/").content.decode()
    assert f'data-routes-to="{other_department.name}, to its queue"' in page
    assert f'data-routes-to="{other_department.name}, to {other_agent.full_name}"' in page
    assert "data-routes-to-output" in page


def test_a_type_routes_for_an_operator_without_the_transfer_right(
    client, agent, light_user, plan, other_department
):
    agent.can_transfer_tickets = False
    agent.save(update_fields=["can_transfer_tickets"])
    billing = AttendanceType.objects.create(name="Billing question", department=other_department)
    attendance = taken(agent, light_user, plan)
    client.force_login(agent)
    response = client.post(f"/agent/attendance/{attendance.id}/first-contact/", {
        "attendance_type": billing.id, "description": "Wants a copy.", "outcome": "open",
    })  # fmt: skip
    assert response["Location"] == f"/agent/attendance/{attendance.id}/protocol/"
    assert Ticket.objects.get(id=attendance.ticket_id).department == other_department


def test_an_attendance_stays_in_progress_until_its_protocol_is_shown(
    client, agent, light_user, plan, phone_type
):
    attendance = taken(agent, light_user, plan)
    steps.record_first_contact(
        attendance=attendance, actor=agent, attendance_type=phone_type,
        description="A visit is needed.", outcome=Outcome.SERVICE_ORDER,
    )  # fmt: skip
    client.force_login(agent)
    protocol = f"/agent/attendance/{attendance.id}/protocol/"
    assert f'href="{protocol}"' in client.get("/agent/attendance/new/").content.decode()
    # Its steps are closed: they show the protocol.
    assert client.get(f"/agent/attendance/{attendance.id}/details/")["Location"] == protocol
    assert attendance.ticket.reference in client.get(protocol).content.decode()
    assert f'href="{protocol}"' not in client.get("/agent/attendance/new/").content.decode()


def test_a_reopened_script_asks_again_what_followed_a_changed_answer(
    client, agent, light_user, plan, script
):
    attendance = taken(agent, light_user, plan)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    client.post(f"{base}/script/", {"action": "choose", "script": script.id})
    client.post(f"{base}/script/", {"action": "answer", "option": option(script, "Yes").id})
    client.post(f"{base}/script/", {"action": "answer", "option": option(script, "Still down").id})
    client.post(f"{base}/script/", {"action": "end"})
    assert "Change the answers" in client.get(f"{base}/script/").content.decode()
    client.post(f"{base}/script/", {"action": "reopen"})
    client.post(f"{base}/script/", {"action": "go_to", "position": 0})
    client.post(f"{base}/script/", {"action": "answer", "option": option(script, "No").id})
    page = client.get(f"{base}/script/").content.decode()
    assert "Cable plugged?" in page  # the question that follows the new answer
    assert "Still down" not in page
    client.post(
        f"{base}/script/", {"action": "answer", "option": option(script, "It was loose").id}
    )
    client.post(f"{base}/script/", {"action": "end"})
    (note,) = attendance.ticket.entries.filter(data__attendance="script")
    assert "It was loose" in note.body_text
    assert "Still down" not in note.body_text


def test_another_agent_gets_404_on_the_reopened_steps(client, agent, other_agent, light_user, plan):
    attendance = taken(agent, light_user, plan)
    client.force_login(other_agent)
    for step in ("origin", "details", "client"):
        assert client.get(f"/agent/attendance/{attendance.id}/{step}/").status_code == 404


def test_the_origin_reopened_changes_the_tickets_channel(client, agent, light_user, plan):
    attendance = taken(agent, light_user, plan)
    client.force_login(agent)
    client.post(f"/agent/attendance/{attendance.id}/origin/", {"origin": "chat"})
    assert Ticket.objects.get(id=attendance.ticket_id).channel == Ticket.Channel.CHAT


def test_the_first_contact_note_names_its_type_in_the_readers_language(
    client, agent, light_user, plan, settings
):
    kind = AttendanceType.objects.create(name="Remote access", name_pt_br="Acesso remoto")
    attendance = taken(agent, light_user, plan)
    with translation.override("en"):
        steps.record_first_contact(
            attendance=attendance, actor=agent, attendance_type=kind,
            description="Connected.", outcome=Outcome.OPEN,
        )  # fmt: skip
    client.force_login(agent)
    url = f"/agent/tickets/{attendance.ticket.number}/"
    assert "Remote access" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    page = client.get(url).content.decode()
    assert "Acesso remoto" in page
    assert "Remote access" not in page


def test_the_attendances_own_ticket_is_no_earlier_contact(client, agent, light_user, plan):
    attendance = taken(agent, light_user, plan)
    assert attendance.ticket_id is not None
    client.force_login(agent)
    url = f"/agent/attendance/{attendance.id}/contacts/"
    found = client.get(url, {"email": light_user.email}).context["found"]
    own = Ticket.objects.get(id=attendance.ticket_id)
    assert all(own.reference not in contact.subject for contact in found)


def test_a_client_chosen_by_name_stays_when_the_address_is_somebody_elses(
    client, agent, light_user, colleague
):
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    client.post(f"{base}/client/", {"action": "choose", "client": colleague.id})
    response = client.post(
        f"{base}/contacts/",
        {"action": "next", "email": light_user.email, "searched": light_user.email},
        follow=True,
    )
    attendance.refresh_from_db()
    assert attendance.client == colleague
    page = response.content.decode()
    assert f"is the address of {light_user.full_name}" in page
    assert f"The client chosen, {colleague.full_name}, stays" in page


def test_next_without_an_address_goes_on_saying_so(client, agent):
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    response = client.post(f"{base}/contacts/", {"action": "next", "email": ""}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"{base}/client/"
    assert "No e-mail address was searched" in response.content.decode()
    searched = client.get(f"{base}/contacts/?email=&days=&start=&end=&limit=20")
    assert 'id="error_1_id_email"' in searched.content.decode() or (
        "This field is required." in searched.content.decode()
    )


def test_attendances_in_progress_name_their_client_or_say_none_was_chosen(
    client, agent, light_user
):
    with_client = steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE)
    steps.choose_client(attendance=with_client, actor=agent, client=light_user)
    steps.start_attendance(actor=agent, origin=Attendance.Origin.CHAT)
    client.force_login(agent)
    page = client.get("/agent/attendance/new/").content.decode()
    assert f"· {light_user.full_name}</span>" in page
    assert "· client not chosen</span>" in page


def test_the_script_report_is_shown_on_the_steps_after_it_and_titled_on_the_ticket(
    client, agent, light_user, plan, script
):
    attendance = taken(agent, light_user, plan)
    steps.choose_script(attendance=attendance, actor=agent, script=script)
    steps.answer_question(attendance=attendance, actor=agent, option=option(script, "No"))
    steps.end_script(attendance=attendance, actor=agent)
    client.force_login(agent)
    page = client.get(f"/agent/attendance/{attendance.id}/first-contact/").content.decode()
    assert 'id="script-report-title"' in page
    assert "<strong>Are the modem lights on?</strong> — No" in page
    ticket_page = client.get(f"/agent/tickets/{attendance.ticket.number}/").content.decode()
    assert 'class="mb-1 script-report-title"><strong>Script report</strong>' in ticket_page


def test_client_data_link_to_the_client_record_for_an_administrator(
    client, administrator, agent, light_user, plan
):
    attendance = taken(agent, light_user, plan)
    client.force_login(agent)
    page = client.get(f"/agent/attendance/{attendance.id}/details/").content.decode()
    assert "Client record: an administrator changes these data" in page
    attendance = taken(administrator, light_user, plan)
    client.force_login(administrator)
    page = client.get(f"/agent/attendance/{attendance.id}/details/").content.decode()
    assert f'href="/admin/accounts/user/{light_user.id}/change/"' in page


def test_online_support_contacts_are_the_persons_chats_whatever_address_they_typed(
    agent, light_user, department
):
    from attendance import selectors
    from chat.models import ChatSession
    from tickets.tests.fixtures import open_for

    open_for(light_user, department, title="Slow Wi-Fi")
    ChatSession.objects.create(
        visitor_name="Lia", visitor_email="lia.home@example.net", department=department,
        visitor=light_user,
    )  # fmt: skip
    ChatSession.objects.create(visitor_name="Lia", visitor_email="lia@spam.example",
                               department=department)  # fmt: skip
    chats = selectors.earlier_contacts(agent, email=light_user.email, kind="chat")
    assert [(contact.kind, contact.login) for contact in chats] == [("chat", light_user.email)]
    tickets = selectors.earlier_contacts(agent, email=light_user.email, kind="ticket")
    assert [contact.kind for contact in tickets] == ["ticket"]
    assert len(selectors.earlier_contacts(agent, email=light_user.email)) == 2


def test_files_sent_without_the_script_survive_a_refused_first_contact_and_email(
    client, agent, light_user, plan, phone_type
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from drafts.models import DraftFile

    attendance = taken(agent, light_user, plan)
    client.force_login(agent)
    url = f"/agent/attendance/{attendance.id}/first-contact/"
    page = client.get(url).content.decode()
    key = page.split('name="draft" value="')[1].split('"')[0]
    refused = client.post(url, {
        "draft": key, "outcome": Outcome.OPEN, "description": "",
        "attachments": SimpleUploadedFile("modem.txt", b"lights off"),
    })  # fmt: skip
    assert refused.status_code == 200
    draft = DraftFile.objects.get(form_key=key)
    assert 'class="draft-file-name">modem.txt<' in refused.content.decode()
    assert f'name="attachment_note_{draft.id}"' in refused.content.decode()
    client.post(url, {
        "draft": key, "outcome": Outcome.OPEN, "description": "Restarted.",
        "attendance_type": phone_type.id, f"attachment_note_{draft.id}": "Sent by the client",
    })  # fmt: skip
    entry = TicketEntry.objects.get(ticket=attendance.ticket, data__attendance="first_contact")
    assert [(a.name, a.note) for a in entry.attachments.all()] == [
        ("modem.txt", "Sent by the client")
    ]

    email = f"/agent/tickets/{attendance.ticket.number}/email/"
    key = client.get(email).content.decode().split('name="draft" value="')[1].split('"')[0]
    refused = client.post(email, {
        "draft": key, "recipients": [light_user.email], "subject": "", "body": "Here it is.",
        "attachments": SimpleUploadedFile("report.txt", b"the report"),
    })  # fmt: skip
    assert 'class="draft-file-name">report.txt<' in refused.content.decode()
    client.post(email, {
        "draft": key, "recipients": [light_user.email], "subject": "Report", "body": "Here.",
    })  # fmt: skip
    sent = TicketEntry.objects.get(ticket=attendance.ticket, kind=TicketEntry.Kind.EMAIL)
    assert [a.name for a in sent.attachments.all()] == ["report.txt"]
    assert not DraftFile.objects.exists()


def test_a_client_picked_from_the_address_is_dropped_with_a_word(client, agent, light_user):
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    client.post(f"{base}/contacts/", {"action": "next", "email": light_user.email})
    response = client.post(
        f"{base}/contacts/",
        {"action": "next", "email": "nobody@example.net", "searched": "nobody@example.net"},
        follow=True,
    )
    attendance.refresh_from_db()
    assert attendance.client is None
    assert f"{light_user.full_name} is no longer the client" in response.content.decode()


def test_an_attachments_notes_are_printed_with_it(client, agent, light_user, plan, phone_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    attendance = taken(agent, light_user, plan)
    upload = SimpleUploadedFile("modem.txt", b"lights off")
    upload.note = "Photo taken by the client"  # type: ignore[attr-defined]
    steps.record_first_contact(
        attendance=attendance, actor=agent, attendance_type=phone_type,
        description="Restarted.", files=[upload], outcome=Outcome.OPEN,
    )  # fmt: skip
    client.force_login(agent)
    url = f"/agent/tickets/{attendance.ticket.number}/print/?notes=1"
    page = client.get(url).content.decode()
    assert "modem.txt (10\xa0bytes) · Notes: Photo taken by the client" in page


def test_a_new_contact_starts_from_the_address_searched_when_nobody_has_it(
    client, agent, light_user
):
    """Found walking S1 1.4.1.1: 'Adicionar' started empty, the address typed again."""
    attendance = steps.start_attendance(actor=agent, origin=Attendance.Origin.EMAIL)
    base = f"/agent/attendance/{attendance.id}"
    client.force_login(agent)
    client.post(f"{base}/contacts/", {"action": "next", "email": "nova.cliente@example.com"})
    page = client.get(f"{base}/client/").content.decode()
    assert 'value="nova.cliente@example.com"' in page.split('name="full_name"', 1)[1]
    Attendance.objects.filter(id=attendance.id).update(contact_email=light_user.email)
    page = client.get(f"{base}/client/").content.decode()
    assert f'value="{light_user.email}"' not in page.split('name="full_name"', 1)[1]
