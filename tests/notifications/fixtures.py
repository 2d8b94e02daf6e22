"""Fixtures shared by tests/notifications and tests/workers (imported by both conftest.py files)."""

from collections.abc import Callable, Iterator

import pytest

from rma.locations.models import Warehouse
from rma.returns.models import ReturnRequest
from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create
from tests.locations.factories import DropOffPointFactory, WarehouseFactory
from tests.notifications.webhook_receiver import WebhookReceiver
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory, ReturnPolicyFactory

WEBHOOK_SECRET = "whsec_test_0f3a9c"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A warehouse's webhook endpoint: a real HTTP server on 127.0.0.1 that checks signatures."""
    with WebhookReceiver(secret=WEBHOOK_SECRET) as receiver:
        yield receiver


@pytest.fixture
def policy(db):
    return ReturnPolicyFactory(auto_approve=True)


@pytest.fixture
def warehouse(db) -> Warehouse:
    """The only warehouse, so every return goes there; it wants webhooks and emails."""
    return WarehouseFactory(code="WH-IDF", notify_email="quai@entrepot.example.com")


@pytest.fixture
def notified_warehouse(warehouse, receiver) -> Warehouse:
    warehouse.notify_webhook_url = receiver.url("/hooks/wh-idf")
    warehouse.notify_webhook_secret = WEBHOOK_SECRET
    warehouse.save(update_fields=["notify_webhook_url", "notify_webhook_secret", "updated_at"])
    return warehouse


@pytest.fixture
def relay(db):
    return DropOffPointFactory(name="Tabac de la Gare")


@pytest.fixture
def reason(db):
    return ReasonCodeFactory()


@pytest.fixture
def make_return(policy, warehouse, relay, reason) -> Callable[..., ReturnRequest]:
    """Create (and by default submit, so auto-approve) a return through the service."""

    def make(
        *, order_line=None, quantity: int = 1, submit: bool = True, exchange_sku: str = "", **kwargs
    ) -> ReturnRequest:
        order_line = order_line or OrderLineFactory()
        kwargs.setdefault("drop_off", DropOffChoice(method="relay_point", point=relay))
        line = ReturnLineInput(
            order_line=order_line, quantity=quantity, reason=kwargs.pop("reason", reason), exchange_sku=exchange_sku
        )
        return return_request_create(
            order=order_line.order,
            lines=[line],
            submit=submit,
            **kwargs,
        )

    return make
