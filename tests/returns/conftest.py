import pytest

from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create
from tests.factories import (
    DropOffPointFactory,
    OrderLineFactory,
    ReasonCodeFactory,
    ReturnPolicyFactory,
    WarehouseFactory,
)


@pytest.fixture
def policy(db):
    return ReturnPolicyFactory()


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="WH-IDF")


@pytest.fixture
def relay(db):
    return DropOffPointFactory()


@pytest.fixture
def reason(db):
    return ReasonCodeFactory()


@pytest.fixture
def line(db):
    return OrderLineFactory(quantity=2)


@pytest.fixture
def make_return(policy, warehouse, relay, reason):
    """Create a return through the service, with sensible defaults."""

    def make(*, order_line=None, quantity=1, submit=True, **kwargs):
        order_line = order_line or OrderLineFactory()
        kwargs.setdefault("drop_off", DropOffChoice(method="relay_point", point=relay))
        return return_request_create(
            order=order_line.order,
            lines=[ReturnLineInput(order_line=order_line, quantity=quantity, reason=kwargs.pop("reason", reason))],
            submit=submit,
            **kwargs,
        )

    return make


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the portal's tests check the French ones."""
    from django.utils import translation

    with translation.override("en"):
        yield
