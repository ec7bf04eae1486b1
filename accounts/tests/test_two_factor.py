import time

import pytest
from django.core import mail
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import devices
from accounts.models import SecurityEvent, SecurityPolicy
from accounts.tests.factories import CustomerFactory
from accounts.tests.two_factor_helpers import code_for, recovery_codes_of, turn_on
from accounts.twofactor import services

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
SETUP = reverse("accounts:two_factor_setup")
PAGE = reverse("accounts:two_factor")
MANAGE = reverse("accounts:two_factor_manage")


def form_errors(response, name):
    return list(response.context["form"].errors.get(name, []))


def enforce(on=True):
    SecurityPolicy.objects.update_or_create(id=1, defaults={"require_staff_two_factor": on})


def password_step(client, user, password, **query):
    return client.post(LOGIN + ("?next=/accounts/profile/" if query else ""),
                       {"username": user.email, "password": password})  # fmt: skip


# Set-up


def test_set_up_shows_the_secret_and_qr_code_and_turns_on_with_the_apps_code(client, light_user):
    client.force_login(light_user)
    assert client.post(SETUP, {"start": "1"})["Location"] == SETUP
    page = client.get(SETUP)
    device = services.pending_authenticator(light_user)
    assert page.context["secret"].replace(" ", "") in page.content.decode().replace(" ", "")
    qr = client.get(reverse("accounts:two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    assert b"http://www.w3.org/2000/svg" in qr.content
    assert f"secret={device.key}".upper().encode() not in qr.content  # drawn, not written
    assert device.config_url.startswith("otpauth://totp/Help%20desk%3A")
    assert not services.has_two_factor(light_user)  # not until a code confirms it

    response = client.post(SETUP, {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:two_factor_codes")
    assert services.has_two_factor(light_user)
    shown = client.get(response["Location"])
    assert set(shown.context["codes"]) == recovery_codes_of(light_user)
    assert len(shown.context["codes"]) == 10
    # Shown once: the page does not show them again.
    assert client.get(reverse("accounts:two_factor_codes"))["Location"] == PAGE
    assert [m.subject for m in mail.outbox] == ["Two-factor sign-in is on"]
    assert client.session[DEVICE_ID_SESSION_KEY]  # this session counts as verified


def test_a_wrong_set_up_code_is_shown_next_to_the_field(client, light_user):
    client.force_login(light_user)
    client.post(SETUP, {"start": "1"})
    wrong = client.post(SETUP, {"code": "000000"})
    assert wrong.status_code == 200
    assert "This code is not right" in form_errors(wrong, "code")[0]
    letters = client.post(SETUP, {"code": "abcdef"})
    assert form_errors(letters, "code") == ["Enter the 6 digits the app shows."]
    assert not services.has_two_factor(light_user)


def test_the_qr_code_needs_a_set_up_under_way(client, light_user):
    client.force_login(light_user)
    assert client.get(reverse("accounts:two_factor_qr")).status_code == 404
    assert client.get(SETUP)["Location"] == PAGE


# Signing in


def test_the_password_alone_does_not_sign_in_a_person_with_two_factor(client, light_user, password):
    turn_on(light_user)
    response = password_step(client, light_user, password, next=True)
    assert response["Location"] == f"{CODE}?next=%2Faccounts%2Fprofile%2F"
    assert client.get(reverse("accounts:profile"))["Location"].startswith(LOGIN)

    wrong = client.post(CODE, {"code": "123456", "next": "/accounts/profile/"})
    assert form_errors(wrong, "code") == ["This code is not right, or it was used already."]
    device = TOTPDevice.objects.get(user=light_user)
    done = client.post(CODE, {"code": code_for(device, steps_ahead=1),
                              "next": "/accounts/profile/"})  # fmt: skip
    assert done["Location"] == "/accounts/profile/"
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_person_without_two_factor_signs_in_with_the_password(client, light_user, password):
    response = password_step(client, light_user, password)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_browser_that_passed_both_steps_is_known_to_the_account(client, light_user, password):
    device_cookie = devices.COOKIE
    turn_on(light_user)
    password_step(client, light_user, password)
    assert device_cookie not in client.cookies  # the password alone proves nothing yet
    device = TOTPDevice.objects.get(user=light_user)
    client.post(CODE, {"code": code_for(device, steps_ahead=1)})
    assert client.cookies[device_cookie]["httponly"]
    assert devices.is_known(client.cookies[device_cookie].value, light_user.email)


def test_a_recovery_code_signs_in_once(client, light_user, password):
    code = sorted(turn_on(light_user))[0]
    password_step(client, light_user, password)
    assert client.post(CODE, {"code": code.upper()})["Location"] == reverse("home")
    assert code not in recovery_codes_of(light_user)
    assert len(recovery_codes_of(light_user)) == 9

    client.logout()
    password_step(client, light_user, password)
    again = client.post(CODE, {"code": code})
    assert form_errors(again, "code") == ["This code is not right, or it was used already."]


def test_the_same_app_code_is_not_accepted_twice(client, light_user, password):
    turn_on(light_user)
    device = TOTPDevice.objects.get(user=light_user)
    code = code_for(device, steps_ahead=1)
    password_step(client, light_user, password)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.logout()
    password_step(client, light_user, password)
    assert client.post(CODE, {"code": code}).status_code == 200


def test_code_attempts_are_limited_per_person(client, light_user, password, settings):
    settings.TWO_FACTOR_FAILURES_PER_ACCOUNT = 3
    turn_on(light_user)
    device = TOTPDevice.objects.get(user=light_user)
    password_step(client, light_user, password)
    for _ in range(3):
        client.post(CODE, {"code": "000000"})
    refused = client.post(CODE, {"code": code_for(device, steps_ahead=1)})
    assert "Too many wrong codes" in form_errors(refused, "code")[0]
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind="lockout", user=light_user).exists()


def test_code_attempts_are_limited_while_the_cache_is_down(
    client, light_user, password, settings, dead_cache
):
    settings.TWO_FACTOR_FAILURES_PER_ACCOUNT = 2
    turn_on(light_user)
    password_step(client, light_user, password)
    for _ in range(2):
        client.post(CODE, {"code": "000000"})
    refused = client.post(CODE, {"code": "111111"})
    assert "Too many wrong codes" in form_errors(refused, "code")[0]


def test_the_code_step_times_out(client, light_user, password, monkeypatch):
    turn_on(light_user)
    password_step(client, light_user, password)
    later = time.time() + 301
    monkeypatch.setattr("accounts.twofactor.views.time.time", lambda: later)
    response = client.get(CODE)
    assert response["Location"] == LOGIN


def test_the_code_step_without_a_password_step_goes_back_to_log_in(client):
    assert client.get(CODE)["Location"] == LOGIN
    assert client.post(CODE, {"code": "123456"})["Location"] == LOGIN


def test_a_signed_in_person_without_two_factor_passes_the_code_step(client, light_user):
    client.force_login(light_user)
    assert client.get(CODE)["Location"] == reverse("home")


# Turning it off, new recovery codes


def test_turning_off_needs_the_password_or_a_code(client, light_user, password):
    turn_on(light_user)
    mail.outbox.clear()
    client.force_login(light_user)
    wrong = client.post(MANAGE, {"action": "off", "secret": "guess"})
    assert form_errors(wrong, "secret") == ["This is neither your password nor a valid code."]
    assert services.has_two_factor(light_user)

    response = client.post(MANAGE, {"action": "off", "secret": password})
    assert response["Location"] == PAGE
    assert not services.has_two_factor(light_user)
    assert recovery_codes_of(light_user) == set()
    assert [m.subject for m in mail.outbox] == ["Two-factor sign-in is off"]


def test_turning_off_with_a_code_from_the_app(client, light_user):
    turn_on(light_user)
    client.force_login(light_user)
    device = TOTPDevice.objects.get(user=light_user)
    client.post(MANAGE, {"action": "off", "secret": code_for(device, steps_ahead=1)})
    assert not services.has_two_factor(light_user)


def test_new_recovery_codes_replace_the_old_ones(client, light_user, password):
    old = set(turn_on(light_user))
    client.force_login(light_user)
    response = client.post(MANAGE, {"action": "codes", "secret": password})
    new = set(client.get(response["Location"]).context["codes"])
    assert new == recovery_codes_of(light_user)
    assert len(new) == 10
    assert not old & new


def test_staff_cannot_turn_it_off_while_it_is_required(client, agent, password):
    turn_on(agent)
    enforce()
    client.force_login(agent)
    response = client.post(MANAGE, {"action": "off", "secret": password}, follow=True)
    assert "required for staff" in response.content.decode()
    assert services.has_two_factor(agent)


def test_managing_needs_two_factor_on(client, light_user, password):
    client.force_login(light_user)
    assert client.post(MANAGE, {"action": "off", "secret": password})["Location"] == PAGE


def test_an_unknown_action_changes_nothing(client, light_user, password):
    turn_on(light_user)
    client.force_login(light_user)
    assert client.post(MANAGE, {"action": "x", "secret": password})["Location"] == PAGE
    assert client.post(MANAGE, {"secret": password})["Location"] == PAGE
    assert services.has_two_factor(light_user)


def test_the_pages_come_in_portuguese(client, light_user, password):
    turn_on(light_user)
    password_step(client, light_user, password)
    page = client.get(CODE, HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert "Verificação em duas etapas" in page
    wrong = client.post(CODE, {"code": "x" * 65}, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert wrong.status_code == 200
    assert form_errors(wrong, "code")


def test_the_page_says_whether_it_is_on(client, light_user):
    client.force_login(light_user)
    assert client.get(PAGE).context["enabled"] is False
    turn_on(light_user)
    assert client.get(PAGE).context["enabled"] is True


# Enforcement


@pytest.mark.parametrize("person", ["agent", "manager", "administrator"])
def test_enforced_staff_without_two_factor_are_sent_to_set_it_up(client, request, person):
    enforce()
    client.force_login(request.getfixturevalue(person))
    response = client.get(reverse("agent:queues"), follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "require two-factor sign-in for staff" in response.content.decode()


def test_enforced_administrator_without_two_factor_is_refused_by_the_admin(client, administrator):
    enforce()
    client.force_login(administrator)
    assert client.get(reverse("admin:index"))["Location"] == PAGE
    assert client.get(reverse("admin:accounts_user_changelist"))["Location"] == PAGE


@pytest.mark.parametrize("person", ["agent", "administrator"])
def test_staff_without_two_factor_work_as_before_when_it_is_not_enforced(client, request, person):
    enforce(on=False)
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("agent:queues")).status_code == 200


def test_administrator_reaches_the_admin_when_it_is_not_enforced(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 200


def test_customers_are_not_asked_for_two_factor_when_staff_are(client, light_user):
    enforce()
    client.force_login(light_user)
    assert client.get(reverse("tickets:list")).status_code == 200


def test_enforced_staff_with_two_factor_give_a_code_for_an_unverified_session(
    client, administrator
):
    turn_on(administrator)
    enforce()
    client.force_login(administrator)  # a session that never gave a code
    response = client.get(reverse("admin:index"))
    assert response["Location"] == f"{CODE}?next=%2Fadmin%2F"
    device = TOTPDevice.objects.get(user=administrator)
    done = client.post(CODE, {"code": code_for(device, steps_ahead=1), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("agent:queues")).status_code == 200


def test_enforced_staff_who_set_it_up_work_at_once(client, agent):
    enforce()
    client.force_login(agent)
    client.post(SETUP, {"start": "1"})
    client.post(SETUP, {"code": code_for(services.pending_authenticator(agent))})
    assert client.get(reverse("agent:queues")).status_code == 200


def test_the_policy_is_read_without_a_query(django_assert_num_queries, agent):
    enforce()
    assert services.staff_must_use_two_factor() is True
    with django_assert_num_queries(0):
        assert services.is_required_for(agent) is True
        assert services.is_required_for(CustomerFactory.build()) is False


# An administrator's reset (a lost phone)


def test_an_administrator_removes_a_persons_two_factor_from_the_admin(client, administrator,
                                                                      agent):  # fmt: skip
    turn_on(agent)
    mail.outbox.clear()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [agent.id]},
        follow=True,
    )
    assert "Two-factor sign-in removed for 1 person." in response.content.decode()
    assert not services.has_two_factor(agent)
    assert recovery_codes_of(agent) == set()
    [event] = SecurityEvent.objects.filter(kind="two_factor_disabled")
    assert (event.user, event.actor, event.details) == (agent, administrator,
                                                        {"by_administrator": True})  # fmt: skip
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_only_administrators_reset_two_factor(agent, light_user):
    turn_on(light_user)
    with pytest.raises(PermissionError):
        services.reset_two_factor(actor=agent, user=light_user)
    assert services.has_two_factor(light_user)


def test_resetting_a_person_without_two_factor_changes_nothing(administrator, light_user):
    assert services.reset_two_factor(actor=administrator, user=light_user) is False
    assert not SecurityEvent.objects.exists()


def test_the_admin_does_not_show_the_devices_secrets(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


@pytest.mark.parametrize("target", ["0", "profile", "-1"])
def test_a_next_page_that_is_not_a_path_leads_to_the_usual_page(client, light_user, target):
    client.force_login(light_user)
    response = client.get(CODE, {"next": target})
    assert response["Location"] == reverse("home")
