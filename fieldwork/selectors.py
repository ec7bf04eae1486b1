"""Reads of the field work (S1 1.7 to 1.9): a ticket's contacts, tasks, technicians, the agenda."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.utils import timezone

from accounts.models import User
from tickets.models import ServiceOrder, Ticket, TicketTask
from tickets.permissions import visible_tickets


def client_contacts(ticket: Ticket) -> list[User]:
    """Who a mail about the ticket may go to (S1 1.9.1): the requester and the active people
    of their organization."""
    requester = ticket.requester
    people = [requester]
    if requester.organization_id:
        people += list(
            User.objects.filter(organization_id=requester.organization_id, is_active=True)
            .exclude(id=requester.id)
            .order_by("full_name")
        )
    return people


def tasks_for(user: User, *, done: bool = False):
    """The agent's tasks (S1 1.7) on tickets they may see: open ones by due date, or the done
    ones newest first."""
    tasks = TicketTask.objects.filter(
        assignee=user, ticket__in=visible_tickets(user).values("id")
    ).select_related("ticket")
    if done:
        return tasks.filter(done_at__isnull=False).order_by("-done_at", "-id")
    return tasks.filter(done_at__isnull=True).order_by("due_at", "id")


def technicians(*, department_id=None):
    people = User.objects.filter(is_technician=True, is_active=True).order_by("full_name")
    if department_id:
        people = people.filter(department_memberships__department_id=department_id)
    return people


# The agenda (S1 1.8.2): a day, a week or a month of service orders.

DAY_HOURS = range(7, 20)


def shown_hours(orders) -> range:
    """The working hours, grown to the hours of any order shown that starts outside them."""
    starts = [timezone.localtime(order.starts_at).hour for order in orders]
    return range(min([DAY_HOURS.start, *starts]), max([DAY_HOURS.stop, *(h + 1 for h in starts)]))


@dataclass
class AgendaCell:
    """An hour of the agenda: the orders that start in it, and whether it is taken (an order
    that started earlier runs through it, or every technician shown is busy)."""

    starts_at: datetime
    technician: User | None = None
    orders: list = field(default_factory=list)
    busy: bool = False

    @property
    def slot_query(self) -> str:
        """The new order's fields for this free hour, as a query string."""
        ends_at = self.starts_at + timedelta(hours=1)
        values = {
            "date": self.starts_at.date().isoformat(),
            "start": self.starts_at.strftime("%H:%M"),
            "end": ends_at.strftime("%H:%M"),
        }
        if self.technician is not None:
            values["technician"] = str(self.technician.id)
        return urlencode(values)


def agenda_range(view: str, day: date) -> tuple[date, date]:
    """The first and the day after the last day shown."""
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=7)
    if view == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following
    return day, day + timedelta(days=1)


def agenda_orders(*, first: date, after: date, technician_ids, kind: str = ""):
    tz = timezone.get_current_timezone()
    orders = ServiceOrder.objects.filter(
        technician_id__in=technician_ids,
        starts_at__lt=datetime.combine(after, time.min, tzinfo=tz),
        ends_at__gt=datetime.combine(first, time.min, tzinfo=tz),
    ).exclude(status=ServiceOrder.Status.CANCELLED)
    if kind:
        orders = orders.filter(kind=kind)
    return list(orders.select_related("ticket", "technician").order_by("starts_at"))


def mark_visible(orders, user: User) -> None:
    """The agenda shows every technician's time, but a ticket only to those who may see it."""
    ids = {order.ticket_id for order in orders}
    seen = set(visible_tickets(user).filter(id__in=ids).values_list("id", flat=True))
    for order in orders:
        order.ticket_is_visible = order.ticket_id in seen


def _overlapping(orders, starts_at, ends_at, technician: User | None = None):
    return [
        order
        for order in orders
        if order.starts_at < ends_at
        and order.ends_at > starts_at
        and (technician is None or order.technician_id == technician.id)
    ]


def _cell(
    starts_at, orders, *, technician: User | None = None, people_count=1, first_hour=DAY_HOURS[0]
) -> AgendaCell:
    ends_at = starts_at + timedelta(hours=1)
    running = _overlapping(orders, starts_at, ends_at, technician)
    first_row = starts_at.hour == first_hour
    starting = [
        order for order in running if order.starts_at >= starts_at or first_row
    ]  # an order shows once, in the hour it starts
    busy_people = {order.technician_id for order in running}
    busy = len(busy_people) >= people_count or starts_at < timezone.now()  # a past hour: taken
    return AgendaCell(starts_at, technician, starting, busy=busy)


def day_grid(day: date, people, orders):
    """Rows of hours, a cell per technician."""
    tz = timezone.get_current_timezone()
    rows = []
    hours = shown_hours(orders)
    for hour in hours:
        starts_at = datetime.combine(day, time(hour), tzinfo=tz)
        cells = [_cell(starts_at, orders, technician=p, first_hour=hours[0]) for p in people]
        rows.append((starts_at, cells))
    return rows


def week_grid(first: date, orders, people):
    """Rows of hours, a cell per day of the week, all the technicians shown together."""
    tz = timezone.get_current_timezone()
    days = [first + timedelta(days=offset) for offset in range(7)]
    rows = []
    hours = shown_hours(orders)
    for hour in hours:
        starts = [datetime.combine(day, time(hour), tzinfo=tz) for day in days]
        cells = [_cell(at, orders, people_count=len(people), first_hour=hours[0]) for at in starts]
        rows.append((hour, cells))
    return days, rows


def month_grid(first: date, orders):
    """Whole weeks from the Monday on or before the 1st to the Sunday on or after the last day;
    each day with its orders, or None for days of the months around it."""
    tz = timezone.get_current_timezone()
    after = agenda_range("month", first)[1]
    start = first - timedelta(days=first.weekday())
    days = (after - start).days
    weeks = []
    for offset in range(0, days + (-days % 7), 7):
        week = []
        for day in (start + timedelta(days=offset + n) for n in range(7)):
            starts_at = datetime.combine(day, time.min, tzinfo=tz)
            in_month = first <= day < after
            running = _overlapping(orders, starts_at, starts_at + timedelta(days=1))
            week.append((day, running if in_month else None))
        weeks.append(week)
    return weeks
