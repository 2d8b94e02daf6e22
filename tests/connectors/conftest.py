"""Fixtures of the connector tests: the warehouse's operator and grading data, for returns refunded end to end."""

from tests.warehouse.conftest import operator, reference_data  # noqa: F401 - fixtures
