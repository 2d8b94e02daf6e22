"""`manage.py import_orders FILE`: orders from the shop's CSV or JSON export, upserted one by one."""

import os
import time
from collections.abc import Callable
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.orders.importing import FORMATS, ImportReport, format_detect, orders_import, orders_read, problems_write_csv
from rma.orders.order_sources import ImportFileError, Problem

EXIT_ORDERS_FAILED = 1
EXIT_UNREADABLE = 2
PROBLEMS_SHOWN = 50


class ProgressBar:
    """Progress on stderr: a bar redrawn in place on a terminal, a line every 10 % (or 10 s) otherwise."""

    WIDTH = 30

    def __init__(self, *, write: Callable[[str], None], tty: bool, size: int, position: Callable[[], int]) -> None:
        self.write, self.tty, self.size, self.position = write, tty, max(size, 1), position
        self.last_draw = 0.0
        self.next_step = 10
        self.last_line = ""

    def percent(self) -> int:
        try:
            return min(100, self.position() * 100 // self.size)
        except (OSError, ValueError):
            return 100

    def update(self, report: ImportReport) -> None:
        now = time.monotonic()
        if self.tty:
            if now - self.last_draw >= 0.1:
                self.draw(report)
                self.last_draw = now
            return
        percent = self.percent()
        if percent >= self.next_step or now - self.last_draw >= 10:
            self.last_line = self.counts(report)
            self.write(f"{percent:3d}%  {self.last_line}\n")
            self.next_step = percent // 10 * 10 + 10
            self.last_draw = now

    def draw(self, report: ImportReport) -> None:
        percent = self.percent()
        filled = self.WIDTH * percent // 100
        self.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%  {self.counts(report)}")

    def finish(self, report: ImportReport) -> None:
        if self.tty:
            self.draw(report)
            self.write("\n")
        elif report.total and self.counts(report) != self.last_line:
            self.write(f"{self.percent():3d}%  {self.counts(report)}\n")

    @staticmethod
    def counts(report: ImportReport) -> str:
        return f"{orders(report.total)}, {report.failed} failed"


def orders(count: int) -> str:
    return f"{count} order" if count == 1 else f"{count} orders"


class Command(BaseCommand):
    help = (
        "Import orders from a CSV or JSON file. CSV: one row per order line, the order's columns repeated on each "
        "row (external_id, number, channel, customer_email, customer_name, placed_at, delivered_at, address_line1, "
        "postcode, city, country, currency, line_external_id, sku, product_ref, name, category, size, colour, "
        "quantity, unit_price, final_sale or non_returnable_reason), the rows of an order together; ',' or ';' "
        'separated, ISO or dd/mm/yyyy dates. JSON: a list of orders as the API takes them, or {"orders": [...]}. '
        "Each order is created or updated on its own: a bad one is reported and skipped. Importing the same file "
        "twice changes nothing. Exit status: 0 when every order was imported, 1 when some failed (the others are "
        "imported), 2 when the file cannot be read at all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the CSV or JSON file.")
        parser.add_argument("--format", choices=FORMATS, help="Default: from the file's extension.")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        parser.add_argument("--errors", metavar="FILE", help="Also write the problems to this CSV file.")
        parser.add_argument("--encoding", default="utf-8-sig", help="Text encoding of the file (default: UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        try:
            fmt = format_detect(path=path, explicit=options["format"])
            source = open(path, "rb")  # noqa: SIM115 (closed below, after the progress bar stops reading it)
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=EXIT_UNREADABLE) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.", returncode=EXIT_UNREADABLE) from exc

        errors_file: TextIO | None = None
        on_problem: Callable[[Problem], None] | None = None
        report = ImportReport(dry_run=options["dry_run"])
        progress = ProgressBar(
            write=lambda text: self.stderr.write(text, style_func=str, ending=""),
            tty=self.stderr.isatty(),
            size=os.fstat(source.fileno()).st_size,
            position=source.tell,
        )
        try:
            if options["errors"]:
                try:
                    errors_file = open(options["errors"], "w", newline="", encoding="utf-8")  # noqa: SIM115
                except OSError as exc:
                    raise CommandError(f"Cannot write {options['errors']}: {exc.strerror or exc}.") from exc
                on_problem = problems_write_csv(stream=errors_file)
            orders_import(
                orders=orders_read(stream=source, fmt=fmt, encoding=options["encoding"]),
                dry_run=options["dry_run"],
                report=report,
                on_progress=progress.update if options["verbosity"] > 0 else None,
                on_problem=on_problem,
            )
        except ImportFileError as exc:
            done = ""
            if report.total:
                self.print_report(path, report)
                done = f" The {orders(report.total)} before that point were processed as reported."
            raise CommandError(f"{path}: {exc}{done}", returncode=EXIT_UNREADABLE) from exc
        finally:
            if options["verbosity"] > 0:
                progress.finish(report)
            source.close()
            if errors_file is not None:
                errors_file.close()
        self.print_report(path, report)
        if report.failed:
            message = f"{report.failed} of {orders(report.total)} failed"
            if report.failed < report.total:
                message += f"; the others were {'checked' if report.dry_run else 'imported'}"
            raise CommandError(f"{message}.", returncode=EXIT_ORDERS_FAILED)

    def print_report(self, path: str, report: ImportReport) -> None:
        for problem in report.problems[:PROBLEMS_SHOWN]:
            label = f" [{problem.external_id}]" if problem.external_id else ""
            self.stderr.write(f"{problem.where}{label}: {problem.message}")
        if report.problem_count > PROBLEMS_SHOWN:
            self.stderr.write(f"… and {report.problem_count - PROBLEMS_SHOWN} more problems (see --errors FILE).")
        summary = (
            f"{path}: {orders(report.total)} read: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.failed} failed"
        )
        if report.dry_run:
            summary = f"Dry run, nothing was written. {summary}"
        style = self.style.SUCCESS if not report.failed else self.style.WARNING
        self.stdout.write(style(summary + "."))
