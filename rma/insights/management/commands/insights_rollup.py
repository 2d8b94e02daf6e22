"""Rebuild the analytics' daily roll-ups from the raw tables: every day, or from a given day (rma.insights.rollups)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.insights.refresh import marks_reset
from rma.insights.rollups import all_days_rebuild


class Command(BaseCommand):
    help = "Rebuild the analytics' daily roll-ups: after an import, a restore or a change of the cost settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="First day to rebuild (YYYY-MM-DD); default: the first order or return.")

    def handle(self, *args: Any, since: str | None = None, **options: Any) -> None:
        try:
            first = date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise CommandError(f"--since: not a date (YYYY-MM-DD): {since}") from exc
        marks_reset()  # the runs after this one start from what exists now
        rows = all_days_rebuild(since=first)
        self.stdout.write(f"{rows} roll-up rows written.")
