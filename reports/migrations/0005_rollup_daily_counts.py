"""The reports' rollup counts its rows per day (reports.daily: TicketDay, StatusDay): the
counts are made here from the rows there are; the tickets still marked are remade, with
their days, by the next refresh."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DIMENSIONS = "department_id, assignee_id, category_id, product_id, priority_id, channel"
COUNT = [
    f"INSERT INTO reports_ticketday (created_day, status, {DIMENSIONS}, tickets) "
    f"SELECT created_day, status, {DIMENSIONS}, COUNT(*) FROM reports_ticketfact "
    f"GROUP BY created_day, status, {DIMENSIONS}",
    f"INSERT INTO reports_statusday (day, ticket_created_day, data_from, data_to, data_action, "
    f"{DIMENSIONS}, changes) "
    f"SELECT day, ticket_created_day, data_from, data_to, data_action, {DIMENSIONS}, COUNT(*) "
    f"FROM reports_entryfact WHERE kind = 'status' "
    f"GROUP BY day, ticket_created_day, data_from, data_to, data_action, {DIMENSIONS}",
]


def count(apps, schema_editor):
    for statement in COUNT:
        schema_editor.execute(statement)


def forget(apps, schema_editor):
    for table in ("reports_ticketday", "reports_statusday"):
        schema_editor.execute(f"DELETE FROM {table}")  # noqa: S608


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_language_blank_until_chosen'),
        ('reports', '0004_rollup_ratings'),
        ('tickets', '0020_attachment_note'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(max_length=10)),
                ('day', models.DateField()),
                ('ticket_created_day', models.DateField()),
                ('data_from', models.TextField(null=True)),
                ('data_to', models.TextField(null=True)),
                ('data_action', models.TextField(null=True)),
                ('changes', models.IntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='TicketDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(max_length=10)),
                ('created_day', models.DateField()),
                ('status', models.CharField(max_length=20)),
                ('tickets', models.IntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name='entryfact',
            index=models.Index(fields=['kind', 'day'], name='reports_entryfact_kind_day'),
        ),
        migrations.AddIndex(
            model_name='ticketfact',
            index=models.Index(fields=['created_day'], name='reports_fact_created_day'),
        ),
        migrations.AddField(
            model_name='statusday',
            name='assignee',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='statusday',
            name='category',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.category'),
        ),
        migrations.AddField(
            model_name='statusday',
            name='department',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department'),
        ),
        migrations.AddField(
            model_name='statusday',
            name='priority',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.priority'),
        ),
        migrations.AddField(
            model_name='statusday',
            name='product',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.product'),
        ),
        migrations.AddField(
            model_name='ticketday',
            name='assignee',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='ticketday',
            name='category',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.category'),
        ),
        migrations.AddField(
            model_name='ticketday',
            name='department',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.department'),
        ),
        migrations.AddField(
            model_name='ticketday',
            name='priority',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.priority'),
        ),
        migrations.AddField(
            model_name='ticketday',
            name='product',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.product'),
        ),
        migrations.AddIndex(
            model_name='statusday',
            index=models.Index(fields=['day'], name='reports_statusday_day'),
        ),
        migrations.AddIndex(
            model_name='ticketday',
            index=models.Index(fields=['created_day'], name='reports_ticketday_day'),
        ),
        migrations.AddIndex(
            model_name='entryfact',
            index=models.Index(condition=models.Q(('minutes__isnull', False)), fields=['created_at'], name='reports_entryfact_minutes'),
        ),
        migrations.RunPython(count, forget),
    ]
