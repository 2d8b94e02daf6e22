"""``manage.py drop_off_points_sync --format laposte|csv FILE [--carrier NAME] [--partial]``: refresh the drop-off
point directory from a file (formats in rma.locations.point_files, rules in rma.locations.directory)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.locations.directory import SyncReport, drop_off_points_sync
from rma.locations.point_files import FORMATS, points_read, text_decode

EXIT_ROWS_REJECTED = 1
EXIT_UNREADABLE = 2
PROBLEMS_SHOWN = 100


class Command(BaseCommand):
    help = (
        "Create, update and close drop-off points from a file: La Poste's open 'points de contact' dataset "
        "(--format laposte, carrier la_poste) or our own CSV (--format csv). Points are matched on carrier and "
        "carrier point id; running the same file twice changes nothing. Points of the file's carriers that the file "
        "no longer lists are deactivated (never deleted) unless --partial. A bad row is reported with its line "
        "number and the others are imported. Exit status: 0 all rows used, 1 some rows rejected, 2 unreadable file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt", help="The file's format.")
        parser.add_argument("file", help="Path of the file.")
        parser.add_argument(
            "--carrier",
            default="",
            help="laposte: the carrier to file the points under (default la_poste). csv: the carrier of rows "
            "without one; rows of another carrier are rejected.",
        )
        parser.add_argument("--partial", action="store_true", help="The file lists only some points: deactivate none.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        try:
            with open(path, "rb") as source:
                text = text_decode(data=source.read())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.", returncode=EXIT_UNREADABLE) from exc
        total = max(text.count("\n") - 1, 1)
        show_progress = options["verbosity"] > 0
        tty = self.stderr.isatty()
        # On a terminal the bar is redrawn at each new percent; in a log (cron, Beat) a line every 10 %.
        state = {"percent": -1, "next_line": 10}

        def progress(report: SyncReport) -> None:
            percent = min(100, report.read * 100 // total)
            if percent == state["percent"] or (not tty and percent < state["next_line"]):
                return
            state["percent"], state["next_line"] = percent, percent // 10 * 10 + 10
            filled = 30 * percent // 100
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%  {report.read} rows"
            self.stderr.write(f"\r{bar}" if tty else bar, style_func=str, ending="" if tty else "\n")

        report = drop_off_points_sync(
            rows=points_read(text=text, fmt=options["fmt"], carrier=options["carrier"]),
            complete=not options["partial"],
            on_progress=progress if show_progress else None,
        )
        if show_progress and tty:
            self.stderr.write("")
        for line, message in report.problems[:PROBLEMS_SHOWN]:
            self.stderr.write(f"{path}, line {line}: {message}")
        if len(report.problems) > PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(report.problems) - PROBLEMS_SHOWN} more rejected rows.")
        summary = (
            f"{report.new} new, {report.changed} changed, {report.closed} closed, {report.unchanged} unchanged, "
            f"{report.rejected} rejected."
        )
        self.stdout.write((self.style.WARNING if report.rejected else self.style.SUCCESS)(summary))
        if report.rejected:
            raise CommandError(
                f"{report.rejected} rows rejected; the others were imported.", returncode=EXIT_ROWS_REJECTED
            )
