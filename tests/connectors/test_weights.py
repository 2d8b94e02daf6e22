"""A platform's weight in the unit it names, as whole grams: every unit the platforms use, half a gram up, and
what is not a weight (0, missing, an unknown unit, text) as none."""

import pytest

from rma.connectors.platforms.weights import grams


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (300, "g", 300),
        ("0.3", "kg", 300),
        (0.3, "KILOGRAMS", 300),
        ("1.2345", "kg", 1235),  # 1234.5 g: half a gram rounds up
        ("1.2344", "kg", 1234),
        (1, "POUNDS", 454),  # 453.59237 g
        ("0.75", "lbs", 340),
        ("2", "lb", 907),
        (4.25, "OUNCES", 120),  # 120.485 g
        ("7", "oz", 198),
        ("12.5", "GRAMS", 13),
        ("0,35", "kg", 350),  # a decimal comma, as some shops' settings write it
    ],
)
def test_each_unit_becomes_whole_grams(value, unit, expected):
    assert grams(value, unit) == expected


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        (0, "g"),  # never entered in the shop
        ("0.000000", "kg"),
        ("", "kg"),
        (None, "kg"),
        ("heavy", "kg"),
        ("NaN", "kg"),
        (True, "g"),
        ("-1", "kg"),
        ("0.0004", "kg"),  # under half a gram
        ("2000", "kg"),  # two tonnes: a typing error, not a unit returned
        (1, "stone"),
        (1, ""),
    ],
)
def test_what_is_not_a_weight_is_none(value, unit):
    assert grams(value, unit) is None
