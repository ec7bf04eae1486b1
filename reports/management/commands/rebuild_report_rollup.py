"""Make every row of the reports' rollup again from the tickets and their entries."""

import time

from django.core.management.base import BaseCommand

from reports import rollup
from reports.models import EntryFact, TicketFact


class Command(BaseCommand):
    help = "Make the reports' rollup again from the tickets and their entries (reports.rollup)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rollup.rebuild()
        self.stdout.write(
            f"{TicketFact.objects.count():,} tickets and {EntryFact.objects.count():,} entries "
            f"in the rollup, made in {time.perf_counter() - started:.1f} s"
        )
