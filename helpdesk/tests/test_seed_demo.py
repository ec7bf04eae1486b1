import io

import pytest
from django.core.management import call_command

from accounts.models import Department, DepartmentMembership, Organization, User
from helpdesk.management.commands.seed_demo import DEMO_PASSWORD
from tickets.models import Category, Priority

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organization, User, Department, Category, Priority, DepartmentMembership)
    }


def test_seed_demo_is_idempotent_and_prints_the_logins(capsys):
    call_command("seed_demo")
    first = counts()
    printed = capsys.readouterr().out
    call_command("seed_demo")
    assert counts() == first
    assert DEMO_PASSWORD in printed
    for user in User.objects.all():
        assert user.email in printed


def test_seed_demo_creates_every_role():
    call_command("seed_demo", stdout=io.StringIO())
    assert Organization.objects.count() == 2
    for organization in Organization.objects.all():
        members = organization.members.all()
        assert any(m.is_master for m in members)
        assert any(not m.is_master for m in members)
    assert Department.objects.count() == 3
    assert Category.objects.filter(department=None, requires_attachment=True).exists()
    agents = User.objects.filter(role=User.Role.AGENT)
    assert any(a.is_manager for a in agents)
    assert any(not a.is_manager for a in agents)
    assert User.objects.filter(role=User.Role.ADMINISTRATOR).exists()
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.all())
    assert all(u.is_email_confirmed for u in User.objects.all())
