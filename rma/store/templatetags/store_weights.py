"""How the shop pages show a weight kept in grams: in kilograms, two decimals."""

from django import template

register = template.Library()


@register.filter
def kg(grams: int | None) -> str:
    """Grams as kilograms ("1.25"); none as "0.00"."""
    return f"{(grams or 0) / 1000:.2f}"


@register.filter
def kg_or_blank(grams: int | None) -> str:
    """Grams as kilograms, or nothing when no weight was entered (an empty field to fill in)."""
    return kg(grams) if grams else ""
