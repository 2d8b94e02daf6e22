"""A platform's published weight, in the unit it names, as whole grams.

Each platform publishes a weight with a unit: Shopify a ``Weight`` (``value``, ``unit`` GRAMS, KILOGRAMS, OUNCES,
POUNDS) or a REST line item's ``grams``; WooCommerce a product's ``weight`` string in the store's
``woocommerce_weight_unit`` (kg, g, lbs, oz); PrestaShop a float in the shop's weight unit (``PS_WEIGHT_UNIT``,
kg unless changed). Every platform stores 0 (or nothing) for a product whose weight was never entered, so 0 is "not
published", never a weightless unit: the reports then estimate it rather than count it as nothing.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Grams in one unit, by every spelling the platforms use. The pound is the international avoirdupois pound
# (453.59237 g exactly) and the ounce its sixteenth.
GRAMS_PER_UNIT = {
    "g": Decimal(1),
    "gram": Decimal(1),
    "grams": Decimal(1),
    "kg": Decimal(1000),
    "kilogram": Decimal(1000),
    "kilograms": Decimal(1000),
    "lb": Decimal("453.59237"),
    "lbs": Decimal("453.59237"),
    "pound": Decimal("453.59237"),
    "pounds": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
    "ounce": Decimal("28.349523125"),
    "ounces": Decimal("28.349523125"),
}
# Far above any parcel a return carries (the column is a PositiveIntegerField): a larger figure is a typing error.
MAX_GRAMS = 1_000_000


def unit_known(unit: object) -> bool:
    return str(unit or "").strip().lower() in GRAMS_PER_UNIT


def grams(value: object, unit: object) -> int | None:
    """``value`` in ``unit`` as whole grams (half a gram rounds up); None when either is missing or unreadable,
    or the weight is 0 (not entered in the shop) or beyond MAX_GRAMS. Never raises: a weight only adds to an order.
    """
    factor = GRAMS_PER_UNIT.get(str(unit or "").strip().lower())
    if factor is None or value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    result = int((amount * factor).quantize(Decimal(1), ROUND_HALF_UP))
    return result if 0 < result <= MAX_GRAMS else None
