"""The reports' rollup carries the ratings (TicketFact) and the workflow's action of a status
change (EntryFact): Satisfaction reads the rollup. A trigger marks the ticket of every rating
written, changed or removed; the tickets already rated, or with a "not solved" answer, are
marked (unless they are already) so that their rows are made again with the new columns.
"""

from django.conf import settings
from django.db import migrations, models

MARK = "INSERT INTO reports_rollupchange (ticket_id)"
POSTGRESQL = f"""
CREATE FUNCTION reports_mark_rating() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {MARK} VALUES (OLD.ticket_id); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.ticket_id <> OLD.ticket_id) THEN
    {MARK} VALUES (NEW.ticket_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reports_mark_rating AFTER INSERT OR UPDATE OR DELETE ON tickets_rating
FOR EACH ROW EXECUTE FUNCTION reports_mark_rating();
"""
POSTGRESQL_DROP = """
DROP TRIGGER reports_mark_rating ON tickets_rating;
DROP FUNCTION reports_mark_rating();
"""
SQLITE = [
    f"CREATE TRIGGER reports_mark_rating_insert AFTER INSERT ON tickets_rating "
    f"BEGIN {MARK} VALUES (NEW.ticket_id); END",
    f"CREATE TRIGGER reports_mark_rating_update AFTER UPDATE ON tickets_rating "
    f"BEGIN {MARK} VALUES (OLD.ticket_id); "
    f"{MARK} SELECT NEW.ticket_id WHERE NEW.ticket_id <> OLD.ticket_id; END",
    f"CREATE TRIGGER reports_mark_rating_delete AFTER DELETE ON tickets_rating "
    f"BEGIN {MARK} VALUES (OLD.ticket_id); END",
]
SQLITE_DROP = [
    f"DROP TRIGGER {name}"
    for name in (
        "reports_mark_rating_insert",
        "reports_mark_rating_update",
        "reports_mark_rating_delete",
    )
]
NOT_SOLVED = {
    "postgresql": "data->>'action' = 'not_solved'",
    "sqlite": "json_extract(data, '$.action') = 'not_solved'",
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    unmarked = "ticket_id NOT IN (SELECT ticket_id FROM reports_rollupchange)"
    schema_editor.execute(
        f"{MARK} SELECT ticket_id FROM tickets_rating WHERE {unmarked}"  # noqa: S608
    )
    if vendor in NOT_SOLVED:
        schema_editor.execute(
            f"{MARK} SELECT DISTINCT ticket_id FROM tickets_ticketentry "  # noqa: S608
            f"WHERE kind = 'status' AND {NOT_SOLVED[vendor]} AND {unmarked}"
        )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_language_blank_until_chosen'),
        ('reports', '0003_reports_rollup'),
        ('tickets', '0020_attachment_note'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='entryfact',
            name='data_action',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='ticketfact',
            name='rated_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='ticketfact',
            name='rating_commented',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='ticketfact',
            name='rating_id',
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='ticketfact',
            name='rating_score',
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddIndex(
            model_name='ticketfact',
            index=models.Index(fields=['rated_at'], name='reports_fact_rated'),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
