"""The reports' rollup counts what the staff did per day (reports.daily: AuthorDay), from
the rows by staff (EntryFact.by_staff, set here for the rows there are); the tickets still
marked are remade, with their days, by the next refresh. A person whose role turns them into
staff or out of it marks the tickets of their entries, whose rows then say so."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STAFF = "('agent', 'administrator')"
MARK = "INSERT INTO reports_rollupchange (ticket_id)"
DIMENSIONS = "department_id, assignee_id, category_id, product_id, priority_id, channel"
COUNT = [
    f"UPDATE reports_entryfact SET by_staff = true WHERE author_id IN "
    f"(SELECT id FROM accounts_user WHERE role IN {STAFF})",
    f"INSERT INTO reports_authorday (day, author_id, {DIMENSIONS}, entries, claimed, replies, "
    f"resolved, minutes) "
    f"SELECT day, author_id, {DIMENSIONS}, COUNT(*), "
    f"SUM(CASE WHEN claimed THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN kind = 'reply' THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN kind = 'status' AND data_to = 'resolved' THEN 1 ELSE 0 END), "
    f"COALESCE(SUM(minutes), 0) "
    f"FROM reports_entryfact WHERE by_staff "
    f"GROUP BY day, author_id, {DIMENSIONS}",
]
RENAMED = f"""
  IF OLD.full_name IS DISTINCT FROM NEW.full_name THEN
    {MARK} SELECT DISTINCT ticket_id FROM tickets_ticketentry
    WHERE author_id = NEW.id AND kind = 'assignment';
  END IF;"""
MARK_AUTHOR = """
CREATE OR REPLACE FUNCTION reports_mark_author() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{body}
  RETURN NULL;
END
$$;
"""
POSTGRESQL = MARK_AUTHOR.format(
    body=RENAMED
    + f"""
  IF (OLD.role IN {STAFF}) IS DISTINCT FROM (NEW.role IN {STAFF}) THEN
    {MARK} SELECT DISTINCT ticket_id FROM tickets_ticketentry WHERE author_id = NEW.id;
  END IF;"""
)
POSTGRESQL_DROP = MARK_AUTHOR.format(body=RENAMED)
SQLITE = (
    f"CREATE TRIGGER reports_mark_author_role AFTER UPDATE OF role ON accounts_user "
    f"WHEN (OLD.role IN {STAFF}) IS NOT (NEW.role IN {STAFF}) "
    f"BEGIN {MARK} SELECT DISTINCT ticket_id FROM tickets_ticketentry "
    f"WHERE author_id = NEW.id; END"
)
SQLITE_DROP = "DROP TRIGGER reports_mark_author_role"


def count(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE)
    for statement in COUNT:
        schema_editor.execute(statement)


def forget(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    schema_editor.execute("DELETE FROM reports_authorday")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_language_blank_until_chosen'),
        ('reports', '0005_rollup_daily_counts'),
        ('tickets', '0020_attachment_note'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='entryfact',
            name='by_staff',
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name='AuthorDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(max_length=10)),
                ('day', models.DateField()),
                ('entries', models.IntegerField()),
                ('claimed', models.IntegerField()),
                ('replies', models.IntegerField()),
                ('resolved', models.IntegerField()),
                ('minutes', models.BigIntegerField()),
                ('assignee', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('author', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('category', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.category')),
                ('department', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department')),
                ('priority', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.priority')),
                ('product', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.product')),
            ],
            options={
                'indexes': [models.Index(fields=['day'], name='reports_authorday_day')],
            },
        ),
        migrations.RunPython(count, forget),
    ]
