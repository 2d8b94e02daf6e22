"""Orders from a CSV export: one row per order line, rows of one order together, French dates and decimals allowed."""

import csv
import re
from collections.abc import Iterator
from typing import Any, TextIO

from rma.core.exceptions import DomainError
from rma.orders.order_sources import (
    DATE_FIELDS,
    ImportFileError,
    Problem,
    RowError,
    SourceOrder,
    datetime_check,
    error_message,
)
from rma.orders.services import ORDER_FIELDS, order_normalise

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
    "unit_weight_g": "unit_weight_g",
}
CSV_REQUIRED_COLUMNS = ("external_id", "number", "customer_email", "placed_at", "sku", "quantity", "unit_price")
CSV_COLUMN_ALIASES = {
    "color": "colour",
    "line_id": "line_external_id",
    "email": "customer_email",
    "weight_g": "unit_weight_g",
}


CSV_BOOLEAN_COLUMNS = ("final_sale", "has_serial_number")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "oui", "o", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "non"})
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


# Stand-ins that pass the service's checks, to check an order's columns apart from its lines and the reverse.
CHECK_LINE = {"sku": "CHECK", "quantity": 1, "unit_price": "0"}
CHECK_ORDER = {
    "external_id": "CHECK",
    "number": "CHECK",
    "customer_email": "check@example.com",
    "placed_at": "2000-01-01",
}


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
    datetime_check(name, value)
    return value


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
