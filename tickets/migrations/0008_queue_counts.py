"""Queue counts kept by a trigger on PostgreSQL (issue 9): see tickets.models.QueueCount.

Elsewhere (SQLite) the table stays empty and the counts read the tickets themselves.
"""

from django.db import migrations, models

ACTIVE = "('new', 'open', 'waiting_customer', 'pending', 'reopened')"
COLUMNS = "department_id, assignee_key, status, customer_spoke_last, answered, escalation, change"


def key(row: str, change: int) -> str:
    return (
        f"{row}.department_id, COALESCE({row}.assignee_id, 0), {row}.status, "
        f"{row}.customer_spoke_last, {row}.first_response_at IS NOT NULL, "
        f"{row}.parent_id IS NOT NULL, {change}"
    )


CREATE = f"""
CREATE FUNCTION tickets_count_for_queues() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.department_id = NEW.department_id
       AND OLD.assignee_id IS NOT DISTINCT FROM NEW.assignee_id
       AND OLD.status = NEW.status
       AND OLD.customer_spoke_last = NEW.customer_spoke_last
       AND (OLD.first_response_at IS NULL) = (NEW.first_response_at IS NULL)
       AND (OLD.parent_id IS NULL) = (NEW.parent_id IS NULL)
       AND (OLD.trashed_at IS NULL) = (NEW.trashed_at IS NULL) THEN
      RETURN NULL;  -- nothing a queue sees has changed
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF OLD.trashed_at IS NULL AND OLD.status IN {ACTIVE} THEN
      INSERT INTO tickets_queuecount ({COLUMNS}) VALUES ({key("OLD", -1)});
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF NEW.trashed_at IS NULL AND NEW.status IN {ACTIVE} THEN
      INSERT INTO tickets_queuecount ({COLUMNS}) VALUES ({key("NEW", 1)});
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER tickets_count_for_queues
AFTER INSERT OR DELETE OR UPDATE OF department_id, assignee_id, status, customer_spoke_last,
  first_response_at, parent_id, trashed_at
ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION tickets_count_for_queues();

INSERT INTO tickets_queuecount ({COLUMNS})
SELECT department_id, COALESCE(assignee_id, 0), status, customer_spoke_last,
  first_response_at IS NOT NULL, parent_id IS NOT NULL, COUNT(*)
FROM tickets_ticket
WHERE trashed_at IS NULL AND status IN {ACTIVE}
GROUP BY 1, 2, 3, 4, 5, 6;
"""

DROP = """
DROP TRIGGER tickets_count_for_queues ON tickets_ticket;
DROP FUNCTION tickets_count_for_queues();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_speed_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="QueueCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("department_id", models.BigIntegerField()),
                ("assignee_key", models.BigIntegerField()),
                ("status", models.CharField(max_length=20)),
                ("customer_spoke_last", models.BooleanField()),
                ("answered", models.BooleanField()),
                ("escalation", models.BooleanField()),
                ("change", models.IntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["department_id"], name="queuecount_department"),
                    models.Index(fields=["assignee_key"], name="queuecount_assignee"),
                ],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
