"""The base of every API filterset: a value a filter cannot take is a 400 naming the parameter, never a 500.

Django's form fields turn most bad values into a ValidationError, but not all: a date-time whose time-zone
offset the database refuses (`-19:34`), or that falls outside the years 1-9999 once in UTC, a NUL character,
or a parser's own ValueError/OverflowError reached the database or escaped as a 500. Every field of a filterset
built on `FilterSet` below is guarded, whatever its type; only a free-text filter may be given empty.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _

# Real offsets run from -12:00 to +14:00; PostgreSQL refuses anything beyond ±15:59.
MAX_UTC_OFFSET = timedelta(hours=14)

_no_nul = ProhibitNullCharactersValidator()


def _strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def datetime_check(value: datetime) -> None:
    """Refuse a date-time whose offset no place has, or that cannot be written in UTC (years 1 to 9999)."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValidationError(_("The time-zone offset must be between -14:00 and +14:00."), code="invalid_offset")
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValidationError(_("Enter a date and time between the years 1 and 9999."), code="out_of_range") from exc


def _empty(value: object) -> bool:
    """`name=` in the query string: an empty text, or a list holding one (a repeatable parameter)."""
    return value == "" or (isinstance(value, list | tuple) and "" in value)


def guarded_clean(clean: Callable[[Any], Any], *, empty_allowed: bool = True) -> Callable[[Any], Any]:
    """`clean` of a form field, with every failure a ValidationError (the filter backend answers 400)."""

    def guarded(value: Any) -> Any:
        if not empty_allowed and _empty(value):
            raise ValidationError(_("Give a value, or leave the parameter out."), code="blank")
        for text in _strings_in(value):
            _no_nul(text)
        try:
            cleaned = clean(value)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValidationError(_("Enter a valid value."), code="invalid") from exc
        for item in cleaned if isinstance(cleaned, list | tuple) else [cleaned]:
            if isinstance(item, datetime):
                datetime_check(item)
        return cleaned

    return guarded


class FilterSet(django_filters.FilterSet):
    """Base of the API's filtersets: see the module docstring."""

    @property
    def form(self) -> Any:
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                # Only free text may be empty (its schema is a plain string); a date, a number or a choice may
                # not: `created_before=` is a mistake to report, not a filter to drop silently.
                field.clean = guarded_clean(field.clean, empty_allowed=type(field) is forms.CharField)
        return self._form
