"""Who opened each ticket, for the tickets opened before the field existed.

Its own migration: on PostgreSQL the new column's index and foreign key are made at the end
of the migration that adds it, and no index may be made in a transaction that has changed
the table's rows (their checks are still pending there).
"""

from django.db import migrations

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



class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_submitter"),
        ("attendance", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_ATTENDED, migrations.RunSQL.noop),
    ]
