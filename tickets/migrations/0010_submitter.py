"""Who opened each ticket (`submitter`): the agents see the tickets they opened for customers.

It takes the place of the attendance in the permission gate (an agent saw the tickets of the
attendances they took): an attendance's agent is its ticket's submitter.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTIVE = ("new", "open", "waiting_customer", "pending", "reopened")
QUEUE_COLUMNS = ["status", "customer_spoke_last", "first_response_at", "parent", "requester",
                 "submitter"]  # fmt: skip

# The author of a ticket's first message opened it; tickets without one, their requester.
FILL = """
UPDATE tickets_ticket SET submitter_id = COALESCE(
    (SELECT e.author_id FROM tickets_ticketentry e
      WHERE e.ticket_id = tickets_ticket.id AND e.kind = 'message' AND e.author_id IS NOT NULL
      ORDER BY e.created_at, e.id LIMIT 1),
    requester_id)
"""
# An attendance's agent opened its ticket, whoever wrote its first message.
FILL_ATTENDED = """
UPDATE tickets_ticket SET submitter_id = (
    SELECT a.agent_id FROM tickets_attendance a WHERE a.ticket_id = tickets_ticket.id)
WHERE id IN (SELECT ticket_id FROM tickets_attendance WHERE ticket_id IS NOT NULL)
"""


def active_index(name, first, second):
    return models.Index(
        condition=models.Q(("status__in", ACTIVE), ("trashed_at__isnull", True)),
        fields=[first, second, *QUEUE_COLUMNS],
        name=name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_hand_over"),
        ("attendance", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="submitter",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submitted_tickets",
                to=settings.AUTH_USER_MODEL,
                verbose_name="opened by",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_ATTENDED, migrations.RunSQL.noop),
        # The queue counts read the submitter from the indexes of active tickets, as they read
        # the requester: PostgreSQL counts from the index alone.
        migrations.RemoveIndex(model_name="ticket", name="ticket_active_department"),
        migrations.RemoveIndex(model_name="ticket", name="ticket_active_assignee"),
        migrations.AddIndex(
            model_name="ticket",
            index=active_index("ticket_active_department", "department", "assignee"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=active_index("ticket_active_assignee", "assignee", "department"),
        ),
        # A reply's References name the thread: found by index, not by reading every ticket.
        migrations.AlterField(
            model_name="ticket",
            name="email_thread_id",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=250),
        ),
    ]
