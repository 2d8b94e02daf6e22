"""Form fields shared by every page and the admin.

Numbers are typed the way the reader writes them: `1,5` or `1.5`, `1 234,50` or `1,234.50`, whatever the language,
and shown back in the notation of the active language (`1,25` in French, `1.25` in English).
"""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models

_SPACES = re.compile(r"[\s\u00a0\u202f']")


def decimal_text(value: str) -> str:
    """A typed number in Python notation: spaces and grouping dropped, the last "," or "." as decimal point."""
    text = _SPACES.sub("", value)
    comma, point = text.rfind(","), text.rfind(".")
    if comma > point:  # 1.234,5 or 1,5
        return text.replace(".", "").replace(",", ".")
    if point > comma >= 0:  # 1,234.5
        return text.replace(",", "")
    return text


class DecimalCommaField(forms.DecimalField):
    """A decimal that takes a decimal comma or point and shows its value in the active language."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = decimal_text(value)
        return super().to_python(value)


class FloatCommaField(forms.FloatField):
    """A float (coordinates) that takes a decimal comma or point."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if isinstance(value, str):
            value = decimal_text(value)
        return super().to_python(value)


# For ModelAdmin/InlineModelAdmin.formfield_overrides: every number in the admin takes a decimal comma.
NUMBER_FORMFIELD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.DecimalField: {"form_class": DecimalCommaField},
    models.FloatField: {"form_class": FloatCommaField},
}
