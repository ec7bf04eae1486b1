from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import AgentFactory
from chat import services
from chat.models import ChatMessage, ChatSession

pytestmark = pytest.mark.django_db

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def chat(department):
    return services.start_chat(
        name="  Vera   Visitante ", email="Vera@Example.com", department=department, ip="10.0.0.1"
    )


def test_a_visitor_starts_a_chat_without_an_account(chat, department):
    assert chat.status == ChatSession.Status.WAITING
    assert chat.visitor_name == "Vera Visitante"
    assert chat.visitor_email == "vera@example.com"
    assert chat.visitor is None
    assert chat.department == department


@override_settings(CHATS_PER_ADDRESS_PER_HOUR=2)
def test_new_chats_are_limited_per_address(department):
    for _ in range(2):
        services.start_chat(name="A", email="a@example.com", department=department, ip="10.0.0.9")
    with pytest.raises(services.TooManyChats):
        services.start_chat(name="A", email="a@example.com", department=department, ip="10.0.0.9")


def test_one_agent_of_the_department_wins_the_chat(chat, agent, department, other_agent):
    rival = AgentFactory(departments=[department])
    services.accept_chat(session=chat, agent=agent)
    with pytest.raises(services.ChatTaken) as taken:
        services.accept_chat(session=chat, agent=rival)
    assert taken.value.agent == agent
    with pytest.raises(services.ChatNotAllowed):
        services.accept_chat(session=chat, agent=other_agent)
    chat.refresh_from_db()
    assert chat.status == ChatSession.Status.ACTIVE


def test_messages_are_numbered_cleaned_and_kept(chat, agent):
    services.accept_chat(session=chat, agent=agent)
    first = services.post_message(session=chat, text="Olá\x00 <script>alert(1)</script>")
    second = services.post_message(session=chat, text="Hello Vera", agent=agent)
    assert (first.sequence, second.sequence) == (2, 3)  # 1 is the "agent joined" line
    assert first.body_text == "Olá <script>alert(1)</script>"  # escaped when shown, never HTML
    assert second.kind == ChatMessage.Kind.AGENT
    with pytest.raises(ValueError, match="empty"):
        services.post_message(session=chat, text="   ")


def test_only_the_chats_agent_writes_as_an_agent(chat, agent, department):
    other = AgentFactory(departments=[department])
    services.accept_chat(session=chat, agent=agent)
    with pytest.raises(services.ChatNotAllowed):
        services.post_message(session=chat, text="hi", agent=other)


def test_an_ended_chat_takes_no_messages_and_is_rated_once(chat, agent):
    services.accept_chat(session=chat, agent=agent)
    with pytest.raises(services.ChatNotAllowed):
        services.rate_chat(session=chat, score=5)
    services.end_chat(session=chat)
    with pytest.raises(services.ChatNotAllowed):
        services.post_message(session=chat, text="still there?")
    services.rate_chat(session=chat, score=4, comment="Good")
    with pytest.raises(services.ChatNotAllowed):
        services.rate_chat(session=chat, score=1)
    chat.refresh_from_db()
    assert (chat.rating, chat.rating_comment) == (4, "Good")


def test_transfer_to_another_agent_or_back_to_waiting(chat, agent, other_department, other_agent):
    services.accept_chat(session=chat, agent=agent)
    services.transfer_chat(session=chat, agent=agent, to_department=other_department)
    chat.refresh_from_db()
    assert chat.status == ChatSession.Status.WAITING
    assert chat.agent is None
    services.accept_chat(session=chat, agent=other_agent)
    with pytest.raises(services.ChatNotAllowed):
        services.transfer_chat(session=chat, agent=agent)


def test_presence_says_whether_a_department_has_someone_online(agent, department):
    assert not services.agents_online(department.id)
    services.set_presence(agent=agent, status="online")
    assert services.agents_online(department.id)
    services.set_presence(agent=agent, status="away")
    assert not services.agents_online(department.id)


def test_an_ended_chat_cannot_be_transferred(chat, agent, other_department):
    services.accept_chat(session=chat, agent=agent)
    services.end_chat(session=chat)
    with pytest.raises(services.ChatNotAllowed):
        services.transfer_chat(session=chat, agent=agent, to_department=other_department)


def test_the_chat_transcript_is_mailed_in_the_chats_language_with_its_dates(
    department, django_capture_on_commit_callbacks
):
    chat = services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="10.0.0.1",
        language="pt-br",
    )  # fmt: skip
    chat.email_confirmed_at = timezone.now()
    chat.save(update_fields=["email_confirmed_at"])
    ChatMessage.objects.create(
        session=chat, sequence=1, kind=ChatMessage.Kind.VISITOR, author_name="Vera",
        body_text="Olá", created_at=datetime(2026, 12, 1, 15, 32, tzinfo=SAO_PAULO),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_transcript(session=chat)
    (transcript,) = mail.outbox
    assert transcript.subject == "Sua conversa com o nosso suporte"
    assert "[01/12/2026 15:32] Vera: Olá" in transcript.body
    assert "p.m." not in transcript.body


def test_a_chat_made_a_ticket_gives_a_new_guest_the_chats_language(department, agent):
    chat = services.start_chat(
        name="Vera", email="vera@example.com", department=department, ip="10.0.0.1",
        language="pt-br",
    )  # fmt: skip
    services.accept_chat(session=chat, agent=agent)
    ticket = services.chat_to_ticket(session=chat, agent=agent)
    assert ticket.requester.language == "pt-br"
