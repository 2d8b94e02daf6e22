"""`manage.py addresses_import FILE [FILE…]`: addresses and their coordinates from the Base Adresse Nationale."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.locations.addresses import AddressFileError, AddressImportReport, address_file_open, addresses_import

PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import the Base Adresse Nationale's addresses (adresses-XX.csv or .csv.gz from "
        "adresse.data.gouv.fr/data/ban/adresses/latest/csv/, ';'-separated) so that a customer's address is placed "
        "on its street rather than at the centre of its postcode. One file per département; importing the same "
        "file again changes nothing; a bad row is reported with its line and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:

            def progress(report: AddressImportReport, path: str = path) -> None:
                self.stderr.write(f"{path}: {report.rows} rows read, {len(report.problems)} refused")

            try:
                with address_file_open(path) as text:
                    report = addresses_import(text=text, progress=progress if options["verbosity"] > 1 else None)
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
            except (AddressFileError, UnicodeDecodeError, EOFError) as exc:  # EOFError: a truncated .gz
                raise CommandError(f"{path}: {exc}") from exc
            for line, problem in report.problems[:PROBLEMS_SHOWN]:
                self.stderr.write(f"{path}, line {line}: {problem}")
            if len(report.problems) > PROBLEMS_SHOWN:
                self.stderr.write(f"… and {len(report.problems) - PROBLEMS_SHOWN} more refused rows")
            self.stdout.write(
                f"{path}: {report.rows} rows, {report.written} addresses written, {len(report.problems)} refused"
            )
