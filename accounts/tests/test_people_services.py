"""The writes of people and organizations outside the administration (accounts.services):
checked again by the gate, written to the object's history, a master flag to the security
log."""

import pytest
from django.contrib.admin.models import LogEntry

from accounts import services
from accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db


def test_nobody_but_an_administrator_writes_people_or_organizations(
    manager, light_user, organization
):
    with pytest.raises(services.NotAllowed):
        services.create_person(actor=manager, full_name="X", email="x@y.example")
    with pytest.raises(services.NotAllowed):
        services.update_person(actor=manager, person=light_user, full_name="X")
    with pytest.raises(services.NotAllowed):
        services.deactivate_person(actor=manager, person=light_user)
    with pytest.raises(services.NotAllowed):
        services.create_organization(actor=manager, name="X")
    with pytest.raises(services.NotAllowed):
        services.update_organization(actor=manager, organization=organization, name="X")
    light_user.refresh_from_db()
    assert (light_user.full_name, light_user.is_active) != ("X", False)
    assert not LogEntry.objects.exists()


def test_a_change_to_nothing_writes_nothing(administrator, light_user, organization):
    services.update_person(actor=administrator, person=light_user, phone=light_user.phone,
                           full_name=f"  {light_user.full_name} ")  # fmt: skip
    services.update_organization(actor=administrator, organization=organization, name="Acme Ltda")
    assert not LogEntry.objects.exists()


def test_a_light_user_made_master_is_a_change_of_role(administrator, light_user, organization):
    services.update_person(actor=administrator, person=light_user, is_master=True,
                           email=" LIGHT2@acme.example ")  # fmt: skip
    light_user.refresh_from_db()
    assert (light_user.is_master, light_user.email) == (True, "light2@acme.example")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_CHANGED)
    assert (event.user, event.actor) == (light_user, administrator)
    assert event.details == {"previous": "light", "role": "master"}
    entry = LogEntry.objects.get()
    assert entry.get_change_message() == "Changed E-mail and Master user."
