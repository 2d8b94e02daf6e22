"""What a reader of an order file yields: each order's payload, or the problems that stop it."""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.dateparse import parse_datetime

from rma.core.exceptions import DomainError

DATE_FIELDS = ("placed_at", "delivered_at")
LINE_PREFIX = re.compile(r"^Line \d+: ")


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


def datetime_check(name: str, value: str) -> None:
    """Refuse an impossible date (30 February) with a message naming the field."""
    try:
        parse_datetime(value)
    except ValueError as exc:
        raise RowError(f"{name} is not a valid date: {value!r} ({exc}).") from exc


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
