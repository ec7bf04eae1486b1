"""Fold the kept queue counts now (beat does it every minute), or count them again."""

from django.core.management.base import BaseCommand

from tickets import queues


class Command(BaseCommand):
    help = (
        "Fold QueueCount's rows into one a key, as the beat task does; with --rebuild, count "
        "them again from the tickets (after a TRUNCATE, a loaddata or triggers turned off)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, **options):
        if not queues.counts_are_kept():
            self.stdout.write("The queue counts are kept on PostgreSQL only: nothing to do.")
            return
        if options["rebuild"]:
            rows = queues.rebuild_queue_counts()
            self.stdout.write(f"Counted again: {rows} rows.")
        else:
            rows = queues.compact_queue_counts()
            self.stdout.write(f"Folded: {rows} rows left.")
