import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import CustomerFactory
from accounts.tests.helpers import field_errors, link_in_last_mail

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
CHANGE = reverse("accounts:password_change")
NEW = "a-brand-new-passphrase"


def test_reset_by_email_then_log_in_with_the_new_password(client, light_user):
    response = client.post(RESET, {"email": "Light@Acme.example"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    link = link_in_last_mail(light_user.email)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert client.login(username=light_user.email, password=NEW)


def test_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(client):
    response = client.post(RESET, {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_errors_stand_next_to_the_field(client):
    response = client.post(RESET, {"email": "not an address"})
    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert 'value="not an address"' in response.content.decode()


def test_a_reset_link_works_once(client, light_user):
    client.post(RESET, {"email": light_user.email})
    link = link_in_last_mail(light_user.email)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    client.logout()
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "no longer works" in again.content.decode()


def test_new_password_errors_stand_next_to_their_fields(client, light_user):
    client.post(RESET, {"email": light_user.email})
    set_url = client.get(link_in_last_mail(light_user.email), follow=True).redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert field_errors(mismatch, "new_password2")
    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert any("too short" in error for error in field_errors(weak, "new_password2"))


def test_resetting_confirms_an_unconfirmed_address(client):
    user = CustomerFactory(email="new@example.com", email_confirmed_at=None)
    client.post(RESET, {"email": user.email})
    set_url = client.get(link_in_last_mail(user.email), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    user.refresh_from_db()
    assert user.is_email_confirmed
    assert client.login(username=user.email, password=NEW)


def test_a_person_created_without_a_password_sets_one_by_reset(client):
    user = User.objects.create_user("guest@example.com", None, full_name="Guest")
    assert not user.has_usable_password()
    client.post(RESET, {"email": user.email})
    assert len(mail.outbox) == 1


def test_change_password_needs_the_old_one(client, light_user, password):
    client.force_login(light_user)
    wrong = client.post(
        CHANGE, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert field_errors(wrong, "old_password")
    mismatch = client.post(
        CHANGE, {"old_password": password, "new_password1": NEW, "new_password2": "x" + NEW}
    )
    assert field_errors(mismatch, "new_password2")
    done = client.post(
        CHANGE, {"old_password": password, "new_password1": NEW, "new_password2": NEW}
    )
    assert done["Location"] == reverse("accounts:password_change_done")
    light_user.refresh_from_db()
    assert light_user.check_password(NEW)
    # The session survives the change.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_change_password_needs_a_login(client):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_reset_mail_is_limited_per_account_and_per_address(client, light_user, settings):
    settings.RESETS_PER_ADDRESS_PER_HOUR = 5
    for _ in range(5):
        response = client.post(RESET, {"email": light_user.email}, REMOTE_ADDR="10.2.2.2")
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 3  # at most three links an hour reach one inbox
    client.post(RESET, {"email": "other@example.com"}, REMOTE_ADDR="10.2.2.2")
    CustomerFactory(email="third@example.com")
    client.post(RESET, {"email": "third@example.com"}, REMOTE_ADDR="10.2.2.2")
    assert len(mail.outbox) == 3  # the address is past its limit too
