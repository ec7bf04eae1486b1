"""Every minute logged on a ticket, on its rollup row (TicketFact.minutes_worked): no period
adds up more, so the tickets most worked on are found among the most worked on ever
(reports.selectors.worked). Filled here from the rows there are; the rollup keeps it after."""

from django.db import migrations, models

FILL = """
UPDATE reports_ticketfact SET minutes_worked = logged.total
FROM (SELECT ticket_id, SUM(minutes) AS total FROM reports_entryfact
      WHERE minutes IS NOT NULL GROUP BY ticket_id) logged
WHERE reports_ticketfact.ticket_id = logged.ticket_id
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_sorted_seconds")]

    operations = [
        migrations.AddField(
            model_name="ticketfact",
            name="minutes_worked",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="ticketfact",
            index=models.Index(
                fields=["-minutes_worked", "ticket"],
                name="reports_fact_worked",
                condition=models.Q(minutes_worked__gt=0),
            ),
        ),
    ]
