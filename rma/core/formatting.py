"""Money, weights, numbers and dates as the reader expects them in the active language.

One place for every page, email and PDF: `69,00 €` and `1,5 kg` in French, `€69.00` and `1.5 kg` in English,
`1er décembre` for the first of the month in French.
"""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Choices
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, ngettext

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def choice_label(choices: type[Choices], value: str) -> str:
    """The label of a stored choice in the active language, read from its enum: one translation per call.

    Django's generated `get_<field>_display()` makes every choice of the field hashable on each call, translating
    every label: a list of 200 rows showing a status ran thousands of translations. An unknown value shows as is.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def counted(singular: str, plural: str) -> Callable[[int], str]:
    """A count in words ("3 days") for the rows of one page, translated once per distinct number on it."""
    done: dict[int, str] = {}

    def count_text(count: int) -> str:
        if count not in done:
            done[count] = ngettext(singular, plural, count) % {"counter": count}
        return done[count]

    return count_text


def is_french() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("fr")


def _decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(amount: Decimal | int | float | str | None, currency: str = "EUR") -> str:
    """49,90 € in French, €49.90 in English (an amount that is not a number is shown as it is)."""
    value = _decimal(amount)
    if value is None:
        return "" if amount is None else str(amount)
    negative = value < 0
    number = number_format(abs(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    if is_french():
        number = number.replace(" ", NARROW_NBSP).replace(NBSP, NARROW_NBSP)
    symbol = CURRENCY_SYMBOLS.get(currency or "EUR", currency)
    text = f"{number}{NBSP}{symbol}" if is_french() else f"{symbol}{number}"
    return f"−{text}" if negative else text


def number(value: Decimal | int | float | str | None, decimal_pos: int | None = None) -> str:
    """A number with the decimal separator of the language (1,5 / 1.5)."""
    parsed = _decimal(value)
    if parsed is None:
        return "" if value is None else str(value)
    return number_format(parsed, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def weight(grams: int | None) -> str:
    """A weight kept in grams, as kilograms without needless zeros: 1,5 kg, 0,25 kg, 12 kg ("—" when unknown)."""
    if grams is None:
        return "—"
    kilograms = (Decimal(grams) / 1000).quantize(Decimal("0.001")).normalize()
    decimals = max(0, -kilograms.as_tuple().exponent)  # type: ignore[operator]
    return f"{number(kilograms, decimals)}{NBSP}kg"


def kilograms_input(grams: int | None) -> str:
    """A weight as the value of a kilogram field, in the language's notation ("1,25" in French); blank for none."""
    if not grams:
        return ""
    kilograms = (Decimal(grams) / 1000).quantize(Decimal("0.001")).normalize()
    return number_format(kilograms, decimal_pos=max(0, -kilograms.as_tuple().exponent), use_l10n=True)  # type: ignore[operator]


def _local(value: date | datetime) -> date | datetime:
    """A date as it is, an aware date-time in the local time zone."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _french_day(value: date) -> str:
    """French writes the first of the month as an ordinal: 1er."""
    return "1er" if value.day == 1 else str(value.day)


def long_date(value: date | datetime | None) -> str:
    """1er décembre 2026 / December 1, 2026 (French writes the first of the month as an ordinal)."""
    if value is None:
        return ""
    value = _local(value)
    if is_french():
        return f"{_french_day(value)} {date_format(value, 'F Y')}"
    return date_format(value, "F j, Y")


def day_month(value: date | datetime | None, *, weekday: bool = False) -> str:
    """lundi 1er décembre / Monday, December 1 (no year)."""
    if value is None:
        return ""
    value = _local(value)
    if is_french():
        text = f"{_french_day(value)} {date_format(value, 'F')}"
        return f"{date_format(value, 'l')} {text}" if weekday else text
    return date_format(value, "l, F j" if weekday else "F j")


def person_name(user: object | None) -> str:
    """How a member of staff is named to another, on pages and in messages alike: full name, else user name."""
    if user is None:
        return ""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or getattr(user, "get_username", lambda: "")())
