"""Values of a list page written as the serializers' own fields write them, with what they depend on read once.

A DRF field formats each value through the request's context-local state (the active time zone, the active
translation) and its own machinery (source lookups, checks): per value, cheap; per page of 50 rows with a dozen
values each, more time than the page's SQL. Endpoints that write their rows with plain functions take a
`PageValues` for the page and get the same text, byte for byte.
"""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

_DATETIME = serializers.DateTimeField()
_MONEY = serializers.DecimalField(max_digits=10, decimal_places=2)
_CENTS = Decimal("0.01").as_tuple().exponent


def _is_french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")


@dataclass
class PageValues:
    """The active zone and language, read when a page starts being written."""

    zone: tzinfo = field(default_factory=timezone.get_current_timezone)
    french: bool = field(default_factory=_is_french)
    # The API's own date format (REST_FRAMEWORK["DATETIME_FORMAT"]): anything but ISO 8601 is left to the field.
    iso: bool = field(default_factory=lambda: str(api_settings.DATETIME_FORMAT).lower() == ISO_8601)

    def datetime(self, value: datetime | None) -> str | None:
        """As serializers.DateTimeField writes it: ISO 8601 in the active zone, `Z` for UTC; None stays None."""
        if value is None:
            return None
        if value.tzinfo is None or not self.iso:
            return _DATETIME.to_representation(value)
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


def money(value: Any) -> str | None:
    """As a DecimalField(max_digits=10, decimal_places=2) writes it; stored cents are written as they are."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == _CENTS and api_settings.COERCE_DECIMAL_TO_STRING:
        return f"{value:f}"
    return _MONEY.to_representation(value)


def text(value: Any) -> str | None:
    """As a CharField writes it; None stays None."""
    return None if value is None else str(value)
