import pytest

from tests.orders.factories import OrderLineFactory


@pytest.fixture
def line(db):
    return OrderLineFactory(quantity=2)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the portal's tests check the French ones."""
    from django.utils import translation

    with translation.override("en"):
        yield
