"""Fixtures shared by tests/notifications and tests/workers (imported by both conftest.py files).

A warehouse that wants notices, and its webhook receiver.
"""

from collections.abc import Iterator

import pytest

from rma.locations.models import Warehouse
from tests.locations.factories import WarehouseFactory
from tests.notifications.webhook_receiver import WebhookReceiver

WEBHOOK_SECRET = "whsec_test_0f3a9c"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A warehouse's webhook endpoint: a real HTTP server on 127.0.0.1 that checks signatures."""
    with WebhookReceiver(secret=WEBHOOK_SECRET) as receiver:
        yield receiver


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
