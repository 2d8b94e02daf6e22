"""``manage.py drop_off_points_sync``: refresh the drop-off point directory from a file or a carrier's API.

    drop_off_points_sync --format laposte|csv FILE [--carrier NAME] [--partial]
    drop_off_points_sync --from-api CARRIER_CODE --postcodes FILE_OR_LIST [--country FR] [--complete]

Files are read by rma.locations.point_files, carriers' APIs by rma.shipping.services.points; both are applied by
rma.locations.directory. The command lives in shipping because the carriers' adapters do (locations is below
shipping in the layers).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.locations.directory import SyncReport, drop_off_points_sync
from rma.locations.point_files import FORMATS, points_read, text_decode
from rma.shipping.carriers import CarrierError
from rma.shipping.services.points import (
    POINTS_PER_POSTCODE,
    ApiSyncReport,
    PointSourceError,
    drop_off_points_sync_from_carrier,
    postcodes_parse,
)

EXIT_ROWS_REJECTED = 1
EXIT_UNREADABLE = 2
PROBLEMS_SHOWN = 100


class Command(BaseCommand):
    help = (
        "Create, update and close drop-off points from a file: La Poste's open 'points de contact' dataset "
        "(--format laposte, carrier la_poste) or our own CSV (--format csv); or from a carrier's point-search API "
        "around a list of postcodes (--from-api CARRIER --postcodes FILE_OR_LIST). Points are matched on carrier "
        "and carrier point id; running the same source twice changes nothing. Points of the file's carriers that "
        "the file no longer lists are deactivated (never deleted) unless --partial; a sweep of postcodes closes "
        "the carrier's points it did not see only with --complete, and never when a postcode failed. A bad row is "
        "reported and the others are imported. Exit status: 0 all rows used, 1 some rows rejected or some "
        "postcodes not read, 2 unreadable file or unusable carrier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Path of the file (with --format).")
        parser.add_argument("--format", choices=FORMATS, dest="fmt", help="The file's format.")
        parser.add_argument(
            "--carrier",
            default="",
            help="laposte: the carrier to file the points under (default la_poste). csv: the carrier of rows "
            "without one; rows of another carrier are rejected.",
        )
        parser.add_argument("--partial", action="store_true", help="The file lists only some points: deactivate none.")
        parser.add_argument("--from-api", dest="api", metavar="CARRIER_CODE", help="Read the carrier's point search.")
        parser.add_argument(
            "--postcodes",
            metavar="FILE_OR_LIST",
            help="With --from-api: a file of postcodes (one a line, or comma-separated) or a list '75011,69001'.",
        )
        parser.add_argument("--country", default="FR", help="With --from-api: the postcodes' country (default FR).")
        parser.add_argument(
            "--per-postcode",
            type=int,
            default=POINTS_PER_POSTCODE,
            help=f"With --from-api: points asked around each postcode (default {POINTS_PER_POSTCODE}).",
        )
        parser.add_argument(
            "--complete",
            action="store_true",
            help="With --from-api: the postcodes cover the carrier's whole network; deactivate its points not seen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["api"]:
            if options["file"] or options["fmt"]:
                raise CommandError("Give either a file with --format, or --from-api, not both.")
            report: SyncReport = self._from_api(options)
            source = options["api"]
        else:
            if not options["file"] or not options["fmt"]:
                raise CommandError("Give a file with --format laposte|csv, or --from-api CARRIER --postcodes ….")
            report = self._from_file(options)
            source = options["file"]
        where = report.where if isinstance(report, ApiSyncReport) else {}
        for line, message in report.problems[:PROBLEMS_SHOWN]:
            self.stderr.write(f"{source}, {where.get(line, f'line {line}')}: {message}")
        if len(report.problems) > PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(report.problems) - PROBLEMS_SHOWN} more rejected rows.")
        failed = report.failed_postcodes if isinstance(report, ApiSyncReport) else []
        for postcode, error in failed:
            self.stderr.write(f"{source}, postcode {postcode}: not read ({error}).")
        summary = (
            f"{report.new} new, {report.changed} changed, {report.closed} closed, {report.unchanged} unchanged, "
            f"{report.rejected} rejected."
        )
        if isinstance(report, ApiSyncReport):
            summary += f" {report.postcodes} postcodes asked, {report.points_read} points read."
        self.stdout.write((self.style.WARNING if report.rejected or failed else self.style.SUCCESS)(summary))
        if failed:
            raise CommandError(
                f"{len(failed)} postcodes not read; no point was closed.", returncode=EXIT_ROWS_REJECTED
            )
        if report.rejected:
            raise CommandError(
                f"{report.rejected} rows rejected; the others were imported.", returncode=EXIT_ROWS_REJECTED
            )

    def _from_api(self, options: dict[str, Any]) -> ApiSyncReport:
        if not options["postcodes"]:
            raise CommandError("--from-api needs --postcodes (a file or a list such as 75011,69001).")
        try:
            postcodes = postcodes_parse(value=options["postcodes"])
        except OSError as exc:
            raise CommandError(f"Cannot read {options['postcodes']}: {exc.strerror or exc}.", returncode=2) from exc
        if not postcodes:
            raise CommandError("No postcode given.", returncode=EXIT_UNREADABLE)
        try:
            return drop_off_points_sync_from_carrier(
                code=options["api"],
                postcodes=postcodes,
                country=options["country"].upper(),
                complete=options["complete"],
                per_postcode=max(1, options["per_postcode"]),
            )
        except (PointSourceError, CarrierError) as exc:
            raise CommandError(str(exc), returncode=EXIT_UNREADABLE) from exc

    def _from_file(self, options: dict[str, Any]) -> SyncReport:
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
        return report
