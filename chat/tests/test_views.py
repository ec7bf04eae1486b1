import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from chat import services
from chat.models import ChatSession
from chat.selectors import visitor_token
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(agent):
    services.set_presence(agent=agent, status="online")
    return agent


@pytest.fixture
def talked(online, department):
    chat = services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="2.2.2.2"
    )
    services.accept_chat(session=chat, agent=online)
    services.post_message(session=chat, text="O relatório não abre")
    services.post_message(session=chat, text="Atualize para a versão 2.4", agent=online)
    return chat


def test_starting_a_chat_leads_to_the_room_with_a_place_in_line(client, online, department):
    response = client.post(
        reverse("chat:visitor"),
        {"name": "Vera", "email": "vera@example.com", "department": department.id},
    )
    chat = ChatSession.objects.get()
    token = visitor_token(chat)
    assert response["Location"].startswith("/chat/")
    room = client.get(response["Location"])
    assert room.status_code == 200
    state = client.get(reverse("chat:state", args=[token])).content.decode()
    assert "You are number 1 in line." in state
    assert 'hx-trigger="every 5s, chat-waiting from:body"' in state


def test_once_an_agent_takes_the_chat_the_room_stops_asking_its_place(client, online, department):
    chat = services.start_chat(
        name="Vera", email="vera@example.com", department=department, visitor=None, ip="127.0.0.1"
    )
    services.accept_chat(session=chat, agent=online)
    state = client.get(reverse("chat:state", args=[visitor_token(chat)])).content.decode()
    assert "in line" not in state
    assert 'hx-trigger="chat-waiting from:body"' in state


def test_with_nobody_online_the_visitor_is_offered_a_ticket_prefilled(client, agent, department):
    response = client.post(
        reverse("chat:visitor"),
        {"name": "Vera", "email": "vera@example.com", "department": department.id},
    )
    assert "Nobody is online right now" in response.content.decode()
    assert not ChatSession.objects.exists()
    form = client.get(response.context["ticket_url"]).context["form"]
    assert form.initial["email"] == "vera@example.com"
    assert form.initial["full_name"] == "Vera"
    assert str(form.initial["department"]) == str(department.id)


def test_a_logged_in_visitor_chats_as_their_accounts_address(
    client, light_user, online, department
):
    client.force_login(light_user)
    form = client.get(reverse("chat:visitor")).context["form"]
    assert form.initial == {"name": light_user.full_name}
    assert "email" not in form.fields
    client.post(
        reverse("chat:visitor"),
        {"name": "Peter", "email": "ceo@another.example", "department": department.id},
    )
    chat = ChatSession.objects.get()
    assert (chat.visitor, chat.visitor_email) == (light_user, light_user.email)
    assert chat.is_email_verified


def test_the_start_form_reports_errors_next_to_fields(client):
    response = client.post(reverse("chat:visitor"), {"name": "", "email": "x"})
    errors = response.context["form"].errors
    assert errors["name"] == ["This field is required."]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["department"] == ["This field is required."]


def test_a_forged_token_is_404(client):
    assert client.get("/chat/forged/").status_code == 404


def test_exit_rate_and_a_typed_address_confirmed_before_the_transcript_goes(
    client, talked, django_capture_on_commit_callbacks
):
    token = visitor_token(talked)
    response = client.post(reverse("chat:leave", args=[token]))
    assert response["Location"] == reverse("chat:rate", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        thanks = client.post(
            reverse("chat:rate", args=[token]),
            {"score": "5", "comment": "Ótimo", "send_transcript": "on"},
        )
    assert "We mailed a link to vera@example.com" in thanks.content.decode()
    talked.refresh_from_db()
    assert (talked.status, talked.rating, talked.rating_comment) == ("ended", 5, "Ótimo")
    assert talked.transcript_sent_at is None
    (confirmation,) = mail.outbox
    assert confirmation.to == ["vera@example.com"]
    assert "O relatório não abre" not in confirmation.body
    assert "Atualize" not in confirmation.body
    assert "Vera" not in confirmation.body
    # Asking again mails nothing more: the form cannot bomb an address.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("chat:transcript", args=[token]))
    assert len(mail.outbox) == 1
    link = next(word for word in confirmation.body.split() if "/chat/confirm/" in word)
    path = link.removeprefix("http://testserver")
    page = client.get(path)
    assert page.status_code == 200
    assert len(mail.outbox) == 1  # a scanner that opens the link confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path)
    assert "is confirmed" in confirmed.content.decode()
    transcript = mail.outbox[1]
    assert transcript.to == ["vera@example.com"]
    assert "O relatório não abre" in transcript.body
    assert "Atualize para a versão 2.4" in transcript.body
    talked.refresh_from_db()
    assert talked.is_email_verified


def test_a_logged_in_visitor_gets_the_transcript_at_once(
    client, light_user, online, department, django_capture_on_commit_callbacks
):
    chat = services.start_chat(
        name="Peter", email="", department=department, visitor=light_user, ip="5.5.5.5"
    )
    services.post_message(session=chat, text="Minha impressora parou")
    services.end_chat(session=chat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("chat:transcript", args=[visitor_token(chat)]))
    (transcript,) = mail.outbox
    assert transcript.to == [light_user.email]
    assert "Minha impressora parou" in transcript.body


@pytest.mark.parametrize("code", ["forged", "eyJjaGF0IjoiMSJ9:1vQ0:abc", "a" * 3000])
def test_a_forged_confirmation_link_is_refused_with_a_message(client, talked, code):
    response = client.post(reverse("chat:confirm", args=[code]))
    assert response.status_code == 404
    assert "This link is not valid, or it has expired." in response.content.decode()
    talked.refresh_from_db()
    assert not talked.is_email_verified


def test_a_confirmation_link_of_an_address_since_changed_confirms_nothing(client, talked):
    code = services.confirmation_code(talked)
    ChatSession.objects.filter(id=talked.id).update(visitor_email="other@example.com")
    assert client.post(reverse("chat:confirm", args=[code])).status_code == 404
    talked.refresh_from_db()
    assert not talked.is_email_verified


def test_the_console_is_for_agents(client, light_user, online):
    client.force_login(light_user)
    assert client.get(reverse("chat:console")).status_code == 403
    client.force_login(online)
    assert client.get(reverse("chat:console")).context["online"]


def test_presence_is_switched_from_the_console(client, agent, department):
    client.force_login(agent)
    client.post(reverse("chat:presence"), {"status": "online"})
    assert services.agents_online(department.id)
    client.post(reverse("chat:presence"), {"status": "away"})
    assert not services.agents_online(department.id)


def test_earlier_contacts_of_a_typed_address_are_not_shown(
    client, talked, online, department, light_user
):
    from tickets.tests.factories import TicketFactory

    light_user.email = "vera@example.com"
    light_user.save()
    TicketFactory(requester=light_user, department=department)
    services.start_chat(
        name="Vera", email="vera@example.com", department=department, visitor=light_user,
        ip="3.3.3.3",
    )  # fmt: skip
    client.force_login(online)
    response = client.get(reverse("chat:detail", args=[talked.id]))
    assert response.context["earlier_chats"] == []
    assert response.context["earlier_tickets"] == []
    assert "Not shown: the visitor did not log in nor confirm" in response.content.decode()


def test_details_show_earlier_proven_chats_and_tickets_of_a_logged_in_visitor(
    client, online, department, light_user
):
    from tickets.tests.factories import TicketFactory

    older = services.start_chat(
        name="Peter", email="", department=department, visitor=light_user, ip="3.3.3.3"
    )
    services.start_chat(  # someone who typed the address: not shown as Peter's
        name="Peter?", email=light_user.email, department=department, ip="3.3.3.4"
    )
    ticket = TicketFactory(requester=light_user, department=department)
    current = services.start_chat(
        name="Peter", email="", department=department, visitor=light_user, ip="3.3.3.5"
    )
    client.force_login(online)
    context = client.get(reverse("chat:detail", args=[current.id])).context
    assert context["earlier_chats"] == [older]
    assert context["earlier_tickets"] == [ticket]


def test_the_address_of_a_visitor_who_did_not_log_in_is_marked_not_verified(
    client, talked, online, department, light_user
):
    client.force_login(online)
    assert "not verified" in client.get(reverse("chat:detail", args=[talked.id])).content.decode()
    assert "not verified" in client.get(reverse("chat:lists")).content.decode()
    logged_in = services.start_chat(
        name="Light", email=light_user.email, department=department, visitor=light_user,
        ip="4.4.4.4",
    )  # fmt: skip
    page = client.get(reverse("chat:detail", args=[logged_in.id])).content.decode()
    assert "not verified" not in page


def test_an_agent_of_another_department_sees_nothing(client, talked, other_agent):
    client.force_login(other_agent)
    assert client.get(reverse("chat:detail", args=[talked.id])).status_code == 404
    assert client.get(reverse("chat:agent_pdf", args=[talked.id])).status_code == 404


def test_turning_a_chat_into_a_ticket_keeps_the_transcript(client, talked, online):
    client.force_login(online)
    response = client.post(reverse("chat:to_ticket", args=[talked.id]))
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("agent:ticket", args=[ticket.number])
    assert ticket.channel == Ticket.Channel.CHAT
    assert ticket.title == "O relatório não abre"
    assert ticket.requester.email == "vera@example.com"
    assert not ticket.requester.has_usable_password()  # a guest, as from the guest form
    body = ticket.entries.get().body_text
    assert "Atualize para a versão 2.4" in body
    client.post(reverse("chat:to_ticket", args=[talked.id]))
    assert Ticket.objects.count() == 1


def test_a_typed_address_of_an_account_is_filed_there_only_when_the_agent_matches_it(
    client, online, department, light_user
):
    chat = services.start_chat(
        name="Peter", email=light_user.email, department=department, ip="6.6.6.6"
    )
    services.accept_chat(session=chat, agent=online)
    services.post_message(session=chat, text="Cancele meu contrato")
    client.force_login(online)
    url = reverse("chat:to_ticket", args=[chat.id])
    asked = client.post(url)
    assert asked.status_code == 409
    assert "Is the visitor this person?" in asked.content.decode()
    assert not Ticket.objects.exists()
    unticked = client.post(url, {"matching": "True"})
    assert unticked.status_code == 409
    assert unticked.context["form"].errors["checked_identity"] == [
        "Tick this only once you have checked who the visitor is."
    ]
    assert not Ticket.objects.exists()
    response = client.post(url, {"matching": "True", "checked_identity": "on"})
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("agent:ticket", args=[ticket.number])
    assert ticket.requester == light_user


def test_a_logged_in_visitors_chat_is_filed_under_their_account(
    client, online, department, light_user
):
    chat = services.start_chat(
        name="Peter", email="", department=department, visitor=light_user, ip="6.6.6.7"
    )
    services.accept_chat(session=chat, agent=online)
    client.force_login(online)
    client.post(reverse("chat:to_ticket", args=[chat.id]))
    assert Ticket.objects.get().requester == light_user


@pytest.mark.parametrize("action", ["chat:end", "chat:to_ticket"])
def test_ending_or_filing_a_chat_one_does_not_hold_is_refused_with_a_message(
    client, talked, department, action
):
    from accounts.tests.factories import AgentFactory

    colleague = AgentFactory(departments=[department])
    client.force_login(colleague)
    response = client.post(reverse(action, args=[talked.id]))
    assert response.status_code == 403
    assert "Only the agent who holds this chat" in response.content.decode()
    talked.refresh_from_db()
    assert (talked.status, talked.ticket_id) == ("active", None)
    assert not Ticket.objects.exists()


def test_not_verified_is_shown_in_history_print_and_admin(client, talked, online, administrator):
    client.force_login(online)
    assert "not verified" in client.get(reverse("chat:history")).content.decode()
    printed = client.get(reverse("chat:agent_print", args=[talked.id])).content.decode()
    assert "vera@example.com (not verified)" in printed
    client.force_login(administrator)
    admin = client.get(reverse("admin:chat_chatsession_changelist")).content.decode()
    assert 'alt="False"' in admin
    assert "address verified" in admin.lower()


def test_history_filters_by_email_period_dates_and_quantity(client, online, department):
    chats = [
        services.start_chat(
            name="A", email=f"p{n}@example.com", department=department, ip=f"4.4.4.{n}"
        )
        for n in range(4)
    ]
    ChatSession.objects.filter(id=chats[0].id).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    client.force_login(online)

    def found(**query):
        return [c.id for c in client.get(reverse("chat:history"), query).context["chats"]]

    assert found(email="p1@") == [chats[1].id]
    assert chats[0].id not in found(days=30)
    assert len(found(limit=2)) == 2
    today = timezone.localdate().isoformat()
    assert chats[0].id not in found(start=today, end=today)


def test_transcripts_print_and_make_pdfs(
    client, talked, online, django_capture_on_commit_callbacks
):
    token = visitor_token(talked)
    printed = client.get(reverse("chat:print", args=[token])).content.decode()
    assert "O relatório não abre" in printed
    url = reverse("chat:pdf", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    response = client.get(url, follow=True)
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert "Atualize para a versão 2.4" in text
    assert f"Chat {talked.id}" in text
    client.force_login(online)
    assert client.get(reverse("chat:agent_print", args=[talked.id])).status_code == 200
