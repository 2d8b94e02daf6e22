"""Import orders from a file: read CSV or JSON as a stream, upsert order by order, report what happened.

The file is read once, front to back, and never held in memory whole: CSV rows are grouped into orders as they
come (the rows of one order must follow each other), JSON is decoded one order at a time. Each order goes through
`order_upsert` in its own transaction, so a bad order is reported and skipped while the others are imported, and
importing the same file twice changes nothing.
"""

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rma.core.exceptions import DomainError
from rma.orders.import_csv import csv_orders_read
from rma.orders.import_json import json_orders_read
from rma.orders.order_sources import ImportFileError, Problem, SourceOrder, error_message
from rma.orders.services import order_upsert

logger = logging.getLogger(__name__)


FORMATS = ("csv", "json")


# Problems kept in memory for the summary; every one still goes to the `on_problem` callback.
PROBLEMS_KEPT = 1000


@dataclass
class ImportReport:
    """What an import did, order by order."""

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed

    def add_problem(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)


def format_detect(*, path: str, explicit: str | None = None) -> str:
    """The format asked for, else the one the file name says."""
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise ImportFileError(f"Cannot tell the format of {path!r} from its name: use --format csv or --format json.")


def orders_read(*, stream: IO[bytes], fmt: str, encoding: str = "utf-8-sig") -> Iterator[SourceOrder]:
    """The orders of a binary stream, one at a time."""
    try:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="" if fmt == "csv" else None)
    except LookupError as exc:
        raise ImportFileError(f"Unknown encoding {encoding!r}.") from exc
    reader = csv_orders_read if fmt == "csv" else json_orders_read
    try:
        yield from reader(text)
    except UnicodeDecodeError as exc:
        name = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig", "utf8") else encoding
        raise ImportFileError(f"The file is not {name} text ({exc.reason}); try --encoding latin-1.") from exc
    finally:
        text.detach()  # the caller owns the binary stream


def orders_import(
    *,
    orders: Iterable[SourceOrder],
    dry_run: bool = False,
    report: ImportReport | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> ImportReport:
    """Upsert each order in its own transaction (rolled back in a dry run) and count the outcomes.

    Pass `report` to keep what was done when the file turns out to be unreadable half-way (ImportFileError).
    """
    report = report if report is not None else ImportReport(dry_run=dry_run)

    def fail(problems: Iterable[Problem]) -> None:
        report.failed += 1
        for problem in problems:
            report.add_problem(problem)
            if on_problem is not None:
                on_problem(problem)

    for source in orders:
        if source.problems:
            fail(source.problems)
        else:
            try:
                outcome = _upsert(source.payload, dry_run=dry_run)
            except (DomainError, ValidationError, ValueError, TypeError, DatabaseError) as exc:
                fail([Problem(source.line_numbers, source.external_id, error_message(exc))])
            except Exception as exc:  # an odd payload must not stop the good orders behind it
                logger.exception("Importing order %r failed unexpectedly", source.external_id)
                message = f"Unexpected error ({type(exc).__name__}): {exc}"
                fail([Problem(source.line_numbers, source.external_id, message)])
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
        if on_progress is not None:
            on_progress(report)
    return report


def _upsert(payload: Any, *, dry_run: bool) -> str:
    if not dry_run:
        return order_upsert(data=payload).outcome
    with transaction.atomic():
        outcome = order_upsert(data=payload).outcome
        transaction.set_rollback(True)
    return outcome


def problems_write_csv(*, stream: TextIO) -> Callable[[Problem], None]:
    """Write a CSV header now, and give back a function that writes one problem per row."""
    writer = csv.writer(stream)
    writer.writerow(("lines", "external_id", "message"))

    def write(problem: Problem) -> None:
        writer.writerow((problem.where.split(" ", 1)[1], problem.external_id, problem.message))

    return write
