"""The gate for changing people and organizations (accounts/permissions.py), with the named
people: an active administrator alone, and only for customers."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.permissions import may_change_person, may_manage_people

pytestmark = pytest.mark.django_db

PEOPLE = ["light_user", "master_user", "agent", "manager", "administrator"]


@pytest.mark.parametrize("person", PEOPLE)
def test_only_an_administrator_manages_people(request, person, light_user, agent):
    user = request.getfixturevalue(person)
    is_administrator = person == "administrator"
    assert may_manage_people(user) is is_administrator
    assert may_change_person(user, light_user) is is_administrator
    assert may_change_person(user, agent) is False  # the staff: in the administration only


def test_nobody_signed_out_or_inactive_manages_people(administrator, light_user):
    assert may_manage_people(AnonymousUser()) is False
    administrator.is_active = False
    assert may_manage_people(administrator) is False
    assert may_change_person(administrator, light_user) is False
