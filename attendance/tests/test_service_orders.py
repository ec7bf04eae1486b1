"""A technician's service orders besides the agenda, the agenda's past hours, and the order's
history line in the reader's locale (S1 1.8)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from accounts.tests.factories import AgentFactory
from attendance import selectors
from fieldwork import services as field_work
from tickets.history import event_text
from tickets.models import ServiceOrder, TicketEntry
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


def on(day, hour):
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()) + (
        timedelta(hours=hour)
    )


def book(ticket, agent, technician, day, hour, **fields):
    return field_work.schedule_service_order(
        ticket=ticket, actor=agent, technician=technician, starts_at=on(day, hour),
        ends_at=on(day, hour + 1), description=fields.pop("description", "Fix the router."),
        kind=fields.pop("kind", ServiceOrder.Kind.ON_SITE), **fields,
    )  # fmt: skip


def test_a_technicians_orders_are_filtered_by_status_type_and_days(
    agent, light_user, department, technician
):
    ticket = open_for(light_user, department)
    day = timezone.localdate() + timedelta(days=3)
    visit = book(ticket, agent, technician, day, 9)
    remote = book(ticket, agent, technician, day, 11, kind=ServiceOrder.Kind.REMOTE)
    later = book(ticket, agent, technician, day + timedelta(days=5), 9,
                 status=ServiceOrder.Status.DONE)  # fmt: skip
    book(ticket, agent, AgentFactory(is_technician=True, departments=[department]), day, 9)

    def found(**filters):
        return list(selectors.service_orders_of(technician, **filters))

    assert found() == [visit, remote, later]
    assert found(kind=ServiceOrder.Kind.REMOTE) == [remote]
    assert found(status=ServiceOrder.Status.DONE) == [later]
    assert found(start=day + timedelta(days=1)) == [later]
    assert found(end=day) == [visit, remote]


def test_the_list_is_for_technicians_seek_paged_with_its_queries_pinned(
    client, agent, light_user, department, technician, settings, django_assert_num_queries
):
    settings.TICKETS_PER_PAGE = 5
    ticket = open_for(light_user, department)
    first = timezone.localdate() + timedelta(days=1)
    for offset in range(7):
        book(ticket, agent, technician, first + timedelta(days=offset), 9)
    client.force_login(agent)
    assert client.get("/agent/attendance/service-orders/").status_code == 404
    client.force_login(technician)
    client.get("/agent/attendance/service-orders/")  # warm the kept tables
    with django_assert_num_queries(4):  # as many for 5 rows as for 2
        page = client.get("/agent/attendance/service-orders/")
    assert page.content.decode().count(ticket.reference) == 5
    following = page.context["page"].next_cursor
    with django_assert_num_queries(4):
        rest = client.get("/agent/attendance/service-orders/", {"after": following, "page": 2})
    assert rest.content.decode().count(ticket.reference) == 2
    bad = client.get("/agent/attendance/service-orders/", {"start": "2026-13-01", "kind": "x"})
    assert bad.status_code == 200
    assert "start" in bad.context["form"].errors


def test_the_agenda_offers_no_hour_already_past(client, agent, technician, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    timezone.activate("America/Sao_Paulo")
    now = timezone.localtime()
    client.force_login(agent)
    page = client.get(f"/agent/agenda/?date={now.date().isoformat()}").content.decode()
    for hour in range(7, 20):
        offered = f"Schedule Tina Technician at {hour:02d}:00" in page
        assert offered == (hour > now.hour), hour
    tomorrow = (now + timedelta(days=1)).date().isoformat()
    later = client.get(f"/agent/agenda/?date={tomorrow}").content.decode()
    assert "Schedule Tina Technician at 07:00" in later


def test_a_service_orders_history_line_shows_its_date_in_the_readers_locale(
    agent, light_user, department, technician
):
    ticket = open_for(light_user, department)
    day = datetime(2026, 12, 2).date() + timedelta(days=365)
    book(ticket, agent, technician, day, 9)
    entry = ticket.entries.get(kind=TicketEntry.Kind.EDIT, data__service_order="scheduled")
    with translation.override("pt-br"):
        text = event_text(entry, staff=True)
    assert "02/12/2027 09:00–10:00" in text  # noqa: RUF001 - a range of hours
    assert "2027-12-02" not in text
    with translation.override("en"):
        assert "12/02/2027 09:00" in event_text(entry, staff=True)
