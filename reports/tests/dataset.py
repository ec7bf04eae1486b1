"""A small history counted by hand: the figures the reports must give for it are written in
the tests, worked out on paper from the timeline below (times in São Paulo).

Support (the manager's department), priority Normal (first response 8 h, resolution 48 h):
- A: opened 2/3 10:00, claimed 11:00, answered 12:00, resolved 3/3 10:00 (45 min logged),
  rated 5 stars and closed 4/3 10:00. Acme.
- B: opened 2/3 14:00, answered 16:00 and waited on the customer until 22:00 (6 h paused),
  resolved 3/3 20:00 (30 min logged with the reply, not billable). Acme.
- C: opened 5/3 09:00, never answered, still open: late for both. Globex.
- D: opened 6/3 09:00, answered 19:00 (late), resolved 9/3 09:00, "not solved" 12:00 (3 h
  paused), resolved again 15:00 (60 min logged) (late), rated 2 stars and closed 10/3 09:00.
  Globex.
- E and F, before the period: E opened 20/2 (no SLA), pending since 27/2, waiting on the
  customer since 5/3 12:00; F opened 25/2 and resolved 26/2.
Billing (not the manager's): G opened 3/3 10:00, answered 11:00, resolved 12:00, 90 min
logged by the billing agent, rated 1 star.
The period: 1/3/2026 to 10/3/2026.

Open at each day's end, by status (new, open, waiting on customer, pending, reopened):
1/3 E pending; 2/3 A and B open, E pending; 3/3 and 4/3 E pending; 5/3 C open, E waiting;
6/3 to 8/3 C and D open, E waiting; 9/3 and 10/3 C open, E waiting.
Billable: every entry but B's 30 minutes.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendance.models import Attendance, ServicePlan
from chat.models import ChatSession
from reports.filters import Filters
from reports.periods import Period
from tickets.models import Rating, ServiceOrder, Ticket, TicketEntry
from tickets.tests.factories import CategoryFactory, EntryFactory, TicketFactory
from tickets.workflow import Status

LOCAL = ZoneInfo("America/Sao_Paulo")
PERIOD = Period(date(2026, 3, 1), date(2026, 3, 10))
K = TicketEntry.Kind


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LOCAL)


@dataclass
class History:
    tickets: dict
    support: object
    billing: object


def _ticket(
    letter,
    *,
    requester,
    department,
    priority,
    created,
    assignee=None,
    status="open",
    first_response_at=None,
    resolved_at=None,
    closed_at=None,
    paused=timedelta(0),
    category=None,
):
    first_due = due = None
    if priority is not None:
        first_due = created + timedelta(hours=priority.first_response_hours)
        due = created + timedelta(hours=priority.resolution_hours) + paused
    return TicketFactory(
        title=f"Chamado {letter} — ação",
        requester=requester,
        department=department,
        priority=priority,
        category=category,
        assignee=assignee,
        status=status,
        created_at=created,
        first_response_due_at=first_due,
        due_at=due,
        first_response_at=first_response_at,
        resolved_at=resolved_at,
        closed_at=closed_at,
        sla_paused_at=resolved_at if status in (Status.RESOLVED, Status.CLOSED) else None,
    )


def _status(ticket, author, when, old, new, action):
    return EntryFactory(
        ticket=ticket,
        kind=K.STATUS,
        author=author,
        created_at=when,
        data={"from": old, "to": new, "action": action},
    )


def _reply(ticket, author, when, minutes=None, billable=True):
    return EntryFactory(
        ticket=ticket, kind=K.REPLY, author=author, created_at=when, minutes=minutes,
        billable=billable,
    )  # fmt: skip


def _time(ticket, author, when, minutes):
    return EntryFactory(
        ticket=ticket, kind=K.TIME, is_public=False, author=author, created_at=when, minutes=minutes
    )


@pytest.fixture
def history(
    department, other_department, normal_priority, agent, other_agent, manager, light_user, outsider
):
    support, billing = department, other_department
    printers = CategoryFactory(name="Printers", name_pt_br="Impressoras")
    a = _ticket(
        "A",
        requester=light_user,
        department=support,
        priority=normal_priority,
        created=at(2, 10),
        assignee=agent,
        status=Status.CLOSED,
        first_response_at=at(2, 12),
        resolved_at=at(3, 10),
        closed_at=at(4, 10),
        category=printers,
    )
    EntryFactory(
        ticket=a,
        kind=K.ASSIGNMENT,
        is_public=False,
        author=agent,
        created_at=at(2, 11),
        data={"to": agent.full_name},
    )
    _status(a, agent, at(2, 11), "new", "open", "claim")
    _reply(a, agent, at(2, 12))
    _time(a, agent, at(3, 9), 45)
    _status(a, agent, at(3, 10), "open", "resolved", "resolve")
    _status(a, light_user, at(4, 10), "resolved", "closed", "rate")
    Rating.objects.create(
        ticket=a,
        score=5,
        comment="Ótimo atendimento, obrigado!",
        rated_by=light_user,
        created_at=at(4, 10),
    )

    b = _ticket(
        "B",
        requester=light_user,
        department=support,
        priority=normal_priority,
        created=at(2, 14),
        assignee=agent,
        status=Status.RESOLVED,
        first_response_at=at(2, 16),
        resolved_at=at(3, 20),
        paused=timedelta(hours=6),
        category=printers,
    )
    _reply(b, agent, at(2, 16), minutes=30, billable=False)
    _status(b, agent, at(2, 16), "open", "waiting_customer", "reply_and_wait")
    _status(b, light_user, at(2, 22), "waiting_customer", "open", "customer_reply")
    _status(b, agent, at(3, 20), "open", "resolved", "resolve")

    c = _ticket(
        "C", requester=outsider, department=support, priority=normal_priority, created=at(5, 9)
    )

    d = _ticket(
        "D",
        requester=outsider,
        department=support,
        priority=normal_priority,
        created=at(6, 9),
        assignee=agent,
        status=Status.CLOSED,
        first_response_at=at(6, 19),
        resolved_at=at(9, 15),
        closed_at=at(10, 9),
        paused=timedelta(hours=3),
    )
    _reply(d, agent, at(6, 19))
    _status(d, agent, at(9, 9), "open", "resolved", "resolve")
    _status(d, outsider, at(9, 12), "resolved", "reopened", "not_solved")
    _time(d, agent, at(9, 15), 60)
    _status(d, agent, at(9, 15), "reopened", "resolved", "resolve")
    _status(d, outsider, at(10, 9), "resolved", "closed", "rate")
    Rating.objects.create(
        ticket=d, score=2, comment="Demorou demais", rated_by=outsider, created_at=at(10, 9)
    )

    e = _ticket(
        "E", requester=light_user, department=support, priority=None, created=at(20, 10, month=2),
        status=Status.WAITING_CUSTOMER,
    )  # fmt: skip
    _status(e, agent, at(27, 10, month=2), "open", "pending", "pend")
    _status(e, agent, at(5, 12), "pending", "waiting_customer", "reply_and_wait")
    f = _ticket(
        "F",
        requester=light_user,
        department=support,
        priority=None,
        created=at(25, 10, month=2),
        status=Status.RESOLVED,
        resolved_at=at(26, 10, month=2),
    )
    _status(f, agent, at(26, 10, month=2), "open", "resolved", "resolve")

    g = _ticket(
        "G",
        requester=light_user,
        department=billing,
        priority=normal_priority,
        created=at(3, 10),
        assignee=other_agent,
        status=Status.CLOSED,
        first_response_at=at(3, 11),
        resolved_at=at(3, 12),
        closed_at=at(3, 13),
    )
    _reply(g, other_agent, at(3, 11))
    _status(g, other_agent, at(3, 12), "open", "resolved", "resolve")
    _time(g, other_agent, at(3, 12), 90)
    Rating.objects.create(
        ticket=g, score=1, comment="Péssimo", rated_by=light_user, created_at=at(3, 13)
    )
    tickets = {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g}
    assert Ticket.objects.count() == len(tickets)
    return History(tickets=tickets, support=support, billing=billing)


def filters(**fields) -> Filters:
    return Filters(period=PERIOD, **fields)


@pytest.fixture
def contacts(history, agent, other_agent, manager):
    """Chats and attendances on top of the history (the manager's: Support's).

    Chats: 3/3 10:00 accepted after 2 min, 10 min long, 5 stars, filed as ticket A; 3/3 15:00
    accepted after 6 min, 30 min long, 3 stars; 4/3 10:30 ended unaccepted (abandoned).
    Billing's chat at 3/3 11:00 is not the manager's.
    Attendances: by phone on A (Basic support, "Answered by phone", its first contact did not
    resolve it); by chat on B (no plan, "Remote access", resolved at its first contact);
    Billing's by e-mail on G. Service orders: A's done, D's scheduled (the agent's), G's.
    """
    support, billing, tickets = history.support, history.billing, history.tickets

    def chat(department, started, waited, length, *, rating=None, ticket=None, by=agent):
        accepted = started + timedelta(minutes=waited) if waited is not None else None
        return ChatSession.objects.create(
            visitor_name="Visitante Ágata", visitor_email="agata@example.com",
            department=department, agent=by if accepted else None,
            status=ChatSession.Status.ENDED, created_at=started, accepted_at=accepted,
            ended_at=(accepted or started) + timedelta(minutes=length), rating=rating,
            ticket=ticket,
        )  # fmt: skip

    chat(support, at(3, 10), 2, 10, rating=5, ticket=tickets["A"])
    chat(support, at(3, 15), 6, 30, rating=3)
    chat(support, datetime(2026, 3, 4, 10, 30, tzinfo=LOCAL), None, 10)
    chat(billing, at(3, 11), 1, 4, by=other_agent)

    plan = ServicePlan.objects.create(name="Basic support", name_pt_br="Suporte básico",
                                      department=support)  # fmt: skip

    def attendance(ticket, origin, started, contact, kind, *, plan=None, by=agent):
        EntryFactory(ticket=ticket, kind=K.NOTE, is_public=False, author=by, created_at=contact,
                     data={"attendance": "first_contact", "type": kind})  # fmt: skip
        return Attendance.objects.create(
            agent=by, origin=origin, client=ticket.requester, plan=plan, ticket=ticket,
            created_at=started, first_contact_at=contact, finished_at=contact,
        )  # fmt: skip

    attendance(tickets["A"], "phone", at(2, 10), datetime(2026, 3, 2, 10, 5, tzinfo=LOCAL),
               "Answered by phone", plan=plan)  # fmt: skip
    attendance(tickets["B"], "chat", datetime(2026, 3, 3, 19, 50, tzinfo=LOCAL), at(3, 20),
               "Remote access")  # fmt: skip
    attendance(tickets["G"], "email", at(3, 10), at(3, 11), "Billing question", by=other_agent)

    def order(ticket, technician, status, starts):
        return ServiceOrder.objects.create(
            ticket=ticket, technician=technician, status=status, starts_at=starts,
            ends_at=starts + timedelta(hours=2), description="Visita técnica", created_by=manager,
        )  # fmt: skip

    order(tickets["A"], agent, ServiceOrder.Status.DONE, at(4, 14))
    order(tickets["D"], agent, ServiceOrder.Status.SCHEDULED, at(8, 14))
    order(tickets["G"], other_agent, ServiceOrder.Status.SCHEDULED, at(5, 9))
    return history
