import sys

from django.core.management.base import BaseCommand

from mail.mailbox import receive


class Command(BaseCommand):
    help = "Read one RFC 822 message on standard input (for a mail server's pipe)."

    def handle(self, *args, **options):
        record = receive(sys.stdin.buffer.read())
        self.stdout.write(f"{record.outcome} {record.message_id}")
        if record.outcome == "failed":
            raise SystemExit(1)
