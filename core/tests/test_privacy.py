import pytest
from django.urls import reverse

from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["tickets:list", "accounts:profile", "home"])
def test_signed_in_pages_are_kept_out_of_every_cache(client, light_user, name):
    client.force_login(light_user)
    assert client.get(reverse(name))["Cache-Control"] == "private, no-store"


def test_a_ticket_and_its_printout_are_kept_out_of_every_cache(client, light_user, department):
    ticket = open_for(light_user, department)
    client.force_login(light_user)
    for name in ("tickets:detail", "tickets:print"):
        assert (
            client.get(reverse(name, args=[ticket.number]))["Cache-Control"] == "private, no-store"
        )


def test_the_agent_panel_and_the_chat_console_are_kept_out_of_every_cache(client, agent):
    client.force_login(agent)
    for name in ("agent:queues", "chat:console"):
        assert client.get(reverse(name))["Cache-Control"] == "private, no-store"


def test_a_guest_page_and_a_chat_room_address_are_kept_out_of_every_cache(client):
    assert client.get(reverse("tickets:status"))["Cache-Control"] == "private, no-store"
    assert client.get("/chat/not-a-room/")["Cache-Control"] == "private, no-store"


def test_public_pages_of_anonymous_visitors_may_be_cached(client):
    assert not client.get(reverse("home")).has_header("Cache-Control")
