"""Bulk actions: each ticket through the same service and gate as one at a time, the refused
listed with their reason, big ones in a worker that never does a ticket twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.tests.factories import AgentFactory
from core import live
from tickets import queues, services
from tickets.models import Ticket, TicketEntry
from tickets.tests.factories import PriorityFactory, TicketFactory
from workspace import bulk, macros
from workspace.models import BulkJob

pytestmark = pytest.mark.django_db


def run(actor, action, tickets=(), *, params=None, every_match=False, query=None):
    numbers = [getattr(t, "number", t) for t in tickets]
    count = bulk.selection_count(actor, numbers=numbers, every_match=every_match,
                                 query=query or {})  # fmt: skip
    return bulk.start_bulk_action(
        actor=actor, action=action, params={"message": "", **(params or {})}, numbers=numbers,
        every_match=every_match, query=query or {}, count=count,
    )  # fmt: skip


def assignments(ticket):
    return TicketEntry.objects.filter(ticket=ticket, kind=TicketEntry.Kind.ASSIGNMENT).count()


@pytest.fixture
def tickets(light_user, department):
    return TicketFactory.create_batch(3, requester=light_user, department=department)


def test_a_manager_assigns_the_tickets_they_see_and_the_others_are_refused(
    manager, agent, tickets, light_user, other_department
):
    elsewhere = TicketFactory(requester=light_user, department=other_department)
    job = run(manager, "assign", [*tickets, elsewhere, 987654], params={"agent": agent.id})
    assert job.status == BulkJob.Status.DONE
    assert job.done == 3
    assert job.refused == [
        {"number": elsewhere.number, "reason": "not_found"},
        {"number": 987654, "reason": "not_found"},
    ]
    for ticket in Ticket.objects.filter(id__in=[t.id for t in tickets]):
        assert ticket.assignee_id == agent.id
        assert assignments(ticket) == 1  # the history entry the single action writes
    assert Ticket.objects.get(id=elsewhere.id).assignee_id is None
    with translation.override("en"):
        assert bulk.done_message(job) == "3 tickets assigned"


def test_an_agent_who_may_not_assign_has_every_ticket_refused(agent, tickets):
    job = run(agent, "assign", tickets, params={"agent": agent.id})
    assert job.done == 0
    assert [row["reason"] for row in job.refused] == ["not_allowed"] * 3
    assert not Ticket.objects.filter(assignee__isnull=False).exists()


def test_claiming_names_who_claimed_first_in_the_readers_language(agent, department, tickets):
    bia = AgentFactory(full_name="Bia Lima", departments=[department])
    services.claim_ticket(ticket=tickets[0], actor=bia)
    job = run(agent, "claim", tickets)
    assert job.done == 2
    assert job.refused == [
        {"number": tickets[0].number, "reason": "already_claimed", "agent": "Bia Lima"}
    ]
    with translation.override("pt-br"):
        assert bulk.refusals(job) == [(tickets[0].number, "Já vinculado a Bia Lima.")]
        assert bulk.done_message(job) == "2 tickets vinculados a você"


def test_priority_resolve_and_trash_go_through_their_services(manager, tickets):
    high = PriorityFactory(name="High")
    job = run(manager, "priority", tickets, params={"priority": high.id})
    assert job.done == 3
    assert set(Ticket.objects.values_list("priority_id", flat=True)) == {high.id}
    run(manager, "claim", tickets)  # resolving needs the ticket claimed first
    job = run(manager, "resolve", tickets, params={"message": "<p>Fixed for everyone</p>"})
    assert job.done == 3
    assert set(Ticket.objects.values_list("status", flat=True)) == {"resolved"}
    replies = TicketEntry.objects.filter(kind=TicketEntry.Kind.REPLY)
    assert replies.count() == 3
    assert "Fixed for everyone" in replies.first().body_html
    job = run(manager, "trash", tickets)
    assert job.done == 0  # a manager without the right to delete
    assert {row["reason"] for row in job.refused} == {"not_allowed"}


def test_finalizing_unanswered_tickets_needs_the_box(manager, tickets):
    run(manager, "claim", tickets)
    job = run(manager, "finalize", tickets, params={"message": "duplicates"})
    assert [row["reason"] for row in job.refused] == ["unanswered"] * 3
    job = run(manager, "finalize", tickets, params={"message": "duplicates", "unanswered": True})
    assert job.done == 3
    assert set(Ticket.objects.values_list("status", flat=True)) == {"closed"}


def test_above_the_threshold_a_worker_runs_it_after_commit(
    manager, agent, tickets, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.BULK_INLINE_TICKETS = 2
    queued = []
    monkeypatch.setattr(bulk, "enqueue_on_commit", lambda *task: queued.append(task))
    job = run(manager, "assign", tickets, params={"agent": agent.id})
    assert job.status == BulkJob.Status.QUEUED
    assert queued == [("workspace.tasks.run_bulk_job", job.id)]
    assert not Ticket.objects.filter(assignee=agent).exists()
    from workspace.tasks import run_bulk_job

    run_bulk_job(job.id)
    job.refresh_from_db()
    assert (job.status, job.done, job.position, job.percent) == ("done", 3, 3, 100)


def test_every_ticket_that_matches_is_chosen_again_when_the_worker_runs(
    manager, agent, light_user, department, other_department, tickets, settings, monkeypatch
):
    settings.BULK_INLINE_TICKETS = 0
    monkeypatch.setattr(bulk, "enqueue_on_commit", lambda *task: None)
    query = {"queue": ["new"], "q": [""]}
    job = run(manager, "assign", every_match=True, query=query, params={"agent": agent.id})
    later = TicketFactory(requester=light_user, department=department)
    moved = tickets[0]
    Ticket.objects.filter(id=moved.id).update(department=other_department)
    bulk.run_bulk_job(job_id=job.id)
    job.refresh_from_db()
    chosen = {number for _id, number in job.ticket_ids}
    assert chosen == {tickets[1].number, tickets[2].number, later.number}
    assert job.done == 3
    assert Ticket.objects.get(id=moved.id).assignee_id is None


class WorkerLost(BaseException):
    """The worker's process dies mid-batch (nothing of that batch commits)."""


def test_a_retried_job_does_no_ticket_twice(manager, agent, tickets, settings, monkeypatch):
    settings.BULK_INLINE_TICKETS = 0
    monkeypatch.setattr(bulk, "enqueue_on_commit", lambda *task: None)
    monkeypatch.setattr(bulk, "BATCH", 1)
    job = run(manager, "assign", tickets, params={"agent": agent.id})
    real, calls = bulk._apply, []

    def dies_on_the_second(*args):
        calls.append(args)
        if len(calls) == 2:
            raise WorkerLost
        return real(*args)

    monkeypatch.setattr(bulk, "_apply", dies_on_the_second)
    with pytest.raises(WorkerLost):
        bulk.run_bulk_job(job_id=job.id)
    job.refresh_from_db()
    assert (job.status, job.position, job.done) == ("running", 1, 1)
    bulk.run_bulk_job(job_id=job.id)  # the task retried
    bulk.run_bulk_job(job_id=job.id)  # and delivered once more: a finished job is left alone
    job.refresh_from_db()
    assert (job.status, job.position, job.done) == ("done", 3, 3)
    assert [assignments(t) for t in tickets] == [1, 1, 1]


def test_an_owner_who_lost_the_right_stops_the_job(manager, agent, tickets, settings, monkeypatch):
    settings.BULK_INLINE_TICKETS = 0
    monkeypatch.setattr(bulk, "enqueue_on_commit", lambda *task: None)
    job = run(manager, "assign", tickets, params={"agent": agent.id})
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    bulk.run_bulk_job(job_id=job.id)
    job.refresh_from_db()
    assert job.status == BulkJob.Status.FAILED
    assert not Ticket.objects.filter(assignee=agent).exists()


def test_a_thousand_tickets_finish_in_a_worker(
    agent, light_user, department, settings, django_capture_on_commit_callbacks
):
    settings.BULK_INLINE_TICKETS = 50
    TicketFactory.create_batch(1000, requester=light_user, department=department)
    query = {"queue": ["new"]}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = run(agent, "claim", every_match=True, query=query)
    assert len(callbacks) >= 1  # the worker's task, run eagerly by the test settings
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.refused) == ("done", 1000, 1000, [])
    assert Ticket.objects.filter(assignee=agent).count() == 1000


def test_a_macro_is_applied_to_each_ticket_through_its_services(manager, tickets):
    high = PriorityFactory(name="Urgente")
    macro = macros.save_macro(actor=manager, name="Urgente", priority=high, minutes=5)
    job = run(manager, "macro", tickets, params={"macro": macro.id})
    assert (job.done, job.refused) == (3, [])
    assert {t.priority for t in Ticket.objects.filter(id__in=[t.id for t in tickets])} == {high}
    assert TicketEntry.objects.filter(kind=TicketEntry.Kind.TIME, minutes=5).count() == 3


def test_a_macro_step_refused_refuses_the_whole_ticket(agent, manager, tickets):
    macro = macros.save_macro(actor=agent, name="Prioridade", priority=PriorityFactory(),
                              minutes=5)  # fmt: skip
    job = run(agent, "macro", tickets, params={"macro": macro.id})
    assert job.done == 0
    assert [row["reason"] for row in job.refused] == ["not_allowed"] * 3
    assert not TicketEntry.objects.filter(kind=TicketEntry.Kind.TIME).exists()
    # Another's personal macro is refused too.
    assert run(manager, "macro", tickets, params={"macro": macro.id}).done == 0


def test_a_batch_tells_the_live_panel_once_and_nothing_of_the_refused(
    agent, tickets, monkeypatch, django_capture_on_commit_callbacks
):
    heard = []
    monkeypatch.setattr(live, "_listeners", {"ticket": [heard.append]})
    other = AgentFactory(departments=[tickets[1].department])
    services.claim_ticket(ticket=tickets[1], actor=other)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = run(agent, "claim", tickets)
    assert [row["reason"] for row in job.refused] == ["already_claimed"]
    assert [sorted(keys) for keys in heard] == [sorted([tickets[0].id, tickets[2].id])]


def test_every_match_of_a_whole_queue_is_counted_from_the_kept_queue_counts(
    agent, tickets, light_user, department
):
    """At 1,000,000 tickets counting every open ticket of the queue took 41 ms; a whole
    queue's count is the one the queues show (kept by a trigger on PostgreSQL)."""
    urgent = PriorityFactory(name="Urgent now")
    TicketFactory(requester=light_user, department=department, priority=urgent)
    for name in ("new", "all"):
        with CaptureQueriesContext(connection) as captured:
            count = bulk.selection_count(agent, numbers=[], every_match=True,
                                         query={"queue": [name]})  # fmt: skip
        assert count == queues.queue_tickets(agent, name, {}).count() == 4
        assert count == queues.queue_counts(agent)[name]
        if queues.counts_are_kept():
            counted = 'SELECT COUNT(*) AS "__count" FROM "tickets_ticket"'
            assert not [q for q in captured.captured_queries if q["sql"].startswith(counted)]
    filtered = {"queue": ["all"], "priority": [str(urgent.id)]}
    assert bulk.selection_count(agent, numbers=[], every_match=True, query=filtered) == 1
