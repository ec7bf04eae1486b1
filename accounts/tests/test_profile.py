import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.helpers import field_errors

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def test_profile_needs_a_login(client):
    response = client.get(PROFILE)
    assert response["Location"] == f"{reverse('accounts:login')}?next={PROFILE}"


def test_profile_shows_email_and_organization(client, master_user):
    client.force_login(master_user)
    html = client.get(PROFILE).content.decode()
    assert master_user.email in html
    assert "Acme Ltda" in html
    assert "Master user" in html


def test_profile_edit_saves_name_phone_and_language(client, light_user):
    client.force_login(light_user)
    response = client.post(
        PROFILE, {"full_name": "  Lucas   Leve ", "phone": "+55 11 91234-5678", "language": "pt-br"}
    )
    assert response["Location"] == PROFILE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-br"
    light_user.refresh_from_db()
    assert light_user.full_name == "Lucas Leve"
    assert light_user.phone == "+55 11 91234-5678"
    assert light_user.language == "pt-br"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"full_name": "", "phone": "", "language": "en"}, "full_name"),
        ({"full_name": "   ", "phone": "", "language": "en"}, "full_name"),
        ({"full_name": "Lucas", "phone": "call me", "language": "en"}, "phone"),
        ({"full_name": "Lucas", "phone": "123", "language": "en"}, "phone"),
        ({"full_name": "Lucas", "phone": "", "language": "klingon"}, "language"),
    ],
)
def test_profile_errors_stand_next_to_their_field(client, light_user, data, field):
    client.force_login(light_user)
    response = client.post(PROFILE, data)
    assert response.status_code == 200
    assert field_errors(response, field)
    light_user.refresh_from_db()
    assert light_user.full_name != data["full_name"] or field != "full_name"


def test_profile_errors_keep_what_was_typed(client, light_user):
    client.force_login(light_user)
    response = client.post(
        PROFILE, {"full_name": "Lucas Novo", "phone": "call me", "language": "en"}
    )
    html = response.content.decode()
    assert 'value="Lucas Novo"' in html
    assert 'value="call me"' in html


def test_switching_language_remembers_it_for_a_logged_in_person(client, light_user):
    client.force_login(light_user)
    response = client.post(
        reverse("accounts:set_language"), {"language": "pt-br", "next": "/accounts/profile/"}
    )
    assert response["Location"] == "/accounts/profile/"
    light_user.refresh_from_db()
    assert light_user.language == "pt-br"
    page = client.get(PROFILE)
    assert "Seu perfil" in page.content.decode()


def test_switching_language_as_a_visitor_sets_the_cookie_only(client):
    response = client.post(reverse("accounts:set_language"), {"language": "pt-br", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-br"


def test_switching_language_never_redirects_off_site(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "pt-br", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", ["profile", "-1", "[]", "tickets.new"])
def test_a_return_page_that_is_not_a_path_is_refused_with_a_message(client, target):
    response = client.post(reverse("accounts:set_language"), {"language": "pt-br", "next": target})
    assert response.status_code == 400
    assert "must be a page of this site" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_an_unknown_language_changes_nothing(client):
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_agents_choose_whether_they_get_mail(client, agent):
    client.force_login(agent)
    assert "email_notifications" in client.get(PROFILE).context["form"].fields
    client.post(PROFILE, {"full_name": "Aline", "phone": "", "language": "en"})
    agent.refresh_from_db()
    assert not agent.email_notifications


def test_customers_have_no_mail_preference_field(client, light_user):
    client.force_login(light_user)
    assert "email_notifications" not in client.get(PROFILE).context["form"].fields
