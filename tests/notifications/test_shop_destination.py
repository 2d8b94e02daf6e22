"""Webhooks to the shop (destination "shop"): sent to RMA_SHOP_WEBHOOK_URL as it is when sending."""

import pytest

from rma.notifications.choices import OutboxStatus
from rma.notifications.outbox import outbox_enqueue, outbox_message_replay
from rma.notifications.services import DeliveryOutcome, outbox_message_deliver
from tests.notifications.fixtures import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db


def _refund_message():
    return outbox_enqueue(
        channel="webhook",
        topic="refund.released",
        destination="shop",
        payload={"idempotency_key": "refund:1", "refund": {"amount": "42.00", "currency": "EUR"}},
        dedupe_key="refund:1",
    )


def test_without_a_shop_url_the_message_is_dead_lettered_with_what_to_do(settings):
    settings.RMA_SHOP_WEBHOOK_URL = ""
    settings.RMA_WEBHOOK_SECRET = WEBHOOK_SECRET
    message = _refund_message()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD
    assert "RMA_SHOP_WEBHOOK_URL is not set" in message.last_error


def test_once_the_shop_url_is_set_a_replay_delivers_it_signed(settings, receiver):
    settings.RMA_SHOP_WEBHOOK_URL = ""
    settings.RMA_WEBHOOK_SECRET = WEBHOOK_SECRET
    message = _refund_message()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DEAD
    settings.RMA_SHOP_WEBHOOK_URL = receiver.url("/hooks/shop")
    outbox_message_replay(message_id=message.pk)
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    [hit] = receiver.hits
    assert (hit.path, hit.topic, hit.signature_valid) == ("/hooks/shop", "refund.released", True)
    assert hit.delivery_id == str(message.delivery_id)
    assert hit.payload["refund"]["amount"] == "42.00"
