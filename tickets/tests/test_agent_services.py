import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import AgentFactory
from tickets import services
from tickets.history import event_text, progress_name
from tickets.models import Notification, Ticket, TicketFollower
from tickets.services import AlreadyClaimed, HasOpenChildren, NotAllowed, WorkTime
from tickets.tests.factories import CategoryFactory, ProgressLabelFactory
from tickets.tests.fixtures import open_for, png_upload
from tickets.workflow import Status

pytestmark = pytest.mark.django_db


def kinds(ticket):
    return list(ticket.entries.values_list("kind", flat=True))


def test_claim_makes_the_agent_responsible_and_opens_the_ticket(ticket, agent):
    services.claim_ticket(ticket=ticket, actor=agent, follow=True)
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.status == Status.OPEN
    assert TicketFollower.objects.filter(ticket=ticket, user=agent).exists()
    assignment = ticket.entries.get(kind="assignment")
    assert not assignment.is_public


def test_a_second_claim_is_told_who_has_it(ticket, agent, department):
    colleague = AgentFactory(departments=[department])
    services.claim_ticket(ticket=ticket, actor=agent)
    with pytest.raises(AlreadyClaimed) as refused:
        services.claim_ticket(ticket=ticket, actor=colleague)
    assert refused.value.agent == agent


def test_claiming_is_only_in_ones_departments(ticket, other_agent, administrator):
    with pytest.raises(NotAllowed):
        services.claim_ticket(ticket=ticket, actor=other_agent)
    with pytest.raises(NotAllowed):  # administrators assign; they claim only where members
        services.claim_ticket(ticket=ticket, actor=administrator)


@pytest.mark.django_db(transaction=True)
def test_two_agents_claiming_at_once_one_wins(
    require_postgres, department, light_user, normal_priority
):
    ticket = open_for(light_user, department)
    agents = [AgentFactory(departments=[department]) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = {}

    def claim(agent):
        try:
            barrier.wait()
            services.claim_ticket(ticket=Ticket.objects.get(id=ticket.id), actor=agent)
            outcomes[agent.id] = "won"
        except AlreadyClaimed as refused:
            outcomes[agent.id] = refused.agent.id
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=claim, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [aid for aid, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = next(aid for aid in outcomes if aid != winners[0])
    assert outcomes[loser] == winners[0]
    ticket.refresh_from_db()
    assert ticket.assignee_id == winners[0]
    assert ticket.entries.filter(kind="assignment").count() == 1


def test_a_manager_assigns_within_their_department_and_the_agent_is_told(ticket, manager, agent):
    services.assign_ticket(ticket=ticket, actor=manager, agent=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert Notification.objects.filter(recipient=agent, ticket=ticket, kind="assigned").exists()


def test_only_managers_and_administrators_assign(ticket, agent, other_agent, administrator):
    with pytest.raises(NotAllowed):
        services.assign_ticket(ticket=ticket, actor=agent, agent=agent)
    with pytest.raises(NotAllowed):  # not a member of the department
        services.assign_ticket(ticket=ticket, actor=administrator, agent=other_agent)
    services.assign_ticket(ticket=ticket, actor=administrator, agent=agent)


def test_a_note_is_internal_and_may_log_time(ticket, agent, light_user):
    note = services.add_note(
        ticket=ticket, actor=agent, body_html="<p>Checked logs</p>", work=WorkTime.of(minutes=15)
    )
    assert not note.is_public
    assert note.minutes == 15
    with pytest.raises(NotAllowed):
        services.add_note(ticket=ticket, actor=light_user, body_html="<p>x</p>")


def test_time_from_start_and_end(ticket, agent):
    start = timezone.now() - timedelta(minutes=90)
    work = WorkTime.of(started_at=start, ended_at=start + timedelta(minutes=45))
    entry = services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Done</p>", work=work)
    assert entry.minutes == 45
    assert entry.work_started_at == start


def test_agent_reply_options(ticket, agent):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.reply_to_ticket(
        ticket=ticket, actor=agent, body_html="<p>a</p>", then="reply_and_keep"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    services.reply_to_ticket(
        ticket=ticket, actor=agent, body_html="<p>b</p>", then="reply_and_pend"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_customer_reply_rings_the_agents_bell(ticket, agent, light_user):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>news</p>")
    assert Notification.objects.filter(recipient=agent, kind="customer_replied").count() == 1


def test_transfer_to_another_department_and_back_to_its_queue(
    ticket, agent, other_department, other_agent
):
    category = CategoryFactory(department=ticket.department)
    services.claim_ticket(ticket=ticket, actor=agent)
    services.edit_ticket(ticket=ticket, actor=agent, category=category)
    services.transfer_ticket(ticket=ticket, actor=agent, department=other_department)
    ticket.refresh_from_db()
    assert ticket.department == other_department
    assert ticket.assignee is None
    assert ticket.category is None  # it belonged to the old department
    assert Notification.objects.filter(recipient=other_agent, kind="transferred").exists()
    transfer = ticket.entries.get(kind="transfer")
    assert transfer.data["to_department"] == other_department.name
    assert not transfer.is_public


def test_what_an_agent_changes_reads_in_portuguese_by_the_rows_ids(
    ticket, agent, other_department, high_priority, department
):
    # The events keep ids: a Portuguese reader sees the Portuguese names, even of a row
    # renamed after the event.
    agent.full_name = "Ann"
    agent.save()
    services.claim_ticket(ticket=ticket, actor=agent)
    printers = CategoryFactory(name="Printers", name_pt_br="Impressoras")
    testing = ProgressLabelFactory(name="Testing", name_pt_br="Em testes")
    services.edit_ticket(ticket=ticket, actor=agent, category=printers, priority=high_priority)
    services.set_progress(ticket=ticket, actor=agent, label=testing, body_html="<p>QA</p>")
    services.escalate_ticket(ticket=ticket, actor=agent, department=other_department,
                             title="Check", body_html="<p>x</p>")  # fmt: skip
    services.transfer_ticket(ticket=ticket, actor=agent, department=other_department)
    high_priority.name, high_priority.name_pt_br = "Higher", "Alta"
    high_priority.save()
    other_department.name = "Finance"
    other_department.save()
    entries = {entry.kind: entry for entry in ticket.entries.all()}
    with translation.override("pt-br"):
        assert event_text(entries["edit"], staff=True) == (
            "Ann editou: categoria: — → “Impressoras”; prioridade: “Normal” → “Alta”"
        )
        assert event_text(entries["escalation"], staff=True).startswith(
            "Ann escalonou para Financeiro como #"
        )
        assert event_text(entries["transfer"], staff=True) == (
            "Ann transferiu para a fila de Financeiro."
        )
        assert progress_name(entries["progress"].data) == "Em testes"


def test_transfer_to_an_agent_must_be_of_that_department(
    ticket, agent, other_department, other_agent, department
):
    services.claim_ticket(ticket=ticket, actor=agent)
    with pytest.raises(NotAllowed):
        services.transfer_ticket(
            ticket=ticket, actor=agent, department=department, agent=other_agent
        )
    services.transfer_ticket(
        ticket=ticket, actor=agent, department=other_department, agent=other_agent
    )
    ticket.refresh_from_db()
    assert ticket.assignee == other_agent


def test_transfer_and_edit_need_their_permission(ticket, department):
    limited = AgentFactory(
        departments=[department], can_transfer_tickets=False, can_edit_tickets=False
    )
    with pytest.raises(NotAllowed):
        services.transfer_ticket(ticket=ticket, actor=limited, department=department)
    with pytest.raises(NotAllowed):
        services.edit_ticket(ticket=ticket, actor=limited, title="New")


def test_edit_records_what_changed_and_moves_the_sla(ticket, agent, high_priority):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.edit_ticket(ticket=ticket, actor=agent, title="Printing fails", priority=high_priority)
    ticket.refresh_from_db()
    assert ticket.title == "Printing fails"
    assert ticket.due_at - ticket.created_at == timedelta(hours=8)
    edit = ticket.entries.get(kind="edit")
    assert edit.data["title"] == ["Cannot print invoices", "Printing fails"]


def test_progress_label_is_shown_and_ends_on_resolve(ticket, agent):
    services.claim_ticket(ticket=ticket, actor=agent)
    testing = ProgressLabelFactory(name="Testing")
    services.set_progress(ticket=ticket, actor=agent, label=testing, body_html="<p>In QA</p>")
    ticket.refresh_from_db()
    assert ticket.progress_label == testing
    assert ticket.entries.get(kind="progress").is_public
    services.resolve_ticket(ticket=ticket, actor=agent)
    ticket.refresh_from_db()
    assert ticket.progress_label is None


def test_resolving_asks_the_customer_to_rate_with_the_agents_message(
    ticket, agent, light_user, django_capture_on_commit_callbacks
):
    services.claim_ticket(ticket=ticket, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_ticket(
            ticket=ticket, actor=agent, body_html="<p>Fixed in <b>version 2.4</b></p>"
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    resolved = mail.outbox[-1]
    assert resolved.to == [light_user.email]
    assert "Rate our answer" in resolved.body
    assert f"{agent.full_name} wrote:" in resolved.body
    assert "Fixed in version 2.4" in resolved.body
    assert "<b>version 2.4</b>" in resolved.alternatives[0][0]
    assert len(mail.outbox) == 2  # the receipt, then this one: no separate reply mail


@pytest.mark.parametrize("body_html", ["", "<div><br></div>"])
def test_resolving_with_only_time_worked_logs_the_time_and_writes_no_reply(
    ticket, agent, body_html, django_capture_on_commit_callbacks
):
    services.claim_ticket(ticket=ticket, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_ticket(
            ticket=ticket, actor=agent, body_html=body_html, work=services.WorkTime.of(minutes=25)
        )
    assert not ticket.entries.filter(kind="reply").exists()
    time_entry = ticket.entries.get(kind="time")
    assert time_entry.minutes == 25
    assert time_entry.author == agent
    assert not time_entry.is_public
    assert "wrote:" not in mail.outbox[-1].body


def test_escalation_blocks_resolving_until_the_child_is_finalized(
    ticket, agent, other_department, other_agent
):
    services.claim_ticket(ticket=ticket, actor=agent)
    child = services.escalate_ticket(
        ticket=ticket, actor=agent, department=other_department, title="Refund needed",
        body_html="<p>Please refund</p>",
    )  # fmt: skip
    assert child.parent == ticket
    assert child.kind == Ticket.Kind.INTERNAL
    assert child.requester == agent
    assert ticket.entries.get(kind="escalation").data["child"] == child.number
    with pytest.raises(HasOpenChildren):
        services.resolve_ticket(ticket=ticket, actor=agent)
    with pytest.raises(HasOpenChildren):
        services.finalize_ticket(ticket=ticket, actor=agent)
    services.claim_ticket(ticket=child, actor=other_agent)
    services.reply_to_ticket(ticket=child, actor=other_agent, body_html="<p>Refunded</p>")
    assert Notification.objects.filter(recipient=agent, kind="escalation_answered").exists()
    services.finalize_ticket(ticket=child, actor=other_agent, reason="Done")
    services.resolve_ticket(ticket=ticket, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_the_opener_of_an_escalation_answers_it_as_its_customer(
    ticket, agent, other_department, other_agent
):
    child = services.escalate_ticket(
        ticket=ticket, actor=agent, department=other_department, title="x", body_html="<p>x</p>"
    )
    services.claim_ticket(ticket=child, actor=other_agent)
    services.reply_to_ticket(ticket=child, actor=other_agent, body_html="<p>Which account?</p>")
    services.reply_to_ticket(ticket=child, actor=agent, body_html="<p>Account 42</p>")
    child.refresh_from_db()
    assert child.status == Status.OPEN
    assert child.customer_spoke_last


def test_finalize_with_a_reason_and_time(ticket, agent):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.finalize_ticket(
        ticket=ticket, actor=agent, reason="Duplicate", work=WorkTime.of(minutes=5),
        unanswered=True,
    )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.entries.filter(kind="status").last().data["reason"] == "Duplicate"
    assert ticket.entries.get(kind="time").minutes == 5


def test_sla_stands_still_while_waiting_on_the_customer(ticket, agent, light_user):
    due = ticket.due_at
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Which version?</p>")
    Ticket.objects.filter(id=ticket.id).update(sla_paused_at=timezone.now() - timedelta(hours=5))
    services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>2.1</p>")
    ticket.refresh_from_db()
    assert ticket.sla_paused_at is None
    assert abs((ticket.due_at - due) - timedelta(hours=5)) < timedelta(seconds=5)


def test_sla_stands_still_while_the_ticket_is_resolved(ticket, agent, light_user):
    services.claim_ticket(ticket=ticket, actor=agent)
    due = ticket.due_at
    services.resolve_ticket(ticket=ticket, actor=agent, body_html="<p>Fixed</p>")
    ticket.refresh_from_db()
    assert ticket.sla_paused_at is not None
    assert not ticket.is_overdue
    Ticket.objects.filter(id=ticket.id).update(sla_paused_at=timezone.now() - timedelta(hours=10))
    services.mark_not_solved(ticket=ticket, actor=light_user, body_html="<p>Still broken</p>")
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert ticket.sla_paused_at is None
    assert abs((ticket.due_at - due) - timedelta(hours=10)) < timedelta(seconds=5)


def wait_on_customer_for(ticket, agent, customer, hours):
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Which version?</p>")
    paused_at = timezone.now() - timedelta(hours=hours)
    Ticket.objects.filter(id=ticket.id).update(sla_paused_at=paused_at)
    services.reply_to_ticket(ticket=ticket, actor=customer, body_html="<p>2.1</p>")


@pytest.mark.parametrize("by", ["customer", "agent"])
def test_a_new_priority_keeps_the_time_the_sla_stood_still(
    ticket, agent, light_user, high_priority, by
):
    wait_on_customer_for(ticket, agent, light_user, hours=5)
    if by == "customer":
        services.change_priority(ticket=ticket, actor=light_user, priority=high_priority)
    else:
        services.edit_ticket(ticket=ticket, actor=agent, priority=high_priority)
    ticket.refresh_from_db()
    paused = ticket.due_at - ticket.created_at - timedelta(hours=8)
    assert abs(paused - timedelta(hours=5)) < timedelta(seconds=5)


def test_a_new_priority_while_paused_keeps_the_pause_running(
    ticket, agent, light_user, high_priority
):
    wait_on_customer_for(ticket, agent, light_user, hours=5)
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>And the OS?</p>")
    Ticket.objects.filter(id=ticket.id).update(sla_paused_at=timezone.now() - timedelta(hours=3))
    services.edit_ticket(ticket=ticket, actor=agent, priority=high_priority)
    services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>Linux</p>")
    ticket.refresh_from_db()
    paused = ticket.due_at - ticket.created_at - timedelta(hours=8)
    assert abs(paused - timedelta(hours=8)) < timedelta(seconds=5)


def test_trash_hides_the_ticket_everywhere_and_restores(ticket, light_user, agent, administrator):
    from tickets.permissions import visible_tickets

    services.trash_ticket(ticket=ticket, actor=administrator)
    for person in (light_user, agent, administrator):
        assert not visible_tickets(person).filter(id=ticket.id).exists()
    with pytest.raises(NotAllowed):
        services.trash_ticket(ticket=ticket, actor=agent)
    services.restore_ticket(ticket=ticket, actor=administrator)
    assert visible_tickets(light_user).filter(id=ticket.id).exists()


def test_only_agents_with_the_delete_permission_trash(ticket, agent, department):
    with pytest.raises(NotAllowed):
        services.trash_ticket(ticket=ticket, actor=agent)
    deleter = AgentFactory(departments=[department], can_delete_tickets=True)
    services.trash_ticket(ticket=ticket, actor=deleter)


def test_trash_and_restore_are_kept_in_the_history(client, ticket, administrator, light_user):
    services.trash_ticket(ticket=ticket, actor=administrator)
    services.restore_ticket(ticket=ticket, actor=administrator)
    events = list(ticket.entries.filter(kind="edit").order_by("created_at", "id"))
    assert [event.data for event in events] == [{"trash": "trashed"}, {"trash": "restored"}]
    assert all(event.author == administrator and not event.is_public for event in events)
    client.force_login(administrator)
    page = client.get(reverse("agent:ticket", args=[ticket.number])).content.decode()
    assert f"{administrator.full_name} moved it to the trash." in page
    assert f"{administrator.full_name} restored it from the trash." in page
    client.force_login(light_user)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "trash" not in page


def test_purge_removes_old_trash_and_its_files(
    light_user, department, administrator, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    with django_capture_on_commit_callbacks(execute=True):
        old = open_for(light_user, department, files=[png_upload()])
        recent = open_for(light_user, department)
    attachment = old.entries.get().attachments.get()
    services.trash_ticket(ticket=old, actor=administrator)
    services.trash_ticket(ticket=recent, actor=administrator)
    Ticket.objects.filter(id=old.id).update(trashed_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_trash() == 1
    assert not Ticket.objects.filter(id=old.id).exists()
    assert Ticket.objects.filter(id=recent.id).exists()
    assert not default_storage.exists(attachment.file.name)
    assert not default_storage.exists(attachment.thumbnail.name)


def test_a_ticket_restored_as_the_purge_starts_is_not_purged(
    light_user, department, administrator, monkeypatch
):
    from django.db import transaction

    from tickets.services import trash

    doomed = open_for(light_user, department)
    services.trash_ticket(ticket=doomed, actor=administrator)
    Ticket.objects.filter(id=doomed.id).update(trashed_at=timezone.now() - timedelta(days=8))
    real_atomic = transaction.atomic

    def restored_first(*args, **kwargs):
        # Someone restores it just before the purge's transaction begins.
        monkeypatch.setattr(trash.transaction, "atomic", real_atomic)
        services.restore_ticket(ticket=doomed, actor=administrator)
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(trash.transaction, "atomic", restored_first)
    assert services.purge_trash() == 0
    assert Ticket.objects.filter(id=doomed.id, trashed_at__isnull=True).exists()


def test_stale_resolved_tickets_close_by_themselves(ticket, agent):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.resolve_ticket(ticket=ticket, actor=agent)
    assert services.close_stale_resolved() == 0
    later = timezone.now() + timedelta(days=8)
    assert services.close_stale_resolved(now=later) == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_agent_opens_a_ticket_for_a_customer(
    agent, light_user, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.open_ticket_for_customer(
            actor=agent, customer=light_user, department=department, title="Called in",
            body_html="<p>By phone</p>", notify_customer=False, follow=True,
        )  # fmt: skip
    assert ticket.requester == light_user
    assert ticket.channel == Ticket.Channel.AGENT
    assert ticket.entries.get().author == agent
    assert mail.outbox == []
    assert TicketFollower.objects.filter(ticket=ticket, user=agent).exists()


def test_only_managers_choose_the_agent_of_a_new_ticket(agent, manager, light_user, department):
    fields = {
        "customer": light_user,
        "department": department,
        "title": "t",
        "body_html": "<p>x</p>",
    }
    with pytest.raises(NotAllowed):
        services.open_ticket_for_customer(actor=agent, assignee=agent, **fields)
    ticket = services.open_ticket_for_customer(actor=manager, assignee=agent, **fields)
    assert ticket.assignee == agent


def test_internal_ticket_speaks_for_one_of_the_agents_departments(
    agent, department, other_department
):
    ticket = services.open_internal_ticket(
        actor=agent, department=other_department, represent_department=department,
        title="Need a report", body_html="<p>x</p>",
    )  # fmt: skip
    assert ticket.kind == Ticket.Kind.INTERNAL
    assert ticket.requesting_department == department
    assert ticket.organization is None
    with pytest.raises(NotAllowed):
        services.open_internal_ticket(
            actor=agent, department=department, represent_department=other_department,
            title="x", body_html="<p>x</p>",
        )  # fmt: skip


def test_answering_an_unclaimed_ticket_claims_it(ticket, agent):
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>On it</p>")
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.entries.filter(kind="assignment").exists()


def test_an_administrator_outside_the_department_answers_without_claiming(ticket, administrator):
    services.reply_to_ticket(ticket=ticket, actor=administrator, body_html="<p>Noted</p>")
    ticket.refresh_from_db()
    assert ticket.assignee is None


# Claiming means responsibility (S3 §3).


@pytest.fixture
def teammate(department):
    return AgentFactory(email="teammate@helpdesk.example", departments=[department])


def test_a_reply_to_an_unclaimed_ticket_claims_it_and_the_history_says_so(ticket, agent):
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>On it</p>")
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assignment = ticket.entries.get(kind="assignment")
    assert assignment.data["by_reply"]
    assert event_text(assignment, staff=True) == f"{agent.full_name} claimed it by replying."


def test_a_teammate_changes_nothing_of_a_ticket_another_agent_claimed(
    ticket, agent, teammate, other_department, high_priority
):
    services.claim_ticket(ticket=ticket, actor=agent)
    with pytest.raises(AlreadyClaimed) as refused:
        services.reply_to_ticket(ticket=ticket, actor=teammate, body_html="<p>Me too</p>")
    assert refused.value.agent == agent
    attempts = [
        lambda: services.edit_ticket(ticket=ticket, actor=teammate, priority=high_priority),
        lambda: services.transfer_ticket(
            ticket=ticket, actor=teammate, department=other_department
        ),
        lambda: services.resolve_ticket(ticket=ticket, actor=teammate),
        lambda: services.finalize_ticket(ticket=ticket, actor=teammate, unanswered=True),
        lambda: services.set_progress(ticket=ticket, actor=teammate, label=None),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status, ticket.department_id) == (
        agent,
        Status.OPEN,
        ticket.department_id,
    )
    assert not ticket.entries.filter(kind__in=["reply", "edit", "transfer"]).exists()


def test_an_unclaimed_ticket_is_claimed_before_it_is_edited_transferred_or_finalized(
    ticket, agent, other_department, high_priority
):
    with pytest.raises(NotAllowed):
        services.edit_ticket(ticket=ticket, actor=agent, priority=high_priority)
    with pytest.raises(NotAllowed):
        services.transfer_ticket(ticket=ticket, actor=agent, department=other_department)
    with pytest.raises(NotAllowed):
        services.finalize_ticket(ticket=ticket, actor=agent, unanswered=True)
    services.claim_ticket(ticket=ticket, actor=agent)
    services.edit_ticket(ticket=ticket, actor=agent, priority=high_priority)
    ticket.refresh_from_db()
    assert ticket.priority == high_priority


def test_a_manager_changes_a_ticket_an_agent_claimed_without_taking_it_over(
    ticket, agent, manager, high_priority
):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.edit_ticket(ticket=ticket, actor=manager, priority=high_priority)
    services.reply_to_ticket(ticket=ticket, actor=manager, body_html="<p>Priority raised</p>")
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.priority == high_priority


def test_a_take_over_is_in_the_history_and_mailed_to_the_previous_agent_in_their_language(
    ticket, agent, teammate, django_capture_on_commit_callbacks
):
    agent.language = "pt-br"
    agent.save(update_fields=["language"])
    services.claim_ticket(ticket=ticket, actor=agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_over_ticket(ticket=ticket, actor=teammate)
    ticket.refresh_from_db()
    assert ticket.assignee == teammate
    taken = ticket.entries.filter(kind="assignment").last()
    assert not taken.is_public
    assert event_text(taken, staff=True) == (
        f"{teammate.full_name} took it over from {agent.full_name}."
    )
    (message,) = [m for m in mail.outbox if agent.email in m.to]
    assert f"Assumido por {teammate.full_name}" in message.subject
    assert f"{teammate.full_name} assumiu o ticket {ticket.reference}" in message.body


def test_only_a_ticket_claimed_by_another_is_taken_over(ticket, agent, teammate, other_agent):
    with pytest.raises(NotAllowed):
        services.take_over_ticket(ticket=ticket, actor=teammate)  # nobody's yet: claim it
    services.claim_ticket(ticket=ticket, actor=agent)
    for outsider in (agent, other_agent):
        with pytest.raises(NotAllowed):
            services.take_over_ticket(ticket=ticket, actor=outsider)


def test_a_reply_taking_over_makes_the_ticket_the_replying_agents(
    ticket, agent, teammate, django_capture_on_commit_callbacks
):
    services.claim_ticket(ticket=ticket, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_ticket(
            ticket=ticket, actor=teammate, body_html="<p>Taking this</p>", taking_over=True
        )
    ticket.refresh_from_db()
    assert ticket.assignee == teammate
    assert ticket.status == Status.WAITING_CUSTOMER
    assert ticket.entries.get(kind="reply").author == teammate
    assert [m.to for m in mail.outbox if "Taken over" in m.subject] == [[agent.email]]


def test_a_teammate_still_leaves_a_note_on_a_ticket_another_claimed(ticket, agent, teammate):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.add_note(ticket=ticket, actor=teammate, body_html="<p>Seen this before</p>")
    assert ticket.entries.get(kind="note").author == teammate


def test_finalizing_a_ticket_nobody_answered_needs_its_confirmation(ticket, agent):
    services.claim_ticket(ticket=ticket, actor=agent)
    with pytest.raises(services.Unanswered):
        services.finalize_ticket(ticket=ticket, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Fixed</p>")
    services.finalize_ticket(ticket=ticket, actor=agent)  # answered: no question
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_edit_changes_the_message_and_the_history_keeps_the_earlier_text(ticket, agent):
    services.claim_ticket(ticket=ticket, actor=agent)
    opening = ticket.entries.get(kind="message")
    earlier = opening.body_text
    services.edit_ticket(
        ticket=ticket, actor=agent, body_html="<p>Invoices <b>and</b> receipts</p>"
    )
    opening.refresh_from_db()
    assert opening.body_html == "<p>Invoices <b>and</b> receipts</p>"
    edit = ticket.entries.get(kind="edit")
    assert edit.data["message"] == [earlier, "Invoices and receipts"]
    assert earlier in event_text(edit, staff=True)
    assert ticket.created_at == Ticket.objects.get(id=ticket.id).created_at


def test_edit_changes_the_requester_and_their_organization(
    ticket, agent, outsider, other_organization
):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.edit_ticket(ticket=ticket, actor=agent, requester=outsider)
    ticket.refresh_from_db()
    assert (ticket.requester, ticket.organization) == (outsider, other_organization)
    edit = ticket.entries.get(kind="edit")
    assert edit.data["requester"][1] == f"{outsider.full_name} <{outsider.email}>"
    with pytest.raises(ValueError, match="customer"):
        services.edit_ticket(ticket=ticket, actor=agent, requester=agent)


def test_edit_to_another_department_is_a_transfer_that_keeps_an_agent_who_works_there(
    ticket, department, other_department
):
    both = AgentFactory(departments=[department, other_department])
    services.claim_ticket(ticket=ticket, actor=both)
    services.edit_ticket(ticket=ticket, actor=both, department=other_department)
    ticket.refresh_from_db()
    assert (ticket.department, ticket.assignee) == (other_department, both)
    assert ticket.entries.get(kind="transfer").data["to_department"] == other_department.name
    assert not ticket.entries.filter(kind="edit").exists()  # nothing else changed


def test_edit_to_a_department_the_agent_is_not_in_leaves_it_in_its_queue(
    ticket, agent, other_department
):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.edit_ticket(ticket=ticket, actor=agent, department=other_department, title="Moved")
    ticket.refresh_from_db()
    assert (ticket.department, ticket.assignee, ticket.title) == (other_department, None, "Moved")


def test_a_customer_closing_their_ticket_tells_its_agent(
    ticket, agent, light_user, django_capture_on_commit_callbacks
):
    services.claim_ticket(ticket=ticket, actor=agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_ticket(ticket=ticket, actor=light_user)
    (message,) = mail.outbox
    assert message.to == [agent.email]
    assert f"Closed by the customer: {ticket.title}" in message.subject
    assert f"{light_user.full_name} closed ticket {ticket.reference}." in message.body
