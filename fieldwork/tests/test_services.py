"""Service orders on the technician agenda (tickets/fieldwork/services.py): rescheduling checks
the technician's other orders, never the order's own old slot."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AgentFactory
from fieldwork import services as field_work
from tickets.models import ServiceOrder
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    """Tomorrow at `hour`:`minute`, local time."""
    day = timezone.localdate() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def technician(department):
    return AgentFactory(full_name="Tina Technician", departments=[department], is_technician=True)


@pytest.fixture
def other_technician(department):
    return AgentFactory(full_name="Bob Technician", departments=[department], is_technician=True)


@pytest.fixture
def book(agent, light_user, department, normal_priority):
    ticket = open_for(light_user, department)

    def book(technician, starts_at, ends_at, **fields):
        return field_work.schedule_service_order(
            ticket=ticket, actor=agent, technician=technician, kind=ServiceOrder.Kind.ON_SITE,
            starts_at=starts_at, ends_at=ends_at, description="Install the router.", **fields,
        )  # fmt: skip

    return book


def change(order, actor, *, technician=None, status=None, starts_at, ends_at):
    return field_work.change_service_order(
        order=order, actor=actor, technician=technician or order.technician, kind=order.kind,
        status=status or order.status, starts_at=starts_at, ends_at=ends_at,
        description=order.description,
    )  # fmt: skip


def test_moving_an_order_by_half_an_hour_over_its_own_old_slot_succeeds(agent, technician, book):
    order = book(technician, at(9), at(11))
    change(order, agent, starts_at=at(9, 30), ends_at=at(11, 30))
    order.refresh_from_db()
    assert (order.starts_at, order.ends_at) == (at(9, 30), at(11, 30))


def test_moving_an_order_onto_another_of_the_same_technician_fails_naming_it(
    agent, technician, book
):
    order = book(technician, at(9), at(10))
    in_the_way = book(technician, at(11), at(12))
    book(technician, at(12), at(13))  # later in the way too: the first one is named
    with pytest.raises(field_work.Overlaps) as clash:
        change(order, agent, starts_at=at(11, 30), ends_at=at(12, 30))
    assert clash.value.order == in_the_way
    order.refresh_from_db()
    assert (order.starts_at, order.ends_at) == (at(9), at(10))


def test_a_cancelled_order_never_blocks_a_move(agent, technician, book):
    order = book(technician, at(9), at(10))
    book(technician, at(11), at(12), status=ServiceOrder.Status.CANCELLED)
    change(order, agent, starts_at=at(11), ends_at=at(12))
    order.refresh_from_db()
    assert (order.starts_at, order.ends_at) == (at(11), at(12))


def test_an_order_cancelled_over_another_ones_time_is_not_checked(agent, technician, book):
    order = book(technician, at(9), at(10))
    book(technician, at(11), at(12))
    change(order, agent, status=ServiceOrder.Status.CANCELLED, starts_at=at(11), ends_at=at(12))
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.CANCELLED


def test_another_technicians_order_never_blocks_a_move(agent, technician, other_technician, book):
    order = book(technician, at(9), at(10))
    book(other_technician, at(11), at(12))
    change(order, agent, starts_at=at(11), ends_at=at(12))
    order.refresh_from_db()
    assert (order.technician, order.starts_at) == (technician, at(11))


def test_handing_an_order_to_a_busy_technician_fails_naming_their_order(
    agent, technician, other_technician, book
):
    order = book(technician, at(9), at(10))
    busy = book(other_technician, at(9), at(10))
    with pytest.raises(field_work.Overlaps) as clash:
        change(order, agent, technician=other_technician, starts_at=at(9), ends_at=at(10))
    assert clash.value.order == busy
    order.refresh_from_db()
    assert order.technician == technician


def test_the_agenda_takes_a_team_past_a_database_integer_for_none(client, agent):
    client.force_login(agent)
    response = client.get(reverse("agent:agenda"), {"team": "9" * 30})
    assert response.status_code == 200


@pytest.mark.parametrize("view", ["day", "week"])
def test_an_evening_order_shows_in_the_day_and_week_agenda(client, agent, technician, book, view):
    """The form takes an order at 20:00; the hours of the agenda grow to show it."""
    order = book(technician, at(20), at(21, 30))
    client.force_login(agent)
    day = at(20).date().isoformat()
    response = client.get(reverse("agent:agenda"), {"date": day, "view": view, "who": "all"})
    assert response.status_code == 200
    assert order.ticket.reference in response.content.decode()
    rows = response.context["rows"]
    assert [row[0] if view == "week" else row[0].hour for row in rows][-1] == 20
