"""The tickets app hands models to the apps that now own them, tables and rows in place.

Department goes to accounts, outgoing mail and the mailbox's status to mail, the print
settings to printing, the guided attendance to attendance; their tables keep their names.
Outgoing mail stops naming tickets and entries: a mail carries its thread's Message-ID
(`in_reply_to`, as it always did) and the stored files it attaches.
"""

import django.db.models.deletion
from django.db import migrations, models


def files_onto_mails(apps, schema_editor):
    """Mails that were to attach their entry's files name those files themselves."""
    OutboundEmail = apps.get_model("tickets", "OutboundEmail")
    Attachment = apps.get_model("tickets", "Attachment")
    for mail in OutboundEmail.objects.filter(attach_entry_files=True, entry__isnull=False):
        mail.attachments = [
            [attachment.file.name, attachment.name, attachment.content_type]
            for attachment in Attachment.objects.filter(entry_id=mail.entry_id).order_by("id")
        ]
        mail.save(update_fields=["attachments"])


def files_back_to_entries(apps, schema_editor):
    OutboundEmail = apps.get_model("tickets", "OutboundEmail")
    OutboundEmail.objects.exclude(attachments=[]).update(attach_entry_files=True)


def department(**options):
    return models.ForeignKey(to="accounts.department", verbose_name="department", **options)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_department"),
        ("chat", "0002_department_in_accounts"),
        ("tickets", "0008_queue_counts"),
    ]

    operations = [
        # Outgoing mail loses its ticket and entry: the rows change in place first.
        migrations.AddField(
            model_name="outboundemail",
            name="attachments",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(files_onto_mails, files_back_to_entries),
        migrations.RemoveField(model_name="outboundemail", name="entry"),
        migrations.RemoveField(model_name="outboundemail", name="ticket"),
        migrations.RemoveField(model_name="outboundemail", name="attach_entry_files"),
        # The rest changes only which app Django says owns what.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="category",
                    name="department",
                    field=department(
                        blank=True,
                        help_text="Leave empty to offer it in every department.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="categories",
                    ),
                ),
                migrations.AlterField(
                    model_name="cannedreply",
                    name="department",
                    field=department(
                        blank=True,
                        help_text="Empty: offered in every department.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="canned_replies",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="department",
                    field=department(
                        on_delete=django.db.models.deletion.PROTECT, related_name="tickets"
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="requesting_department",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="on behalf of",
                    ),
                ),
                migrations.DeleteModel(name="Attendance"),
                migrations.DeleteModel(name="ScriptOption"),
                migrations.DeleteModel(name="ScriptQuestion"),
                migrations.DeleteModel(name="AttendanceScript"),
                migrations.DeleteModel(name="AttendanceType"),
                migrations.DeleteModel(name="ServicePlan"),
                migrations.DeleteModel(name="MailboxStatus"),
                migrations.DeleteModel(name="OutboundEmail"),
                migrations.DeleteModel(name="PrintSettings"),
                migrations.DeleteModel(name="Department"),
            ],
        ),
    ]
