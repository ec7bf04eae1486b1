"""Personal tokens: made in the profile (shown once, kept hashed), revoked, expiring; the rate
limits per token and per address; each use in the security log at most once a window."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from api import services
from api.models import ApiToken
from api.permissions import token_may_write
from api.tests.conftest import Api, make_token

TICKETS = "/api/v1/tickets/"


def test_a_person_creates_a_token_shown_once_and_stored_hashed(client, light_user):
    client.force_login(light_user)
    page = client.post(reverse("api_tokens:list"), {"name": "CRM", "can_write": "write",
                                                    "days": "30"})  # fmt: skip
    token = ApiToken.objects.get(user=light_user)
    html = page.content.decode()
    secret = html.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("hd_")
    assert token.digest == services.digest_of(secret)
    assert secret not in client.get(reverse("api_tokens:list")).content.decode()
    assert token.can_write
    assert token.expires_at > timezone.now() + timedelta(days=29)
    assert Api(client, secret).get(TICKETS).status_code == 200
    page = client.get(reverse("api_tokens:list")).content.decode()
    assert "Never" not in page  # its last use is shown


def test_a_revoked_token_stops_at_once_and_only_its_owner_revokes_it(client, light_user, colleague):
    token, secret = make_token(light_user)
    client.force_login(colleague)
    assert client.post(reverse("api_tokens:revoke", args=[token.id])).status_code == 404
    client.force_login(light_user)
    client.post(reverse("api_tokens:revoke", args=[token.id]))
    client.logout()
    response = Api(client, secret).get(TICKETS)
    assert response.status_code == 401
    assert response.json()["detail"] == "This token is not valid, expired or revoked."


def test_an_expired_token_and_a_made_up_one_are_refused(client, light_user):
    _token, secret = make_token(light_user, days=-1)
    assert Api(client, secret).get(TICKETS).status_code == 401
    assert Api(client, "hd_made-up").get(TICKETS).status_code == 401
    assert Api(client, "no-scheme").get(TICKETS).status_code == 401


def test_an_inactive_persons_token_is_refused(client, light_user):
    _token, secret = make_token(light_user)
    light_user.is_active = False
    light_user.save(update_fields=["is_active"])
    assert Api(client, secret).get(TICKETS).status_code == 401


def test_a_busy_token_writes_one_security_log_row_a_window(client, light_user, settings):
    token, secret = make_token(light_user)
    api = Api(client, secret)
    for _ in range(5):
        api.get(TICKETS)
    used = SecurityEvent.objects.filter(details__action="token_used")
    assert used.count() == 1
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"
    client.get(TICKETS, headers={**api.headers}, REMOTE_ADDR="127.0.0.9")  # a new address
    assert used.count() == 2
    settings.API_TOKEN_USE_LOG_SECONDS = 0
    api.get(TICKETS, REMOTE_ADDR="127.0.0.9")
    assert used.count() == 3


def test_past_the_tokens_limit_429_with_its_headers(client, light_user, settings):
    settings.API_REQUESTS_PER_TOKEN_PER_MINUTE = 3
    api = Api(client, make_token(light_user)[1])
    answers = [api.get(TICKETS) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Limit"] == "3"
    assert answers[2]["RateLimit-Remaining"] == "0"
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
    assert answers[3]["Content-Type"] == "application/problem+json"
    # Another token of the same person has a budget of its own.
    assert Api(client, make_token(light_user)[1]).get(TICKETS).status_code == 200


def test_past_the_addresss_limit_429_even_without_a_valid_token(client, light_user, settings):
    settings.API_REQUESTS_PER_ADDRESS_PER_MINUTE = 2
    bad = Api(client, "hd_guess")
    assert [bad.get(TICKETS).status_code for _ in range(3)] == [401, 401, 429]
    good = Api(client, make_token(light_user)[1])
    assert good.get(TICKETS).status_code == 429
    assert client.get(TICKETS, REMOTE_ADDR="127.0.0.7").status_code == 401  # another address


def test_a_malformed_authorization_header_is_a_401(client):
    for header in ("Bearer", "Bearer a b", "Bearer \xe9"):
        response = client.get(TICKETS, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_token_may_write():
    assert token_may_write(None)
    assert token_may_write(ApiToken(can_write=True))
    assert not token_may_write(ApiToken(can_write=False))


def test_an_inactive_signed_in_person_may_not_use_the_api(client, light_user):
    from api.permissions import CallerMayUseApi

    class Request:
        method = "GET"
        user = light_user

    light_user.is_active = False
    assert not CallerMayUseApi().has_permission(Request(), None)


def test_staff_bound_by_the_two_factor_policy_set_it_up_before_a_token(client, agent):
    from accounts.models import SecurityPolicy

    SecurityPolicy.objects.update_or_create(id=1, defaults={"require_staff_two_factor": True})
    client.force_login(agent)
    response = client.post(reverse("api_tokens:list"), {"name": "x", "can_write": "read",
                                                        "days": "7"})  # fmt: skip
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
