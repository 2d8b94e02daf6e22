"""``manage.py shop_sync CONNECTION [--since DATE]``: read a shop's orders in (see rma.connectors.sync)."""

import sys
from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from rma.connectors.models import ShopConnection
from rma.connectors.platforms.base import PlatformError
from rma.connectors.sync import SyncReport, connection_sync


def _since(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since must be a date (2026-11-01) or a date-time, not {value!r}.")
        moment = datetime.combine(day, time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Read the orders of a shop connection updated since a date (or since the last run, or resume the run that "
        "stopped). Safe to run again: an order read twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("connection", help="The connection's name (admin → Shop connections).")
        parser.add_argument("--since", help="Orders updated since this date (YYYY-MM-DD or ISO date-time).")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = ShopConnection.objects.filter(name=options["connection"]).first()
        if connection is None:
            names = ", ".join(ShopConnection.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No shop connection {options['connection']!r} (known: {names}).")
        if not connection.enabled:
            raise CommandError(f"Shop connection {connection.name} is disabled.")
        since = _since(options["since"]) if options["since"] else None
        if since is None and connection.sync_cursor:
            self.stdout.write(f"Resuming the run that stopped (orders updated since {connection.sync_since}).")
        try:
            report = connection_sync(connection=connection, since=since, progress=self._progress)
        except PlatformError as exc:
            self.stderr.write("")
            raise CommandError(
                f"The shop answered: {exc.message}. Run the same command again to resume from the page it stopped at."
            ) from exc
        self.stderr.write("")
        outcomes = ", ".join(f"{name} {count}" for name, count in sorted(report.outcomes.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"{report.seen} orders read in {report.pages} pages: {outcomes}."))
        for failure in report.failures[:50]:
            self.stdout.write(self.style.WARNING(f"  not imported: {failure}"))

    def _progress(self, report: SyncReport) -> None:
        width = 30
        if report.total:
            done = min(report.seen, report.total)
            filled = int(width * done / report.total)
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{report.total}"
        else:
            bar = f"{report.seen} orders"
        line = f"\r{bar} · page {report.pages} · " + ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
        self.stderr.write(line, ending="")
        if not sys.stderr.isatty():
            self.stderr.write("")
