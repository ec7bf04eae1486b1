import pytest
from django.urls import reverse

from accounts.models import DepartmentMembership, User

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:accounts_user_changelist",
    "admin:accounts_organization_changelist",
    "admin:accounts_department_changelist",
    "admin:tickets_category_changelist",
    "admin:tickets_product_changelist",
    "admin:tickets_priority_changelist",
    "admin:tickets_severity_changelist",
]


@pytest.mark.parametrize("person", ["light_user", "master_user", "agent", "manager"])
def test_only_administrators_reach_the_admin(client, request, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_visitors_are_sent_to_the_rate_limited_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.templates[0].name == "accounts/login.html"


def test_admin_login_page_is_the_accounts_login_form(client, administrator, password):
    response = client.post(
        f"{reverse('admin:login')}?next=/admin/",
        {"username": administrator.email, "password": password},
    )
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_administrator_sees_each_configuration_list_with_search(
    client, administrator, department, organization, changelist
):
    client.force_login(administrator)
    response = client.get(reverse(changelist), {"q": "a"})
    assert response.status_code == 200
    assert response.context["cl"].search_fields


def test_user_list_filters_by_role_and_organization(client, administrator, light_user, agent):
    client.force_login(administrator)
    response = client.get(reverse("admin:accounts_user_changelist"), {"role__exact": "agent"})
    assert list(response.context["cl"].queryset) == [agent]
    response = client.get(
        reverse("admin:accounts_user_changelist"),
        {"organization__id__exact": light_user.organization_id},
    )
    assert list(response.context["cl"].queryset) == [light_user]


def test_administrator_adds_a_master_user_without_a_password(client, administrator, organization):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Boss@Acme.example",
            "full_name": "New Boss",
            "role": "customer",
            "organization": organization.id,
            "is_master": "on",
            "language": "pt-br",
            "password1": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.boss@acme.example")
    assert user.is_master
    assert not user.has_usable_password()


def test_admin_refuses_a_master_user_without_organization(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "x@example.com",
            "full_name": "X",
            "role": "customer",
            "is_master": "on",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_master"]


def test_admin_refuses_an_email_taken_in_another_case(client, administrator, light_user):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "LIGHT@acme.example", "full_name": "X", "role": "customer", "language": "en"},
    )
    assert response.context["adminform"].form.errors["email"]


def test_administrator_puts_an_agent_in_a_department_as_manager(
    client, administrator, agent, department
):
    client.force_login(administrator)
    url = reverse("admin:accounts_department_change", args=[department.id])
    membership = DepartmentMembership.objects.get(user=agent)
    response = client.post(
        url,
        {
            "name": department.name,
            "name_pt_br": department.name_pt_br,
            "email": "",
            "is_active": "on",
            "position": 0,
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 1,
            "memberships-0-id": membership.id,
            "memberships-0-department": department.id,
            "memberships-0-user": agent.id,
            "memberships-0-is_manager": "on",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_manager


def test_a_customer_cannot_join_a_department(client, administrator, department, light_user):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_department_change", args=[department.id]),
        {
            "name": department.name,
            "name_pt_br": "",
            "email": "",
            "is_active": "on",
            "position": 0,
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-department": department.id,
            "memberships-0-user": light_user.id,
        },
    )
    assert response.status_code == 200
    assert not DepartmentMembership.objects.filter(user=light_user).exists()
