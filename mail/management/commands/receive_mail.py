import logging
import sys

from django.core.management.base import BaseCommand

from mail import inbox

logger = logging.getLogger(__name__)
# sysexits.h: the mail server keeps the message and delivers it again later.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = (
        "Read one RFC 822 message on standard input (for a mail server's pipe). Exits 0 once "
        "the message is stored, processed or not; 75 (try again later) when it could not be."
    )

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read()
        try:
            received = inbox.store(raw)
        except Exception as error:
            self.stderr.write(f"not stored, try again later: {type(error).__name__}: {error}")
            raise SystemExit(EX_TEMPFAIL) from error
        try:
            inbox.process(received.id)
            received.refresh_from_db()
        except Exception:  # stored: beat processes it later
            logger.exception("received mail %s stored, not processed", received.message_id)
        self.stdout.write(f"{received.status} {received.message_id}")
