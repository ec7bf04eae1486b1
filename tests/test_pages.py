import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_offers_a_visitor_log_in_sign_up_ticket_check_and_chat(client):
    html = client.get("/").content.decode()
    for text in ("Log in", "Sign up", "Open a ticket", "Check a ticket", "Live chat"):
        assert text in html
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/signup/"' in html


@pytest.mark.parametrize(
    ("person", "badge"),
    [
        ("light_user", "Customer"),
        ("master_user", "Master user"),
        ("agent", "Agent"),
        ("manager", "Manager"),
        ("administrator", "Administrator"),
    ],
)
def test_navigation_names_the_role(client, request, person, badge):
    client.force_login(request.getfixturevalue(person))
    response = client.get("/")
    assert (
        response.context["nav_role"]
        == {
            "light_user": "light",
            "master_user": "master",
            "agent": "agent",
            "manager": "manager",
            "administrator": "administrator",
        }[person]
    )
    html = response.content.decode()
    assert f'<span class="badge text-bg-light ms-1">{badge}</span>' in html
    assert "Log out" in html
    assert 'href="/accounts/signup/"' not in html


@pytest.mark.parametrize("person", ["light_user", "master_user", "agent", "manager"])
def test_only_administrators_see_the_administration_link(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert reverse("admin:index") not in client.get("/").content.decode()


def test_administrators_see_the_administration_link(client, administrator):
    client.force_login(administrator)
    assert f'href="{reverse("admin:index")}"' in client.get("/").content.decode()


def test_pages_have_landmarks_a_skip_link_and_labelled_fields(client):
    html = client.get(reverse("accounts:signup")).content.decode()
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    assert "<nav " in html
    for field in ("id_full_name", "id_email", "id_email_confirmation", "id_password1"):
        assert f'for="{field}"' in html


def test_static_assets_from_the_registry_are_served_by_the_app(client):
    for path in (
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
        "/static/vendor/jodit/jodit.min.js",
        "/static/vendor/jodit/jodit.min.css",
        "/static/js/editor.js",
        "/static/css/app.css",
        "/static/js/app.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
