"""`manage.py postcodes_import FILE`: postcode places and their coordinates from La Poste's official file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.locations.addresses import postcode_centroids
from rma.locations.postcodes import PostcodeFileError, PostcodeImportReport, postcode_places_import

PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import La Poste's « Base officielle des codes postaux » (laposte_hexasmal, ';'-separated, with "
        "coordonnees_gps or latitude/longitude columns) so that postcodes are located from it. Importing the same "
        "file again changes nothing; a bad row is reported with its line and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--country", default="FR", help="Country of the file's postcodes (default FR).")
        parser.add_argument(
            "--centroids-from-addresses",
            action="store_true",
            help="For a file without coordinates (019HexaSmal.csv): place each postcode of a commune at the centre "
            "of its addresses imported from the Base Adresse Nationale (run addresses_import first).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc

        def progress(report: PostcodeImportReport) -> None:
            self.stderr.write(f"{report.rows} rows read, {len(report.problems)} refused")

        try:
            report = postcode_places_import(
                data=data,
                country=options["country"].upper(),
                progress=progress,
                centroids=postcode_centroids() if options["centroids_from_addresses"] else None,
            )
        except PostcodeFileError as exc:
            raise CommandError(str(exc)) from exc
        for line, problem in report.problems[:PROBLEMS_SHOWN]:
            self.stderr.write(f"line {line}: {problem}")
        if len(report.problems) > PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(report.problems) - PROBLEMS_SHOWN} more refused rows")
        self.stdout.write(
            f"{report.rows} rows: {report.created} new places, {report.changed} changed, {report.unchanged} "
            f"unchanged, {len(report.problems)} refused"
        )
