"""The indexes of active tickets hold the submitter, as they hold the requester (the queue
counts read both from the index alone); a reply's References find their ticket by index.

Its own migration: on PostgreSQL an index cannot be built in the transaction that filled the
submitters (the queue counts' trigger and the foreign keys' checks are still pending there).
"""

from django.db import migrations, models

ACTIVE = ("new", "open", "waiting_customer", "pending", "reopened")
QUEUE_COLUMNS = ["status", "customer_spoke_last", "first_response_at", "parent", "requester",
                 "submitter"]  # fmt: skip


def active_index(name, first, second):
    return models.Index(
        condition=models.Q(("status__in", ACTIVE), ("trashed_at__isnull", True)),
        fields=[first, second, *QUEUE_COLUMNS],
        name=name,
    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0011_fill_submitters")]

    operations = [
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
