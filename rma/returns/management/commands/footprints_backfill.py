"""manage.py footprints_backfill: carbon estimates for the returns that have none (rma.returns.footprint_backfill)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.returns.footprint_backfill import footprints_backfill


class Command(BaseCommand):
    help = "Estimate the carbon footprint of every return that has none, with today's factors (marked +backfill)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000, help="returns per transaction (default 2000)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["batch_size"] <= 50_000:
            raise CommandError("--batch-size must be between 1 and 50000.")
        written = footprints_backfill(
            batch_size=options["batch_size"], progress=lambda done: sys.stderr.write(f"footprints: {done}\n")
        )
        self.stdout.write(f"{written} returns estimated.")
