"""The ticket lists as CSV: through the gate, with the page's filters, short ones in the
request and long ones by a worker with a progress page; the file only for its owner."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from reports import services
from reports.models import ExportJob
from tickets.search import refresh_search
from tickets.tests.factories import CategoryFactory, TicketFactory

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    assert body.startswith("\ufeff".encode())  # Excel reads the accents right
    text = body.decode("utf-8").lstrip("\ufeff")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.fixture
def tickets(department, other_department, light_user, colleague, outsider, agent):
    question = CategoryFactory(name="Question", name_pt_br="Dúvida", department=None)
    made = {
        "mine": TicketFactory(requester=light_user, department=department, category=question,
                              title="Impressora não imprime", assignee=agent),
        "colleague": TicketFactory(requester=colleague, department=department,
                                   title="Nota fiscal duplicada"),
        "outsider": TicketFactory(requester=outsider, department=other_department,
                                  title="Outra empresa"),
    }  # fmt: skip
    refresh_search(ticket.id for ticket in made.values())  # as the services do (PostgreSQL)
    return made


def numbers(rows) -> set[str]:
    return {row[0] for row in rows[1:]}


def test_an_agent_exports_the_queue_they_read_in_portuguese(client, agent, tickets):
    client.force_login(agent)
    response = client.get(
        reverse("exports:agent_list"), {"queue": "all"}, HTTP_ACCEPT_LANGUAGE="pt-br"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    rows = rows_of(response)
    assert rows[0][:3] == ["Número", "Título", "Status"]
    # Only the agent's department's tickets: the other department's stays out.
    assert numbers(rows) == {str(tickets["mine"].number), str(tickets["colleague"].number)}
    mine = next(row for row in rows if row[0] == str(tickets["mine"].number))
    assert mine[1] == "Impressora não imprime"
    assert mine[3:5] == ["Suporte", "Dúvida"]  # the names in the reader's language
    opened = timezone.localtime(tickets["mine"].created_at).strftime("%d/%m/%Y %H:%M")
    assert mine[10] == opened


def test_the_agents_search_and_filters_narrow_the_export(client, agent, tickets):
    client.force_login(agent)
    response = client.get(reverse("exports:agent_list"), {"queue": "all", "q": "duplicada"})
    assert numbers(rows_of(response)) == {str(tickets["colleague"].number)}


def test_an_export_in_english_uses_commas_and_iso_dates(client, agent, tickets):
    client.force_login(agent)
    response = client.get(
        reverse("exports:agent_list"), {"queue": "all"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = rows_of(response)
    assert rows[0][:3] == ["Number", "Title", "Status"]
    mine = next(row for row in rows if row[0] == str(tickets["mine"].number))
    assert mine[3] == "Support"
    assert mine[10] == timezone.localtime(tickets["mine"].created_at).strftime("%Y-%m-%d %H:%M")


def test_a_light_user_exports_only_their_own_tickets(client, light_user, tickets):
    client.force_login(light_user)
    response = client.get(reverse("exports:portal_list"), {"scope": "organization"})
    assert numbers(rows_of(response)) == {str(tickets["mine"].number)}


def test_a_master_user_exports_the_organization_list(client, master_user, tickets):
    client.force_login(master_user)
    response = client.get(reverse("exports:portal_list"), {"scope": "organization"})
    assert numbers(rows_of(response)) == {
        str(tickets["mine"].number),
        str(tickets["colleague"].number),
    }


def test_customers_may_not_export_the_agent_list(client, master_user, tickets):
    client.force_login(master_user)
    assert client.get(reverse("exports:agent_list"), {"queue": "all"}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, tickets):
    response = client.get(reverse("exports:portal_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_malformed_filters_are_dropped_not_a_server_error(client, agent, tickets):
    client.force_login(agent)
    response = client.get(
        reverse("exports:agent_list"),
        {"queue": "all", "department": "x'; drop", "sort": "bogus", "due": "\x00"},
    )
    assert response.status_code == 200
    # As the page does with filters it cannot read: the "new" queue, unfiltered.
    assert numbers(rows_of(response)) == {str(tickets["colleague"].number)}


def test_an_export_is_written_in_the_security_log(client, agent, tickets):
    client.force_login(agent)
    rows_of(client.get(reverse("exports:agent_list"), {"queue": "all"}))
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.user == agent
    assert event.details == {"list": "agent_list", "rows": 2}


def test_the_export_reads_a_fixed_number_of_queries(client, agent, department, tickets):
    client.force_login(agent)
    url = reverse("exports:agent_list")
    rows_of(client.get(url, {"queue": "all"}))  # warm: the session, the kept tables
    with CaptureQueriesContext(connection) as few:
        rows_of(client.get(url, {"queue": "all"}))
    for n in range(30):
        TicketFactory(department=department, title=f"more {n}")
    with CaptureQueriesContext(connection) as many:
        rows_of(client.get(url, {"queue": "all"}))
    assert len(many) == len(few)


def test_a_long_list_is_written_by_a_worker_with_progress(
    client, agent, tickets, settings, monkeypatch
):
    settings.EXPORT_INLINE_ROWS = 1
    queued = []  # the page is seen before the worker runs
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *task: queued.append(task))
    client.force_login(agent)
    response = client.get(reverse("exports:agent_list"), {"queue": "all", "sort": "number"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:job", args=[job.id])
    assert job.owner == agent
    assert job.status == ExportJob.Status.QUEUED
    assert job.params == {"queue": ["all"], "sort": ["number"]}
    assert queued == [("reports.tasks.build_list_export", job.id)]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("exports:job_status", args=[job.id]).encode() in page.content
    waiting = client.get(reverse("exports:job_status", args=[job.id]))
    assert waiting.status_code == 200  # htmx keeps asking
    assert client.get(reverse("exports:job_file", args=[job.id])).status_code == 404

    services.build_list_export(job_id=job.id)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (ExportJob.Status.DONE, 2, 2)
    done = client.get(reverse("exports:job_status", args=[job.id]))
    assert done.status_code == 286  # htmx stops asking
    assert reverse("exports:job_file", args=[job.id]).encode() in done.content
    rows = rows_of(client.get(reverse("exports:job_file", args=[job.id])))
    assert numbers(rows) == {str(tickets["mine"].number), str(tickets["colleague"].number)}


def test_the_worker_reapplies_the_gate_as_the_owner_now(agent, department, tickets):
    job = services.start_list_export(actor=agent, kind="agent_list", params={"queue": ["all"]},
                                     rows=2)  # fmt: skip
    agent.department_memberships.all().delete()  # taken out of the department meanwhile
    services.build_list_export(job_id=job.id)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    # The department's tickets are gone; the one assigned to them they still see (the gate).
    assert job.rows_total == 1
    text = job.file.read().decode("utf-8")
    assert str(tickets["mine"].number) in text
    assert str(tickets["colleague"].number) not in text


def test_a_job_runs_once(agent, tickets):
    job = services.start_list_export(actor=agent, kind="agent_list", params={}, rows=0)
    services.build_list_export(job_id=job.id)
    first = ExportJob.objects.get(id=job.id).file.name
    services.build_list_export(job_id=job.id)
    assert ExportJob.objects.get(id=job.id).file.name == first
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count() == 1


def test_a_deactivated_owner_gets_no_file(agent, tickets):
    job = services.start_list_export(actor=agent, kind="agent_list", params={}, rows=0)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    services.build_list_export(job_id=job.id)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert not job.file


def test_only_the_owner_sees_an_export(client, agent, manager, administrator, tickets):
    job = services.start_list_export(actor=agent, kind="agent_list", params={}, rows=0)
    services.build_list_export(job_id=job.id)
    for other in (manager, administrator):
        client.force_login(other)
        for name in ("job", "job_status", "job_file"):
            assert client.get(reverse(f"exports:{name}", args=[job.id])).status_code == 404


def test_old_exports_are_purged_with_their_files(agent, tickets, settings):
    job = services.start_list_export(actor=agent, kind="agent_list", params={}, rows=0)
    services.build_list_export(job_id=job.id)
    job.refresh_from_db()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    ExportJob.objects.filter(id=job.id).update(
        created_at=timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS + 1)
    )
    fresh = services.start_list_export(actor=agent, kind="agent_list", params={}, rows=0)
    assert services.purge_exports() == 1
    assert not storage.exists(name)
    assert list(ExportJob.objects.values_list("id", flat=True)) == [fresh.id]


def test_a_master_users_long_list_says_whom_a_colleagues_ticket_waits_for(
    client, master_user, colleague, department, settings
):
    settings.EXPORT_INLINE_ROWS = 1
    theirs = TicketFactory(requester=colleague, department=department, status="resolved")
    mine = TicketFactory(requester=master_user, department=department, status="resolved")
    client.force_login(master_user)
    response = client.get(
        reverse("exports:portal_list"), {"scope": "organization", "state": "all"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:job", args=[job.id])
    services.build_list_export(job_id=job.id)
    rows = rows_of(client.get(reverse("exports:job_file", args=[job.id])))
    status = {row[0]: row[2] for row in rows[1:]}
    assert status[str(theirs.number)] == "Waiting for the requester's rating"
    assert status[str(mine.number)] == "Waiting for your rating"
