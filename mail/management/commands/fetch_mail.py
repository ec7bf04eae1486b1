from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mail.mailbox import fetch_mailbox


class Command(BaseCommand):
    help = "Read the unseen messages of the IMAP mailbox set in IMAP_HOST and friends."

    def handle(self, *args, **options):
        if not settings.IMAP_HOST:
            raise CommandError("IMAP_HOST is not set")
        try:
            read = fetch_mailbox()
        except Exception as error:
            raise CommandError(f"the mailbox could not be read: {error}") from error
        self.stdout.write(f"{read} message(s) read")
