"""The agent's own alerts for new tickets."""

import pytest

from workspace.models import LivePreference
from workspace.selectors import wants_new_ticket_alerts

pytestmark = pytest.mark.django_db
URL = "/agent/live/alerts/"


def test_an_agent_turns_alerts_on_and_off(client, agent):
    client.force_login(agent)
    assert not wants_new_ticket_alerts(agent)
    answer = client.post(URL, {"alerts": "on"}, headers={"accept": "application/json"})
    assert answer.json() == {"alerts": True}
    assert wants_new_ticket_alerts(agent)
    answer = client.post(URL, {}, headers={"accept": "application/json"})
    assert answer.json() == {"alerts": False}
    assert LivePreference.objects.get(user=agent).new_ticket_alerts is False


def test_without_javascript_the_form_returns_to_the_panel(client, agent):
    client.force_login(agent)
    answer = client.post(URL, {"alerts": "on"}, headers={"accept": "text/html"})
    assert answer.status_code == 302
    assert wants_new_ticket_alerts(agent)


def test_customers_and_strangers_cannot_and_get_is_refused(client, light_user, agent):
    assert client.post(URL, {"alerts": "on"}).status_code == 302  # to the log-in page
    client.force_login(light_user)
    assert client.post(URL, {"alerts": "on"}).status_code == 403
    client.force_login(agent)
    assert client.get(URL).status_code == 405
    assert not LivePreference.objects.exists()
