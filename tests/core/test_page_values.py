"""A list page's values written once per page (rma.core.api.values) come out as the serializers' fields write them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from rma.core.api.values import PageValues, money

MOMENTS = [
    datetime(2026, 1, 15, 9, 30, tzinfo=UTC),  # winter: +01:00 in Paris
    datetime(2026, 7, 14, 22, 5, 7, 123456, tzinfo=UTC),  # summer, with microseconds: +02:00
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # the hour the clocks go forward
]
AMOUNTS = [Decimal("49.90"), Decimal("0.00"), Decimal("-3.10"), Decimal("12.345"), Decimal("7"), 7, 2.5]


@pytest.mark.parametrize("zone", ["Europe/Paris", "UTC", "America/New_York"])
def test_dates_as_the_datetime_field_writes_them(zone):
    with timezone.override(zone):
        values, field = PageValues(), serializers.DateTimeField()
        for moment in [*MOMENTS, datetime(2026, 5, 1, 12, 0)]:  # the last one naive
            assert values.datetime(moment) == field.to_representation(moment)
    assert PageValues().datetime(None) is None


def test_another_date_format_of_the_api_is_followed(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DATETIME_FORMAT": "%d/%m/%Y %H:%M"}
    values, field = PageValues(), serializers.DateTimeField()
    assert [values.datetime(moment) for moment in MOMENTS] == [field.to_representation(m) for m in MOMENTS]
    assert values.datetime(MOMENTS[0]) == "15/01/2026 10:30"


def test_amounts_as_the_decimal_field_writes_them():
    field = serializers.DecimalField(max_digits=10, decimal_places=2)
    assert [money(amount) for amount in AMOUNTS] == [field.to_representation(amount) for amount in AMOUNTS]
    assert money(Decimal("12.345")) == "12.34"  # rounded as the field rounds (half to even)
