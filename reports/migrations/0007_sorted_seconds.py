"""intarray, for the reports' percentiles (reports.selectors.common.duration_stats_by): each
group's seconds gathered into an array by a hash and sorted in C, instead of the rows sorted
again for every grouping and then inside every group. A contrib extension that PostgreSQL
ships and trusts (a database's owner may create it). It also brings its own operators for
integer arrays (&&, @>, <@ on integer[]), which take the place of the built-in ones there:
nothing in this project compares integer arrays (the bench's arrays are bigint[]), but code
that comes to should know. Nothing to do elsewhere."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS intarray")


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_rollup_author_days")]

    # Left in place going back: other code may have come to use it.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
