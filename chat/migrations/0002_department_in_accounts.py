import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # The department moved to accounts with its table: the foreign key is the same column.
    dependencies = [
        ("accounts", "0004_department"),
        ("chat", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="chatsession",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="accounts.department",
                        verbose_name="department",
                    ),
                ),
            ],
        ),
    ]
