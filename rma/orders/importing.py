"""Import orders from a file: read CSV or JSON as a stream, upsert order by order, report what happened.

The file is read once, front to back, and never held in memory whole: CSV rows are grouped into orders as they
come (the rows of one order must follow each other), JSON is decoded one order at a time. Each order goes through
`order_upsert` in its own transaction, so a bad order is reported and skipped while the others are imported, and
importing the same file twice changes nothing.
"""

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_datetime

from rma.core.exceptions import DomainError
from rma.orders.services import ORDER_FIELDS, order_normalise, order_upsert

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json")
CSV_ORDER_COLUMNS = ("external_id", *ORDER_FIELDS)
# CSV column -> key of a line in the order payload.
CSV_LINE_COLUMNS = {
    "line_external_id": "external_id",
    "sku": "sku",
    "product_ref": "product_ref",
    "name": "name",
    "category": "category",
    "size": "size",
    "colour": "colour",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "final_sale": "final_sale",
    "non_returnable_reason": "non_returnable_reason",
    "has_serial_number": "has_serial_number",
}
CSV_REQUIRED_COLUMNS = ("external_id", "number", "customer_email", "placed_at", "sku", "quantity", "unit_price")
CSV_COLUMN_ALIASES = {"color": "colour", "line_id": "line_external_id", "email": "customer_email"}
DATE_FIELDS = ("placed_at", "delivered_at")
CSV_BOOLEAN_COLUMNS = ("final_sale", "has_serial_number")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "oui", "o", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "non"})
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
LINE_PREFIX = re.compile(r"^Line \d+: ")
JSON_CHUNK_CHARS = 1 << 16
# Stand-ins that pass the service's checks, to check an order's columns apart from its lines and the reverse.
CHECK_LINE = {"sku": "CHECK", "quantity": 1, "unit_price": "0"}
CHECK_ORDER = {
    "external_id": "CHECK",
    "number": "CHECK",
    "customer_email": "check@example.com",
    "placed_at": "2000-01-01",
}
# Problems kept in memory for the summary; every one still goes to the `on_problem` callback.
PROBLEMS_KEPT = 1000


class RowError(ValueError):
    """A cell of a CSV row cannot be understood; the message says which and why."""


class ImportFileError(Exception):
    """The file cannot be read at all (missing, wrong format, broken JSON, missing CSV columns)."""


@dataclass(frozen=True)
class Problem:
    """Why an order (or one of its rows) was not imported, and where it is in the file."""

    line_numbers: tuple[int, ...]
    external_id: str
    message: str

    @property
    def where(self) -> str:
        """ "line 7", "lines 7-9" or "lines 7, 12"."""
        numbers = sorted(set(self.line_numbers))
        if not numbers:
            return "?"
        if len(numbers) == 1:
            return f"line {numbers[0]}"
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"lines {numbers[0]}-{numbers[-1]}"
        return "lines " + ", ".join(map(str, numbers))


@dataclass(frozen=True)
class SourceOrder:
    """One order as read from the file: its payload for `order_upsert`, or the problems that stop it."""

    line_numbers: tuple[int, ...]
    external_id: str
    payload: Any = None
    problems: tuple[Problem, ...] = ()


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


def error_message(exc: Exception) -> str:
    """A readable message, with the field errors when the service only says "not valid"."""
    if isinstance(exc, DomainError):
        message = exc.message
        details = {key: value for key, value in exc.extra.items() if isinstance(value, list)}
        if details:
            message = (
                message.rstrip(".") + ": " + "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in details.items())
            )
        return LINE_PREFIX.sub("", message)
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, RowError):
        return str(exc)
    if isinstance(exc, DatabaseError):
        return f"The database refused the order: {exc}"
    return f"Invalid value: {exc}"


def problems_write_csv(*, stream: TextIO) -> Callable[[Problem], None]:
    """Write a CSV header now, and give back a function that writes one problem per row."""
    writer = csv.writer(stream)
    writer.writerow(("lines", "external_id", "message"))

    def write(problem: Problem) -> None:
        writer.writerow((problem.where.split(" ", 1)[1], problem.external_id, problem.message))

    return write


# ---- CSV


def csv_orders_read(text: TextIO) -> Iterator[SourceOrder]:
    """Orders from CSV rows (one row per order line, the order's columns repeated), grouped by external_id."""
    header_line = text.readline()
    if not header_line.strip():
        raise ImportFileError("The file is empty: expected a header row.")
    delimiter = max(";,\t", key=header_line.count)
    header = [_column(name) for name in next(csv.reader([header_line], delimiter=delimiter))]
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError(
            f"The header lacks the column(s) {', '.join(missing)} (found: {', '.join(filter(None, header))})."
        )
    reader = csv.reader(text, delimiter=delimiter)
    seen: dict[str, int] = {}
    block: list[tuple[int, dict[str, str]]] = []
    line_number = 1
    try:
        for cells in reader:
            line_number = reader.line_num + 1  # the header was line 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                if block:
                    yield _csv_order(block, seen)
                    block = []
                yield _bad_row(
                    line_number,
                    cells[header.index("external_id")].strip(),
                    f"The row has {len(cells)} cells but the header has {len(header)} columns.",
                )
                continue
            row = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}
            external_id = row.get("external_id", "")
            if block and (not external_id or external_id != block[0][1]["external_id"]):
                yield _csv_order(block, seen)
                block = []
            if not external_id:
                yield _bad_row(line_number, "", "external_id is required.")
                continue
            block.append((line_number, row))
    except csv.Error as exc:
        raise ImportFileError(f"Line {line_number + 1}: the CSV cannot be read ({exc}).") from exc
    if block:
        yield _csv_order(block, seen)


def _column(name: str) -> str:
    name = name.strip().lower().replace(" ", "_")
    return CSV_COLUMN_ALIASES.get(name, name)


def _bad_row(line_number: int, external_id: str, message: str) -> SourceOrder:
    return SourceOrder((line_number,), external_id, problems=(Problem((line_number,), external_id, message),))


def _csv_order(block: list[tuple[int, dict[str, str]]], seen: dict[str, int]) -> SourceOrder:
    """Turn the rows of one order into its payload, checking each row on its own to point at the bad ones."""
    first_line, first = block[0]
    external_id = first["external_id"]
    line_numbers = tuple(number for number, _row in block)
    if external_id in seen:
        return SourceOrder(
            line_numbers,
            external_id,
            problems=(
                Problem(
                    line_numbers,
                    external_id,
                    f"The rows of an order must follow each other: this order already appeared at line "
                    f"{seen[external_id]}.",
                ),
            ),
        )
    seen[external_id] = first_line
    order = {name: first[name] for name in CSV_ORDER_COLUMNS if name in first}
    problems: list[Problem] = []
    # The order's own columns, checked once with a stand-in line; each row's line, checked with a stand-in order.
    try:
        fields = _csv_order_fields(order)
        order_normalise(data={**fields, "lines": [CHECK_LINE]})
    except (DomainError, ValueError) as exc:
        problems.append(Problem(line_numbers, external_id, error_message(exc)))
    lines = []
    for line_number, row in block:
        for name, value in order.items():
            if row.get(name) and row[name] != value:
                problems.append(
                    Problem(
                        (line_number,),
                        external_id,
                        f"{name} is {row[name]!r} here but {value!r} at line {first_line}: the order's columns "
                        f"must be the same on each of its rows.",
                    )
                )
        try:
            line = _csv_line(row)
            order_normalise(data={**CHECK_ORDER, "lines": [line]})
        except (DomainError, ValueError) as exc:
            problems.append(Problem((line_number,), external_id, error_message(exc)))
            continue
        lines.append(line)
    if problems:
        return SourceOrder(line_numbers, external_id, problems=tuple(problems))
    return SourceOrder(line_numbers, external_id, payload={**fields, "lines": lines})


def _csv_order_fields(order: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = dict(order)
    for name in DATE_FIELDS:
        if fields.get(name):
            fields[name] = _csv_datetime(name, fields[name])
    return fields


def _csv_datetime(name: str, value: str) -> str:
    """ISO 8601 as is; French "25/11/2026 14:30" turned into ISO; impossible dates refused here, clearly."""
    match = FRENCH_DATE.match(value)
    if match:
        day, month, year, hour, minute, second = match.groups()
        value = f"{year}-{int(month):02d}-{int(day):02d}T{int(hour or 0):02d}:{minute or '00'}:{second or '00'}"
    _datetime_check(name, value)
    return value


def _datetime_check(name: str, value: str) -> None:
    """Refuse an impossible date (30 February) with a message naming the field."""
    try:
        parse_datetime(value)
    except ValueError as exc:
        raise RowError(f"{name} is not a valid date: {value!r} ({exc}).") from exc


def _csv_line(row: dict[str, str]) -> dict[str, Any]:
    line: dict[str, Any] = {}
    for column, key in CSV_LINE_COLUMNS.items():
        if column not in row:
            continue
        value = row[column]
        if column in CSV_BOOLEAN_COLUMNS:
            word = value.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                raise RowError(f"{column} must be yes or no (1/0, true/false, oui/non), not {value!r}.")
            line[key] = word in TRUE_WORDS
        elif column == "unit_price" and "," in value and "." not in value:
            line[key] = value.replace(",", ".")  # French decimal comma
        else:
            line[key] = value
    return line


# ---- JSON


def json_orders_read(text: TextIO) -> Iterator[SourceOrder]:
    """Orders from a JSON list of orders, or from {"orders": [...]}, decoded one order at a time."""
    stream = _JsonStream(text)
    first = stream.peek()
    if first == "[":
        yield from _json_array(stream)
    elif first == "{":
        stream.advance()
        found = stream.peek() == "}"
        while not found or stream.peek() != "}":
            key = stream.value()
            if not isinstance(key, str):
                raise stream.error("expected a key in double quotes")
            stream.expect(":")
            if key == "orders":
                if stream.peek() != "[":
                    raise stream.error('"orders" must be a list of orders')
                found = True
                yield from _json_array(stream)
            else:
                stream.value()  # another key: read and ignore
            if stream.peek() != ",":
                break
            stream.advance()
        stream.expect("}")
        if not found:
            raise ImportFileError('The JSON object has no "orders" list.')
    elif first is None:
        raise ImportFileError("The file is empty: expected a list of orders.")
    else:
        raise stream.error('expected a list of orders or {"orders": [...]}')
    if stream.peek() is not None:
        raise stream.error("unexpected data after the orders")


def _json_array(stream: "_JsonStream") -> Iterator[SourceOrder]:
    stream.expect("[")
    if stream.peek() == "]":
        stream.advance()
        return
    while True:
        stream.peek()  # skip the whitespace: the order starts at the next character
        line_number = stream.line_number()
        value = stream.value()
        yield _json_order(value, line_number)
        if stream.peek() == ",":
            stream.advance()
            continue
        stream.expect("]")
        return


def _json_order(value: Any, line_number: int) -> SourceOrder:
    external_id = str(value.get("external_id") or "") if isinstance(value, dict) else ""
    try:
        for name in DATE_FIELDS if isinstance(value, dict) else ():
            if isinstance(value.get(name), str):
                _datetime_check(name, value[name])
    except RowError as exc:
        return SourceOrder((line_number,), external_id, problems=(Problem((line_number,), external_id, str(exc)),))
    return SourceOrder((line_number,), external_id, payload=value)


class _JsonStream:
    """Just enough of a streaming JSON reader: whole values are decoded by the json module, chunk by chunk."""

    WHITESPACE = " \t\n\r"

    def __init__(self, text: TextIO) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in what was dropped from the buffer
        self.column_before = 0  # characters after the last dropped newline

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(JSON_CHUNK_CHARS)
        if not chunk:
            self.eof = True
            return False
        if self.pos > JSON_CHUNK_CHARS:  # drop what was read, keeping count of lines for the messages
            dropped = self.buffer[: self.pos]
            newlines = dropped.count("\n")
            self.lines_before += newlines
            self.column_before = (
                len(dropped) - dropped.rfind("\n") - 1 if newlines else self.column_before + len(dropped)
            )
            self.buffer, self.pos = self.buffer[self.pos :], 0
        self.buffer += chunk
        return True

    def peek(self) -> str | None:
        """The next significant character (not consumed), None at the end."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in self.WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return None

    def advance(self) -> None:
        self.pos += 1

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"expected {char!r}, found {found!r}" if found else f"expected {char!r}, found the end")
        self.advance()

    def value(self) -> Any:
        if self.peek() is None:
            raise self.error("unexpected end of the file")
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                # An error at the end of the buffer (or in an unfinished string) may only mean "read more".
                truncated = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buffer) - 10
                if truncated and self._fill():
                    continue
                raise self.error(exc.msg, at=exc.pos) from exc
            if end == len(self.buffer) and self._fill():
                continue  # a number or literal might go on in the next chunk
            self.pos = end
            return value

    def line_number(self, at: int | None = None) -> int:
        at = self.pos if at is None else at
        return self.lines_before + self.buffer.count("\n", 0, at) + 1

    def error(self, message: str, *, at: int | None = None) -> ImportFileError:
        at = self.pos if at is None else at
        newline = self.buffer.rfind("\n", 0, at)
        column = at - newline if newline >= 0 else self.column_before + at + 1
        return ImportFileError(
            f"The file is not valid JSON: {message} (line {self.line_number(at)}, column {column})."
        )
