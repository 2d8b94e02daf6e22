"""How the shop pages show a weight kept in grams (see rma/core/formatting.py, shared with every page)."""

from django import template

from rma.core import formatting

register = template.Library()


@register.filter
def kg(grams: int | None) -> str:
    """Grams as kilograms in the active language ("1,25 kg" in French); none as "0 kg"."""
    return formatting.weight(grams or 0)


@register.filter
def kg_or_blank(grams: int | None) -> str:
    """Grams as the value of a kilogram field ("1,25" in French), or nothing when no weight was entered."""
    return formatting.kilograms_input(grams)
