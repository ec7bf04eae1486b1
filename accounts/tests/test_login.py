import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from accounts import devices, services
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


def test_a_first_log_in_takes_the_browsers_language_for_an_account_that_never_chose(
    client, password
):
    # Made by an agent or by mail: no language chosen yet.
    person = CustomerFactory(email="nova@example.com", language="", password=password)
    response = post_login(client, "nova@example.com", password, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-br"
    person.refresh_from_db()
    assert person.language == "pt-br"


def test_log_in_never_switches_a_portuguese_browser_to_english_by_default(client, password):
    CustomerFactory(email="padrao@example.com", password=password)  # the field's default
    response = post_login(client, "padrao@example.com", password, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-br"
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "Seu perfil" in page.content.decode()


def test_a_language_the_person_chose_wins_over_the_browser_at_log_in(client, password):
    CustomerFactory(email="en@example.com", language="en", password=password)
    response = post_login(client, "en@example.com", password, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_browser_asking_for_english_gets_english_whatever_the_default(client):
    with override_settings(LANGUAGE_CODE="pt-br"):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
        assert "How can we help?" in html
        assert "Como podemos ajudar?" in client.get("/").content.decode()


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
    del client.cookies["known_device"]  # a guesser's browser, not the owner's
    # Counted in the process while Redis is away: a guesser does not get the outage for free.
    for _ in range(3):
        post_login(client, light_user.email, "wrong", REMOTE_ADDR=f"10.0.0.{_}")
    response = post_login(client, light_user.email, password, REMOTE_ADDR="10.9.9.9")
    assert "Too many failed attempts" in non_field_errors(response)[0]
    assert "_auth_user_id" not in client.session


# Nobody locks the owner out


def test_an_attacker_failing_from_one_address_does_not_lock_the_owner_out_elsewhere(
    client, administrator, password
):
    for _ in range(10):
        post_login(client, administrator.email, "guess", REMOTE_ADDR="203.0.113.66")
    attacker = post_login(client, administrator.email, password, REMOTE_ADDR="203.0.113.66")
    assert "Too many failed attempts" in non_field_errors(attacker)[0]
    owner = post_login(client, administrator.email, password, REMOTE_ADDR="198.51.100.20")
    assert owner.status_code == 302


def test_an_address_failing_many_times_is_refused_with_the_message(client, light_user, password):
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        post_login(client, f"someone{n}@example.com", "guess", REMOTE_ADDR="203.0.113.9")
    response = post_login(client, light_user.email, password, REMOTE_ADDR="203.0.113.9")
    assert non_field_errors(response) == [
        "Too many failed attempts. Wait 15 minutes and try again."
    ]
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=10)
def test_the_owners_known_browser_still_signs_in_when_the_account_is_under_attack(
    client, administrator, password
):
    assert post_login(client, administrator.email, password).status_code == 302
    assert client.cookies["known_device"]["httponly"]
    client.post(reverse("accounts:logout"))
    # Guesses from many addresses pass the account's ceiling...
    for n in range(12):
        post_login(client, administrator.email, "guess", REMOTE_ADDR=f"203.0.113.{n}")
    stranger = Client()
    refused = post_login(stranger, administrator.email, password, REMOTE_ADDR="198.51.100.1")
    assert "Too many failed attempts" in non_field_errors(refused)[0]
    # ...and the browser that signed in before, even mistyping at first, is let in.
    post_login(client, administrator.email, "typo", REMOTE_ADDR="198.51.100.1")
    assert (
        post_login(client, administrator.email, password, REMOTE_ADDR="198.51.100.1").status_code
        == 302
    )


def test_a_known_browser_failing_past_the_ceiling_is_slowed_not_refused(client, light_user):
    cookie = devices_cookie_for(client, light_user)
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        services.record_failed_login(email=light_user.email, ip="192.0.2.1")
    known = services.check_login(email=light_user.email, ip="192.0.2.1", known_device=True)
    stranger = services.check_login(email=light_user.email, ip="192.0.2.1")
    assert (known, stranger) == (services.LoginCheck.SLOWED, services.LoginCheck.REFUSED)
    assert devices.is_known(cookie, light_user.email)
    assert not devices.is_known(cookie, "someone.else@example.com")
    assert not devices.is_known(cookie[:-2] + "xx", light_user.email)


def devices_cookie_for(client, user) -> str:
    client.force_login(user)
    client.logout()
    user.set_password("a-long-unusual-phrase")
    user.save()
    post_login(client, user.email, "a-long-unusual-phrase")
    return client.cookies["known_device"].value


def test_a_browser_remembers_a_few_accounts_at_most(client, light_user, colleague, password):
    for person in (light_user, colleague):
        post_login(client, person.email, password)
        client.post(reverse("accounts:logout"))
    cookie = client.cookies["known_device"].value
    assert devices.is_known(cookie, light_user.email)
    assert devices.is_known(cookie, colleague.email)
