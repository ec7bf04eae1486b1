"""Who opened each ticket (`submitter`): the agents see the tickets they opened for customers.

It takes the place of the attendance in the permission gate (an agent saw the tickets of the
attendances they took): an attendance's agent is its ticket's submitter (0011 fills it in).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_hand_over"),
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
    ]
