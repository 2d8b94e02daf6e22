"""Orders from a JSON export (a list, or {"orders": [...]}), decoded one order at a time."""

import json
from collections.abc import Iterator
from typing import Any, TextIO

from rma.orders.order_sources import DATE_FIELDS, ImportFileError, Problem, RowError, SourceOrder, datetime_check

JSON_CHUNK_CHARS = 1 << 16


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
                datetime_check(name, value[name])
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
