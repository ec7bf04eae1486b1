"""A database of the layout before the apps were split migrates forward with every row kept.

The database is taken back to the migrations that stood before the split (tickets owned the
departments, the mail, the print settings and the attendance), filled through the models as
they were then, and migrated forward again: every table keeps its rows, the content types
follow their models, outgoing mail keeps its files, and each ticket knows who opened it.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_SPLIT = [
    ("accounts", "0003_technician"),
    ("tickets", "0008_queue_counts"),
    ("chat", "0001_initial"),
    ("attendance", None),
    ("mail", None),
    ("printing", None),
]


CONTENT_TYPES = ("contenttypes", "0002_remove_content_type_name")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    nodes = [target for target in targets if target[1] is not None]
    return executor.loader.project_state([*nodes, CONTENT_TYPES]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our own tables
            counts[table] = cursor.fetchone()[0]
    return counts


def _seed(apps):
    """One of everything the split moves or changes, written as the old code wrote it."""
    get = apps.get_model
    now = timezone.now()
    department = get("tickets", "Department").objects.create(name="Support", name_pt_br="Suporte")
    organization = get("accounts", "Organization").objects.create(name="Acme")
    users = get("accounts", "User").objects
    agent = users.create(email="agent@x.example", full_name="Ana Agent", role="agent")
    customer = users.create(email="c@acme.example", full_name="Caio", organization=organization)
    get("accounts", "DepartmentMembership").objects.create(user=agent, department=department)
    get("tickets", "Category").objects.create(name="Question", department=department)
    tickets = get("tickets", "Ticket").objects
    portal = tickets.create(number=100001, title="Portal", requester=customer,
                            department=department, organization=organization)  # fmt: skip
    phoned = tickets.create(number=100002, title="By phone", requester=customer,
                            department=department, channel="phone")  # fmt: skip
    entries = get("tickets", "TicketEntry").objects
    entries.create(ticket=portal, kind="message", is_public=True, author=customer, body_html="x")
    first = entries.create(ticket=phoned, kind="message", is_public=True, author=agent,
                           body_html="<p>Called</p>")  # fmt: skip
    attachment = get("tickets", "Attachment").objects.create(
        entry=first, file="attachments/2026/11/a.png", name="screen.png",
        content_type="image/png", size=10,
    )  # fmt: skip
    get("tickets", "OutboundEmail").objects.create(
        to="c@acme.example", template="tickets/agent_email", ticket=phoned, entry=first,
        attach_entry_files=True, subject="Your visit", body_text="t", body_html="h",
        message_id="<m1@x>", in_reply_to="<thread@x>",
    )  # fmt: skip
    get("tickets", "OutboundEmail").objects.create(
        to="c@acme.example", template="tickets/ticket_opened", ticket=portal, subject="Opened",
        body_text="t", body_html="h", message_id="<m2@x>",
    )  # fmt: skip
    get("tickets", "InboundEmail").objects.create(
        message_id="<in@x>", sender="c@acme.example", outcome="replied", ticket=portal
    )
    get("tickets", "MailboxStatus").objects.create(last_run_at=now)
    get("tickets", "PrintSettings").objects.create(company_name="Acme Suporte")
    plan = get("tickets", "ServicePlan").objects.create(name="Basic", department=department)
    kind = get("tickets", "AttendanceType").objects.create(name="Phone", department=department)
    script = get("tickets", "AttendanceScript").objects.create(name="No signal")
    question = get("tickets", "ScriptQuestion").objects.create(script=script, question="Lights?")
    get("tickets", "ScriptOption").objects.create(question=question, label="Yes")
    get("tickets", "Attendance").objects.create(
        agent=agent, origin="phone", client=customer, plan=plan, ticket=phoned, script=script
    )
    get("tickets", "ServiceOrder").objects.create(
        ticket=phoned, technician=agent, starts_at=now, ends_at=now + timezone.timedelta(hours=1),
        description="Visit", created_by=agent,
    )  # fmt: skip
    get("tickets", "TicketTask").objects.create(
        ticket=phoned, title="Call back", assignee=agent, due_at=now, created_by=agent
    )
    get("tickets", "EmailTemplate").objects.create(name="Visit", subject="s", body="b")
    chat = get("chat", "ChatSession").objects.create(
        visitor_name="Vera", visitor_email="v@x.example", department=department
    )
    get("chat", "ChatMessage").objects.create(
        session=chat, sequence=1, kind="visitor", author_name="Vera", body_text="Oi"
    )
    return {"agent": agent.id, "customer": customer.id, "portal": portal.id,
            "phoned": phoned.id, "file": attachment.file.name, "kind": kind.id}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_migrates_forward_keeping_every_row():
    latest = _latest()
    try:
        old = _migrate(BEFORE_THE_SPLIT)
        seeded = _seed(old)
        ContentType = old.get_model("contenttypes", "ContentType")
        for model in ("department", "outboundemail", "printsettings", "attendance"):
            ContentType.objects.get_or_create(app_label="tickets", model=model)
        before = _row_counts()
        new = _migrate(latest)
        after = _row_counts()
    finally:
        _migrate(latest)
    series = after.pop("core_numberseries"), before.pop("core_numberseries", 0)
    # The Portuguese search migration writes the words of every ticket (none had a row).
    words = after.pop("tickets_ticketsearch"), before.pop("tickets_ticketsearch", 0)
    assert words == (after["tickets_ticket"], 0)
    # The reports' rollup migration marks every ticket for its rows to be made.
    marks = after.pop("reports_rollupchange"), before.pop("reports_rollupchange", 0)
    assert marks == (after["tickets_ticket"], 0)
    assert {table: rows for table, rows in after.items() if table in before} == before
    assert not any(rows for table, rows in after.items() if table not in before)  # new ones
    # The ticket numbers' series is made, its numbers wider than those drawn at random.
    assert series == (1, 0)
    assert new.get_model("core", "NumberSeries").objects.get(name="ticket").first_width == 7
    assert sum(before.values()) > 30  # something was there to keep
    Ticket = new.get_model("tickets", "Ticket")
    # The attendance's agent opened the phoned ticket; the customer opened theirs.
    assert Ticket.objects.get(id=seeded["phoned"]).submitter_id == seeded["agent"]
    assert Ticket.objects.get(id=seeded["portal"]).submitter_id == seeded["customer"]
    mails = new.get_model("mail", "OutboundEmail").objects
    assert mails.get(message_id="<m1@x>").attachments == [
        [seeded["file"], "screen.png", "image/png"]
    ]
    assert mails.get(message_id="<m2@x>").attachments == []
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert {(ct.app_label, ct.model) for ct in content_types.filter(model__in=(
        "department", "outboundemail", "printsettings", "attendance"))} == {
        ("accounts", "department"), ("mail", "outboundemail"), ("printing", "printsettings"),
        ("attendance", "attendance"),
    }  # fmt: skip
    moved = new.get_model("attendance", "AttendanceType").objects.get(id=seeded["kind"])
    assert moved.department.name == "Support"
