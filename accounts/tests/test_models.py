import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_create_user_stores_the_email_lower_case():
    user = User.objects.create_user("  Maria.Silva@Example.COM ", "pw-long-enough", full_name="M")
    assert user.email == "maria.silva@example.com"


def test_login_lookup_ignores_the_case_of_the_email():
    user = CustomerFactory(email="maria@example.com")
    assert User.objects.get_by_natural_key("MARIA@Example.com") == user


def test_database_refuses_an_email_that_is_not_lower_case():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="Maria@Example.com", full_name="Maria")


def test_two_people_cannot_share_an_email():
    CustomerFactory(email="maria@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("MARIA@example.com", "pw-long-enough", full_name="Other")


def test_a_master_user_must_belong_to_an_organization():
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(is_master=True, organization=None)


def test_organization_email_domain_is_unique_when_set_and_may_be_blank_many_times():
    OrganizationFactory(name="A", email_domain="")
    OrganizationFactory(name="B", email_domain="")
    OrganizationFactory(name="C", email_domain="c.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(name="D", email_domain="c.example")


def test_roles_answer_their_questions(light_user, master_user, agent, manager, administrator):
    assert light_user.is_customer
    assert light_user.is_light
    assert not light_user.is_agent
    assert master_user.is_master
    assert not master_user.is_light
    assert agent.is_agent
    assert not agent.is_manager
    assert manager.is_manager
    assert administrator.is_agent
    assert administrator.is_administrator


def test_only_administrators_reach_the_django_admin(light_user, agent, manager, administrator):
    for person in (light_user, agent, manager):
        assert not person.is_staff
        assert not person.has_perm("accounts.change_user")
        assert not person.has_module_perms("accounts")
    assert administrator.is_staff
    assert administrator.has_perm("accounts.change_user")


def test_an_inactive_administrator_has_no_admin_rights(administrator):
    administrator.is_active = False
    assert not administrator.is_staff
    assert not administrator.has_perm("accounts.change_user")


def test_manager_knows_which_departments_they_lead(department, other_department):
    lead = AgentFactory(departments=[other_department], managed=[department])
    assert lead.managed_department_ids == {department.id}


def test_customers_lead_no_department(light_user):
    assert light_user.managed_department_ids == frozenset()


def test_create_superuser_makes_a_confirmed_administrator():
    user = User.objects.create_superuser("root@example.com", "pw-long-enough", full_name="Root")
    assert user.is_administrator
    assert user.is_email_confirmed


def test_first_name_is_the_first_word_of_the_full_name():
    assert User(full_name="Maria da Silva").first_name == "Maria"
    assert User(full_name="").first_name == ""
