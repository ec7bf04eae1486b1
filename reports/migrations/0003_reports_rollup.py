"""The reports' rollup (issue 18): see reports.rollup. The triggers mark every ticket whose
row, entries or priority hours change (or whose claims' author is renamed), on PostgreSQL and SQLite alike; every ticket already
there is marked, so the first report (or `manage.py rebuild_report_rollup`) makes its rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MARK = "INSERT INTO reports_rollupchange (ticket_id)"
POSTGRESQL = f"""
CREATE FUNCTION reports_mark_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {MARK} VALUES (OLD.id); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.id <> OLD.id) THEN
    {MARK} VALUES (NEW.id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reports_mark_ticket AFTER INSERT OR UPDATE OR DELETE ON tickets_ticket
FOR EACH ROW EXECUTE FUNCTION reports_mark_ticket();

CREATE FUNCTION reports_mark_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {MARK} VALUES (OLD.ticket_id); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.ticket_id <> OLD.ticket_id) THEN
    {MARK} VALUES (NEW.ticket_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reports_mark_entry AFTER INSERT OR UPDATE OR DELETE ON tickets_ticketentry
FOR EACH ROW EXECUTE FUNCTION reports_mark_entry();

CREATE FUNCTION reports_mark_priority() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.first_response_hours IS DISTINCT FROM NEW.first_response_hours
     OR OLD.resolution_hours IS DISTINCT FROM NEW.resolution_hours THEN
    {MARK} SELECT id FROM tickets_ticket WHERE priority_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reports_mark_priority AFTER UPDATE ON tickets_priority
FOR EACH ROW EXECUTE FUNCTION reports_mark_priority();

CREATE FUNCTION reports_mark_author() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.full_name IS DISTINCT FROM NEW.full_name THEN
    {MARK} SELECT DISTINCT ticket_id FROM tickets_ticketentry
    WHERE author_id = NEW.id AND kind = 'assignment';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reports_mark_author AFTER UPDATE ON accounts_user
FOR EACH ROW EXECUTE FUNCTION reports_mark_author();
"""
POSTGRESQL_DROP = """
DROP TRIGGER reports_mark_ticket ON tickets_ticket;
DROP FUNCTION reports_mark_ticket();
DROP TRIGGER reports_mark_entry ON tickets_ticketentry;
DROP FUNCTION reports_mark_entry();
DROP TRIGGER reports_mark_priority ON tickets_priority;
DROP FUNCTION reports_mark_priority();
DROP TRIGGER reports_mark_author ON accounts_user;
DROP FUNCTION reports_mark_author();
"""
SQLITE = [
    f"CREATE TRIGGER reports_mark_ticket_insert AFTER INSERT ON tickets_ticket "
    f"BEGIN {MARK} VALUES (NEW.id); END",
    f"CREATE TRIGGER reports_mark_ticket_update AFTER UPDATE ON tickets_ticket "
    f"BEGIN {MARK} VALUES (OLD.id); {MARK} SELECT NEW.id WHERE NEW.id <> OLD.id; END",
    f"CREATE TRIGGER reports_mark_ticket_delete AFTER DELETE ON tickets_ticket "
    f"BEGIN {MARK} VALUES (OLD.id); END",
    f"CREATE TRIGGER reports_mark_entry_insert AFTER INSERT ON tickets_ticketentry "
    f"BEGIN {MARK} VALUES (NEW.ticket_id); END",
    f"CREATE TRIGGER reports_mark_entry_update AFTER UPDATE ON tickets_ticketentry "
    f"BEGIN {MARK} VALUES (OLD.ticket_id); "
    f"{MARK} SELECT NEW.ticket_id WHERE NEW.ticket_id <> OLD.ticket_id; END",
    f"CREATE TRIGGER reports_mark_entry_delete AFTER DELETE ON tickets_ticketentry "
    f"BEGIN {MARK} VALUES (OLD.ticket_id); END",
    f"CREATE TRIGGER reports_mark_priority AFTER UPDATE OF first_response_hours, "
    f"resolution_hours ON tickets_priority "
    f"BEGIN {MARK} SELECT id FROM tickets_ticket WHERE priority_id = NEW.id; END",
    f"CREATE TRIGGER reports_mark_author AFTER UPDATE OF full_name ON accounts_user "
    f"BEGIN {MARK} SELECT DISTINCT ticket_id FROM tickets_ticketentry "
    f"WHERE author_id = NEW.id AND kind = 'assignment'; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER {name}"
    for name in (
        "reports_mark_ticket_insert",
        "reports_mark_ticket_update",
        "reports_mark_ticket_delete",
        "reports_mark_entry_insert",
        "reports_mark_entry_update",
        "reports_mark_entry_delete",
        "reports_mark_priority",
        "reports_mark_author",
    )
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    schema_editor.execute(f"{MARK} SELECT id FROM tickets_ticket")


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
        ('reports', '0002_list_exports'),
        ('tickets', '0019_merge'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RollupChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ticket_id', models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='EntryFact',
            fields=[
                ('entry', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='tickets.ticketentry')),
                ('kind', models.CharField(max_length=12)),
                ('created_at', models.DateTimeField()),
                ('day', models.DateField()),
                ('data_from', models.TextField(null=True)),
                ('data_to', models.TextField(null=True)),
                ('minutes', models.PositiveIntegerField(null=True)),
                ('billable', models.BooleanField()),
                ('claimed', models.BooleanField()),
                ('ticket_number', models.PositiveIntegerField()),
                ('ticket_created_day', models.DateField()),
                ('channel', models.CharField(max_length=10)),
                ('assignee', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('author', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('category', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.category')),
                ('department', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department')),
                ('organization', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.organization')),
                ('priority', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.priority')),
                ('product', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.product')),
                ('requester', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('submitter', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.ticket')),
            ],
            options={
                'indexes': [models.Index(fields=['created_at', 'kind'], name='reports_entryfact_created'), models.Index(fields=['ticket'], name='reports_entryfact_ticket')],
            },
        ),
        migrations.CreateModel(
            name='TicketFact',
            fields=[
                ('ticket', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='tickets.ticket')),
                ('channel', models.CharField(max_length=10)),
                ('status', models.CharField(max_length=20)),
                ('created_at', models.DateTimeField()),
                ('created_day', models.DateField()),
                ('first_response_at', models.DateTimeField(null=True)),
                ('first_response_due_at', models.DateTimeField(null=True)),
                ('finished_at', models.DateTimeField(null=True)),
                ('due_at', models.DateTimeField(null=True)),
                ('sla_paused_at', models.DateTimeField(null=True)),
                ('first_response_seconds', models.FloatField(null=True)),
                ('resolution_seconds', models.FloatField(null=True)),
                ('assignee', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('category', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.category')),
                ('department', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department')),
                ('organization', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.organization')),
                ('priority', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.priority')),
                ('product', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.product')),
                ('requester', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('submitter', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['created_at'], name='reports_fact_created'), models.Index(fields=['first_response_at'], name='reports_fact_answered'), models.Index(fields=['finished_at'], name='reports_fact_finished')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
