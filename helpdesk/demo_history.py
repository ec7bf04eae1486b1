"""Months of past tickets and chats for the demo, so that the reports draw real charts:
written in bulk (as `make bench` seeds), once, with the timeline the services would have left:
the opening message, claims, replies, pauses waiting on the customer, resolutions, "not
solved" answers, ratings, closings and time worked, each dated in the past."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, DepartmentMembership, User
from chat.models import ChatSession
from tickets import queues
from tickets.models import Category, Priority, Rating, Ticket, TicketEntry
from tickets.search import refresh_search
from tickets.workflow import Status

DAYS = 150
CHUNK = 2000  # tickets written in one transaction
PER_DAY = (2, 9)
MARK = "<demo-history-"  # the e-mail thread id of every ticket written here
TITLES = [
    ("Printer does not print the invoices", "A impressora não imprime as notas"),
    ("Cannot log in after the update", "Não consigo entrar depois da atualização"),
    ("Second copy of the invoice", "Segunda via do boleto"),
    ("The sales report is slow", "O relatório de vendas está lento"),
    ("Error when exporting to Excel", "Erro ao exportar para o Excel"),
    ("New user for the team", "Novo usuário para a equipe"),
    ("Integration stopped sending orders", "A integração parou de enviar pedidos"),
    ("Question about the contract", "Dúvida sobre o contrato"),
]
COMMENTS = [
    "Resolvido rápido, obrigado!",
    "Atendimento excelente.",
    "Demorou, mas resolveu.",
    "Precisei explicar duas vezes.",
    "Ajudou muito, obrigado.",
    "Não ficou claro o que foi feito.",
    "",
    "",
    "",
]
STARS = [5] * 9 + [4] * 6 + [3] * 3 + [2] * 1 + [1] * 1
CHANNELS = ["portal"] * 5 + ["email"] * 3 + ["phone", "chat", "agent"]


def _business_hour(rng, day):
    return day.replace(hour=rng.randrange(8, 18), minute=rng.randrange(60), second=0)


def seed_history(*, days: int = DAYS, per_day: tuple[int, int] = PER_DAY, seed: int = 18) -> int:
    """Write the history once; returns how many tickets it wrote (0 if it was there).

    `per_day` bounds the tickets of a weekday (a third of it on weekends): the default draws
    the demo's charts; larger ones time the reports on a large history."""
    if Ticket.objects.filter(email_thread_id__startswith=MARK).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    customers = list(User.objects.filter(role=User.Role.CUSTOMER).order_by("id"))
    departments = list(Department.objects.order_by("id"))
    priorities = [p for p in Priority.objects.order_by("id") if p.resolution_hours]
    if not customers or not departments or not priorities:
        return 0
    members: dict[int, list[int]] = {}
    for membership in DepartmentMembership.objects.order_by("id"):
        members.setdefault(membership.department_id, []).append(membership.user_id)
    names = dict(User.objects.filter(role__in=User.STAFF_ROLES).values_list("id", "full_name"))
    categories: dict[int | None, list[int]] = {}
    for category in Category.objects.order_by("id"):
        categories.setdefault(category.department_id, []).append(category.id)
    taken = set(Ticket.objects.values_list("number", flat=True))
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    plans = []
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        weekend = day.weekday() >= 5
        for _ in range(rng.randrange(*per_day) // (3 if weekend else 1)):
            plans.append(_business_hour(rng, day))
    numbers = iter(n for n in rng.sample(range(200_000, 999_999), len(plans) + len(taken))
                   if n not in taken)  # fmt: skip
    context = {"rng": rng, "now": now, "departments": departments, "members": members,
               "names": names, "customers": customers, "priorities": priorities,
               "categories": categories, "numbers": numbers}  # fmt: skip
    for offset in range(0, len(plans), CHUNK):
        _write(plans[offset : offset + CHUNK], offset, **context)
    queues.compact_queue_counts()
    return len(plans)


@transaction.atomic
def _write(plans, offset, *, rng, now, departments, members, names, customers, priorities,
           categories, numbers):  # fmt: skip
    tickets, timelines = [], []
    for n, created in enumerate(plans, start=offset):
        department = rng.choice(departments)
        agents = members.get(department.id) or list(names)
        ticket, timeline = _one(
            rng, n, created, now, number=next(numbers), customer=rng.choice(customers),
            department=department, priority=rng.choice(priorities),
            category=rng.choice(categories.get(department.id, []) + categories.get(None, [])
                                or [None]),
            agent=rng.choice(agents),
        )  # fmt: skip
        tickets.append(ticket)
        timelines.append(timeline)
    Ticket.objects.bulk_create(tickets, batch_size=500)
    entries, ratings = [], []
    for ticket, timeline in zip(tickets, timelines, strict=True):
        for kind, author, when, data, minutes in timeline["entries"]:
            if kind == "assignment":
                data = {"to": names.get(author, "")}
            entries.append(TicketEntry(
                ticket=ticket, kind=kind, author_id=author, created_at=when, data=data,
                minutes=minutes, is_public=kind not in ("note", "time", "assignment"),
                body_html=timeline["bodies"].get(kind, ""),
                body_text=timeline["bodies"].get(kind, "").removeprefix("<p>")
                .removesuffix("</p>"),
            ))  # fmt: skip
        if timeline["rating"]:
            score, comment, when = timeline["rating"]
            ratings.append(Rating(
                ticket=ticket, score=score, comment=comment,
                rated_by_id=ticket.requester_id, created_at=when,
            ))  # fmt: skip
    TicketEntry.objects.bulk_create(entries, batch_size=1000)
    Rating.objects.bulk_create(ratings, batch_size=500)
    refresh_search([ticket.id for ticket in tickets])
    ChatSession.objects.bulk_create(
        _chats(rng, plans, now, departments, members, customers, tickets), batch_size=500
    )


def _one(rng, n, created, now, *, number, customer, department, priority, category, agent):
    """A ticket and what happened to it, by the rules the services follow."""
    _english, title = rng.choice(TITLES)  # the demo's customers write in Portuguese
    entries = [("message", customer.id, created, {}, None)]
    status = Status.NEW
    first_response_at = resolved_at = closed_at = sla_paused_at = None
    assignee = None
    paused = timedelta(0)
    rating = None
    claimed = created + timedelta(minutes=rng.randrange(5, 240))
    if claimed < now:
        assignee = agent
        status = Status.OPEN
        entries += [("assignment", agent, claimed, {}, None),
                    ("status", agent, claimed, _move("new", "open", "claim"), None)]  # fmt: skip
        answered = claimed + timedelta(minutes=rng.randrange(5, 8 * 60))
        if answered < now:
            first_response_at = answered
            worked = rng.choice([None, 10, 15, 20, 30, 45, 60])
            entries.append(("reply", agent, answered, {}, worked))
            moment = answered
            if rng.random() < 0.25:  # waits on the customer
                back = answered + timedelta(minutes=rng.randrange(60, 36 * 60))
                entries.append(
                    (
                        "status",
                        agent,
                        answered,
                        _move("open", "waiting_customer", "reply_and_wait"),
                        None,
                    )
                )
                if back < now:
                    entries += [
                        ("message", customer.id, back, {}, None),
                        (
                            "status",
                            customer.id,
                            back,
                            _move("waiting_customer", "open", "customer_reply"),
                            None,
                        ),
                    ]
                    paused += back - answered
                    moment = back
                else:
                    status, sla_paused_at, moment = Status.WAITING_CUSTOMER, answered, None
            if moment is not None:
                status, resolved_at, closed_at, sla_paused_at, rating, more = _finish(
                    rng, moment, now, agent, customer, entries
                )
                paused += more
    first_due = created + timedelta(hours=priority.first_response_hours or 0)
    ticket = Ticket(
        number=number, title=title, requester=customer,
        organization_id=customer.organization_id, department=department,
        category_id=category, priority=priority, assignee_id=assignee, status=status,
        channel=rng.choice(CHANNELS), customer_spoke_last=first_response_at is None,
        created_at=created, updated_at=max(when for _k, _a, when, _d, _m in entries),
        first_response_at=first_response_at, resolved_at=resolved_at, closed_at=closed_at,
        sla_paused_at=sla_paused_at,
        first_response_due_at=first_due if priority.first_response_hours else None,
        due_at=created + timedelta(hours=priority.resolution_hours) + paused,
        email_thread_id=f"{MARK}{n}@helpdesk.example>",
    )  # fmt: skip
    bodies = {
        "message": f"<p>{title}.</p>",
        "reply": "<p>Obrigado pelo contato, já verificamos.</p>",
    }
    return ticket, {"entries": entries, "bodies": bodies, "rating": rating}


def _finish(rng, start, now, agent, customer, entries):
    """Resolve (and maybe reopen, resolve again, rate or close) from `start`."""
    status, resolved_at, closed_at, sla_paused_at, rating = Status.OPEN, None, None, None, None
    more = timedelta(0)
    resolved = start + timedelta(minutes=rng.randrange(30, 4 * 24 * 60))
    if resolved >= now:
        return status, resolved_at, closed_at, sla_paused_at, rating, more
    entries.append(("time", agent, resolved, {}, rng.choice([15, 30, 45, 60, 90, 120])))
    entries.append(("status", agent, resolved, _move("open", "resolved", "resolve"), None))
    status, resolved_at, sla_paused_at = Status.RESOLVED, resolved, resolved
    if rng.random() < 0.08:  # the customer says it is not solved
        again = resolved + timedelta(minutes=rng.randrange(60, 24 * 60))
        if again < now:
            entries.append(
                ("status", customer.id, again, _move("resolved", "reopened", "not_solved"), None)
            )
            more += again - resolved
            fixed = again + timedelta(minutes=rng.randrange(60, 24 * 60))
            if fixed >= now:
                return Status.REOPENED, resolved_at, None, None, None, more
            entries.append(("status", agent, fixed, _move("reopened", "resolved", "resolve"), None))
            resolved_at = sla_paused_at = fixed
    after = resolved_at + timedelta(hours=rng.randrange(2, 72))
    if after < now and rng.random() < 0.7:
        rating = (rng.choice(STARS), rng.choice(COMMENTS), after)
        entries.append(("rating", customer.id, after, {}, None))
        entries.append(("status", customer.id, after, _move("resolved", "closed", "rate"), None))
        status, closed_at = Status.CLOSED, after
    elif resolved_at + timedelta(days=7) < now:
        closed = resolved_at + timedelta(days=7)
        entries.append(("status", None, closed, _move("resolved", "closed", "auto_close"), None))
        status, closed_at = Status.CLOSED, closed
    return status, resolved_at, closed_at, sla_paused_at, rating, more


def _chats(rng, plans, now, departments, members, customers, tickets):
    """A few chats on the days tickets were opened: most accepted within minutes."""
    chats = []
    for started in plans[::2]:
        started += timedelta(minutes=rng.randrange(-90, 90))
        department = rng.choice(departments)
        agents = members.get(department.id)
        customer = rng.choice(customers)
        accepted = ended = None
        if agents and rng.random() < 0.85:
            accepted = started + timedelta(seconds=rng.randrange(20, 8 * 60))
            ended = accepted + timedelta(minutes=rng.randrange(3, 40))
        elif rng.random() < 0.9:
            ended = started + timedelta(minutes=rng.randrange(2, 15))  # gave up waiting
        if ended is None or ended >= now:
            continue
        chats.append(ChatSession(
            visitor_name=customer.full_name, visitor_email=customer.email, visitor=customer,
            department=department, agent_id=rng.choice(agents) if accepted else None,
            status=ChatSession.Status.ENDED, created_at=started, accepted_at=accepted,
            ended_at=ended, rating=rng.choice(STARS) if accepted and rng.random() < 0.5 else None,
            ticket=rng.choice(tickets) if accepted and rng.random() < 0.15 else None,
        ))  # fmt: skip
    return chats


def _move(old, new, action):
    return {"from": old, "to": new, "action": action}
