"""The end-of-chat page mails the transcript without asking for a rating first (S0 "Enviar esta
conversa para o meu e-mail")."""

import pytest
from django.core import mail
from django.urls import reverse

from chat import services
from chat.selectors import visitor_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(agent, department, light_user):
    services.set_presence(agent=agent, status="online")
    chat = services.start_chat(
        name="Peter", email="", department=department, visitor=light_user, ip="5.5.5.5"
    )
    services.accept_chat(session=chat, agent=agent)
    services.post_message(session=chat, text="Minha impressora parou")
    services.end_chat(session=chat)
    return chat


def test_the_end_of_chat_page_offers_the_transcript_without_rating(client, ended):
    token = visitor_token(ended)
    html = client.get(reverse("chat:rate", args=[token])).content.decode()
    assert f'action="{reverse("chat:transcript", args=[token])}"' in html
    assert "Only send this conversation to my e-mail" in html


def test_the_transcript_goes_and_the_chat_stays_unrated(client, ended, light_user):
    token = visitor_token(ended)
    response = client.post(reverse("chat:transcript", args=[token]), follow=True)
    (transcript,) = mail.outbox
    assert transcript.to == [light_user.email]
    assert "Minha impressora parou" in transcript.body
    ended.refresh_from_db()
    assert ended.rating is None
    html = response.content.decode()
    assert "The conversation is on its way to" in html
    assert 'name="score"' in html  # the rating is still offered
    assert "Only send this conversation to my e-mail" not in html


def test_the_button_reads_in_portuguese(client, ended):
    html = client.get(
        reverse("chat:rate", args=[visitor_token(ended)]), HTTP_ACCEPT_LANGUAGE="pt-br"
    ).content.decode()
    assert "Enviar só esta conversa para o meu e-mail" in html
