"""The attendance gate (attendance/permissions.py): an agent sees the attendances they took,
administrators all of them, nobody else any."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from attendance import services as steps
from attendance.models import Attendance
from attendance.permissions import attendances_for, get_attendance_for

pytestmark = pytest.mark.django_db

PEOPLE = [
    "light_user", "colleague", "master_user", "outsider", "agent", "other_agent", "manager",
    "administrator",
]  # fmt: skip


def deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def taken(agent, other_agent):
    """One attendance the agent took, one Billing's agent took."""
    return {
        "agent": steps.start_attendance(actor=agent, origin=Attendance.Origin.PHONE),
        "other_agent": steps.start_attendance(actor=other_agent, origin=Attendance.Origin.EMAIL),
    }


SEES = {
    "agent": {"agent"},
    "other_agent": {"other_agent"},
    "administrator": {"agent", "other_agent"},
}


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_sees_the_attendances_they_took(request, person, taken):
    user = request.getfixturevalue(person)
    assert set(attendances_for(user)) == {taken[name] for name in SEES.get(person, set())}


def test_the_manager_of_the_agents_department_does_not_see_their_attendance(manager, taken):
    with pytest.raises(Http404):
        get_attendance_for(manager, taken["agent"].id)


@pytest.mark.parametrize("person", ["agent", "administrator"])
def test_an_agent_made_inactive_sees_no_attendance(request, person, taken):
    user = request.getfixturevalue(person)
    assert get_attendance_for(user, taken["agent"].id) == taken["agent"]
    deactivate(user)
    assert not attendances_for(user).exists()
    with pytest.raises(Http404):
        get_attendance_for(user, taken["agent"].id)


def test_a_visitor_sees_no_attendance(taken):
    assert not attendances_for(AnonymousUser()).exists()


def test_an_attendance_that_does_not_exist_is_404(administrator):
    with pytest.raises(Http404):
        get_attendance_for(administrator, 999999)


# What its own agent gets: the step, or (the protocol of an unfinished one) the step to take.
STEP_PAGES = [("attendance:contacts", 200), ("attendance:client", 200), ("attendance:done", 302)]


@pytest.mark.parametrize(("url_name", "own_status"), STEP_PAGES)
def test_another_agent_gets_404_from_the_attendance_pages(
    client, agent, other_agent, manager, taken, url_name, own_status
):
    url = reverse(url_name, args=[taken["agent"].id])
    client.force_login(agent)
    assert client.get(url).status_code == own_status
    for someone_else in (other_agent, manager):
        client.force_login(someone_else)
        assert client.get(url).status_code == 404


def test_another_agent_cannot_walk_the_attendance_by_posting(
    client, other_agent, light_user, taken
):
    attendance = taken["agent"]
    client.force_login(other_agent)
    url = reverse("attendance:client", args=[attendance.id])
    response = client.post(url, {"action": "choose", "client": light_user.id})
    assert response.status_code == 404
    attendance.refresh_from_db()
    assert attendance.client is None


def test_the_new_attendance_page_offers_only_ones_own_unfinished(client, agent, other_agent, taken):
    client.force_login(agent)
    offered = list(client.get(reverse("attendance:new")).context["unfinished"])
    assert offered == [taken["agent"]]
