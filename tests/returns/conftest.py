import pytest

from tests.helpers import return_maker
from tests.locations.factories import DropOffPointFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="WH-IDF")


@pytest.fixture
def relay(db):
    return DropOffPointFactory()


@pytest.fixture
def line(db):
    return OrderLineFactory(quantity=2)


@pytest.fixture
def make_return(policy, warehouse, relay, reason):
    """Create a return through the service, with sensible defaults."""
    return return_maker(relay=relay, reason=reason)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the portal's tests check the French ones."""
    from django.utils import translation

    with translation.override("en"):
        yield
