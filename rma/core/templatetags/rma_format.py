"""The filters every page and email uses for money, weights, numbers and dates (see rma/core/formatting.py).

{% load rma_format %}
{{ refund.amount|money:refund.currency }}   69,00 € / €69.00
{{ carton.weight_grams|weight }}            1,5 kg
{{ shipment.closed_at|long_date }}          1er décembre 2026 / December 1, 2026
"""

from datetime import date, datetime
from decimal import Decimal

from django import template

from rma.core import formatting

register = template.Library()


@register.filter
def money(amount: Decimal | int | float | str | None, currency: str = "EUR") -> str:
    return formatting.money(amount, currency)


@register.filter
def weight(grams: int | None) -> str:
    return formatting.weight(grams)


@register.filter
def number(value: Decimal | int | float | str | None, decimal_pos: int | None = None) -> str:
    return formatting.number(value, decimal_pos)


@register.filter
def long_date(value: date | datetime | None) -> str:
    return formatting.long_date(value)


@register.filter
def day_month(value: date | datetime | None) -> str:
    return formatting.day_month(value)


@register.filter
def person(user: object | None) -> str:
    """A member of staff as every page and message names them (full name, else user name)."""
    return formatting.person_name(user)
