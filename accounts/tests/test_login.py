import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def post_login(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def non_field_errors(response):
    return list(response.context["form"].non_field_errors())


def test_login_with_email_and_password(client, light_user, password):
    response = post_login(client, "LIGHT@acme.example", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_login_follows_a_safe_next_link(client, light_user, password):
    response = client.post(
        f"{LOGIN}?next=/accounts/profile/", {"username": light_user.email, "password": password}
    )
    assert response["Location"] == "/accounts/profile/"


def test_login_ignores_a_next_link_to_another_site(client, light_user, password):
    response = client.post(
        f"{LOGIN}?next=https://evil.example/", {"username": light_user.email, "password": password}
    )
    assert response["Location"] == reverse("home")


def test_login_sets_the_persons_language(client, password):
    CustomerFactory(email="pt@example.com", language="pt-br", password=password)
    response = post_login(client, "pt@example.com", password)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-br"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, light_user):
    wrong = post_login(client, light_user.email, "not-the-password")
    unknown = post_login(client, "nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert non_field_errors(wrong) == non_field_errors(unknown)
    assert "Enter a correct e-mail and password" in non_field_errors(wrong)[0]


def test_a_failed_login_keeps_the_email_typed(client):
    response = post_login(client, "maria@example.com", "nope")
    assert 'value="maria@example.com"' in response.content.decode()


def test_an_invalid_email_is_reported_next_to_the_field(client):
    response = post_login(client, "not-an-address", "whatever")
    assert response.context["form"].errors["username"] == ["Enter a valid email address."]


def test_a_deactivated_person_cannot_log_in(client, light_user, password):
    light_user.is_active = False
    light_user.save()
    response = post_login(client, light_user.email, password)
    assert response.status_code == 200
    assert "Enter a correct e-mail and password" in non_field_errors(response)[0]


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_failed_logins_are_limited_per_account(client, light_user, password):
    for _ in range(3):
        post_login(client, light_user.email, "wrong", REMOTE_ADDR=f"10.0.0.{_}")
    # Even the right password is refused while the account is throttled, from any address.
    response = post_login(client, light_user.email, password, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert "Too many failed attempts" in non_field_errors(response)[0]
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_throttling_an_unknown_email_looks_like_throttling_a_real_one(client, light_user):
    for _ in range(3):
        post_login(client, light_user.email, "wrong")
        post_login(client, "nobody@example.com", "wrong")
    real = post_login(client, light_user.email, "wrong", REMOTE_ADDR="10.1.1.1")
    fake = post_login(client, "nobody@example.com", "wrong", REMOTE_ADDR="10.1.1.2")
    assert non_field_errors(real) == non_field_errors(fake)


@override_settings(LOGIN_FAILURES_PER_ADDRESS=4, LOGIN_FAILURES_PER_ACCOUNT=100)
def test_failed_logins_are_limited_per_address(client, light_user, password):
    for n in range(4):
        post_login(client, f"guess{n}@example.com", "wrong", REMOTE_ADDR="192.0.2.7")
    blocked = post_login(client, light_user.email, password, REMOTE_ADDR="192.0.2.7")
    assert "Too many failed attempts" in non_field_errors(blocked)[0]
    allowed = post_login(client, light_user.email, password, REMOTE_ADDR="192.0.2.8")
    assert allowed.status_code == 302


@override_settings(NUM_PROXIES=1, LOGIN_FAILURES_PER_ADDRESS=2, LOGIN_FAILURES_PER_ACCOUNT=100)
def test_behind_a_proxy_the_forwarded_address_is_counted(client):
    for n in range(2):
        post_login(
            client,
            f"g{n}@example.com",
            "x",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.4",
        )
    other = post_login(
        client, "g9@example.com", "x", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5"
    )
    assert "Too many failed attempts" not in str(non_field_errors(other))
    same = post_login(
        client, "g9@example.com", "x", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    assert "Too many failed attempts" in non_field_errors(same)[0]


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_a_successful_login_forgets_earlier_failures(client, light_user, password):
    post_login(client, light_user.email, "wrong")
    post_login(client, light_user.email, "wrong")
    assert post_login(client, light_user.email, password).status_code == 302
    client.logout()
    post_login(client, light_user.email, "wrong")
    post_login(client, light_user.email, "wrong")
    assert post_login(client, light_user.email, password).status_code == 302


def test_logout_needs_a_post(client, light_user):
    client.force_login(light_user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_agent_lands_on_the_agent_panel(client, agent, password):
    response = post_login(client, agent.email, password)
    assert response["Location"] == reverse("agent:queues")


def test_an_agent_still_follows_a_next_link(client, agent, password):
    response = client.post(
        f"{LOGIN}?next=/accounts/profile/", {"username": agent.email, "password": password}
    )
    assert response["Location"] == "/accounts/profile/"


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_with_the_cache_down_sign_in_works_and_failures_are_still_limited(
    dead_cache, client, light_user, password
):
    response = post_login(client, light_user.email, password)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("accounts:logout"))
    # Counted in the process while Redis is away: a guesser does not get the outage for free.
    for _ in range(3):
        post_login(client, light_user.email, "wrong", REMOTE_ADDR=f"10.0.0.{_}")
    response = post_login(client, light_user.email, password, REMOTE_ADDR="10.9.9.9")
    assert "Too many failed attempts" in non_field_errors(response)[0]
    assert "_auth_user_id" not in client.session
