from django.db import migrations

from core.numbering import create_series


def create_ticket_series(apps, schema_editor):
    # Numbers already given out were drawn at random among those of their width: new ones
    # begin one digit wider, where none of them can be.
    Ticket = apps.get_model("tickets", "Ticket")
    highest = Ticket.objects.using(schema_editor.connection.alias).order_by("-number").first()
    first_width = 6 if highest is None else len(str(highest.number)) + 1
    create_series(
        "ticket",
        first_width=first_width,
        model=apps.get_model("core", "NumberSeries"),
        using=schema_editor.connection.alias,
    )


def drop_ticket_series(apps, schema_editor):
    apps.get_model("core", "NumberSeries").objects.filter(name="ticket").delete()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP SEQUENCE IF EXISTS "core_numberseries_ticket"')


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_number_series"),
        ("tickets", "0012_queue_indexes"),
    ]

    operations = [migrations.RunPython(create_ticket_series, drop_ticket_series)]
