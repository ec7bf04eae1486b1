import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.tests.factories import CustomerFactory
from accounts.tests.helpers import field_errors, link_in_last_mail

pytestmark = pytest.mark.django_db


SIGNUP = reverse("accounts:signup")


def form_data(**overrides):
    data = {
        "full_name": "Maria da Silva - Acme",
        "email": "maria@example.com",
        "email_confirmation": "maria@example.com",
        "password1": "a-long-and-unusual-phrase",
        "password2": "a-long-and-unusual-phrase",
    }
    data.update(overrides)
    return data


def test_signup_page_asks_for_the_five_fields_of_the_manual(client):
    form = client.get(SIGNUP).context["form"]
    assert list(form.fields) == [
        "full_name",
        "email",
        "email_confirmation",
        "password1",
        "password2",
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"full_name": "   "}, "full_name", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"email_confirmation": "other@example.com"}, "email_confirmation", "differ"),
        ({"password2": "something-else-entirely"}, "password2", "The two passwords differ."),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password1": "8231947265", "password2": "8231947265"}, "password1", "entirely numeric"),
        (
            {"password1": "maria@example.com", "password2": "maria@example.com"},
            "password1",
            "too similar",
        ),
    ],
)
def test_each_signup_error_stands_next_to_its_field(client, overrides, field, expected):
    response = client.post(SIGNUP, form_data(**overrides))
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert any(expected in error for error in errors), errors
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_errors_keep_what_was_typed(client):
    response = client.post(SIGNUP, form_data(email_confirmation="typo@example.com"))
    html = response.content.decode()
    assert 'value="Maria da Silva - Acme"' in html
    assert 'value="maria@example.com"' in html
    assert 'value="typo@example.com"' in html


def test_signup_creates_an_unconfirmed_customer_and_mails_a_link(client):
    response = client.post(
        SIGNUP, form_data(email="Maria@Example.com", email_confirmation="maria@example.COM")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "maria@example.com"
    assert user.full_name == "Maria da Silva - Acme"
    assert user.is_customer
    assert not user.is_email_confirmed
    assert user.check_password("a-long-and-unusual-phrase")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.com"]
    assert "/accounts/confirm/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_an_unconfirmed_person_cannot_log_in(client):
    client.post(SIGNUP, form_data())
    assert not client.login(username="maria@example.com", password="a-long-and-unusual-phrase")


def test_the_confirmation_link_logs_the_person_in_once(client):
    client.post(SIGNUP, form_data())
    link = link_in_last_mail("maria@example.com")
    response = client.get(link)
    assert response.status_code == 302
    assert User.objects.get().is_email_confirmed
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.logout()
    assert client.get(link).status_code == 400


def test_a_forged_confirmation_link_is_refused(client):
    client.post(SIGNUP, form_data())
    link = link_in_last_mail("maria@example.com")
    forged = link.rstrip("/")[:-3] + "abc/"
    assert client.get(forged).status_code == 400
    assert client.get("/accounts/confirm/!!/abc/").status_code == 400
    assert not User.objects.get().is_email_confirmed


def test_signup_with_a_taken_address_looks_the_same_and_warns_its_owner(client):
    owner = CustomerFactory(email="maria@example.com", full_name="Maria Original")
    response = client.post(
        SIGNUP, form_data(email="MARIA@example.com", email_confirmation="maria@example.com")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.full_name == "Maria Original"
    assert owner.check_password("correct-horse-battery")
    assert len(mail.outbox) == 1
    assert "already has an account" in mail.outbox[0].body


def test_signing_up_again_before_confirming_changes_nothing_and_mails_a_password_link(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_up(
            full_name="Maria", email="maria@example.com", password="a-long-and-unusual-phrase",
            language="en", ip="192.0.2.1",
        )  # fmt: skip
        services.sign_up(
            full_name="Mallory", email="maria@example.com", password="another-fine-phrase",
            language="pt-br", ip="192.0.2.2",
        )  # fmt: skip
    user = User.objects.get()
    assert user.full_name == "Maria"
    assert user.language == "en"
    assert user.check_password("a-long-and-unusual-phrase")
    assert not user.check_password("another-fine-phrase")
    assert not user.is_email_confirmed
    assert len(mail.outbox) == 2
    assert "/accounts/password/reset/" in mail.outbox[1].body
    assert "choose a new password" in mail.outbox[1].body


def test_a_second_sign_up_cannot_take_over_an_unconfirmed_account(client):
    client.post(SIGNUP, form_data())
    owners_link = link_in_last_mail("maria@example.com")
    mallory = {
        "full_name": "Mallory",
        "password1": "mallory-s-phrase",
        "password2": "mallory-s-phrase",
    }
    client.post(SIGNUP, form_data(**mallory))
    # The owner follows the link of their own sign-up: the attacker's password is not theirs.
    assert client.get(owners_link).status_code == 302
    client.logout()
    assert not client.login(username="maria@example.com", password="mallory-s-phrase")
    assert client.login(username="maria@example.com", password="a-long-and-unusual-phrase")


def test_a_password_change_voids_the_confirmation_link(client):
    client.post(SIGNUP, form_data())
    link = link_in_last_mail("maria@example.com")
    user = User.objects.get()
    user.set_password("a-brand-new-phrase")
    user.save(update_fields=["password"])
    assert client.get(link).status_code == 400
    assert not User.objects.get().is_email_confirmed


def test_a_guest_who_signs_up_later_is_mailed_a_link_to_choose_a_password(client):
    guest = CustomerFactory(email="maria@example.com", email_confirmed_at=None, password=None)
    guest.set_unusable_password()
    guest.save(update_fields=["password"])
    response = client.post(SIGNUP, form_data())
    assert response["Location"] == reverse("accounts:signup_done")
    link = link_in_last_mail("maria@example.com")
    assert "/accounts/password/reset/" in link
    guest.refresh_from_db()
    assert not guest.has_usable_password()


def test_signup_in_portuguese_records_the_language_and_mails_in_portuguese(client):
    client.post(SIGNUP, form_data(), HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert User.objects.get().language == "pt-br"
    assert mail.outbox[0].subject == "Confirme seu endereço de e-mail"


@override_settings(SIGNUPS_PER_ADDRESS_PER_HOUR=2)
def test_signups_are_rate_limited_per_address(client):
    for n in range(2):
        email = f"p{n}@example.com"
        client.post(SIGNUP, form_data(email=email, email_confirmation=email))
    response = client.post(
        SIGNUP, form_data(email="p9@example.com", email_confirmation="p9@example.com")
    )
    assert response.status_code == 200
    assert "Too many sign-ups" in response.content.decode()
    assert User.objects.count() == 2


def test_a_logged_in_person_is_sent_home_from_signup(client, light_user):
    client.force_login(light_user)
    assert client.get(SIGNUP)["Location"] == reverse("home")


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting the passwords it hashes."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@override_settings(PASSWORD_HASHERS=["accounts.tests.test_signup.CountingHasher"])
@pytest.mark.parametrize("existing", ["none", "confirmed", "unconfirmed"])
def test_signup_does_the_same_work_whether_or_not_the_address_has_an_account(
    existing, django_capture_on_commit_callbacks
):
    if existing != "none":
        person = CustomerFactory(email="maria@example.com")
        if existing == "unconfirmed":
            User.objects.filter(id=person.id).update(email_confirmed_at=None)
    CountingHasher.hashed = 0
    with django_capture_on_commit_callbacks() as queued:
        response = Client().post(SIGNUP, form_data())
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:signup_done"))
    assert CountingHasher.hashed == 1
    tasks = [callback for callback in queued if "enqueue_on_commit" in callback.__qualname__]
    assert len(tasks) == 1  # one mail in the outbox, whichever it is
