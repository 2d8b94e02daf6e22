"""rma.returns.messages: which outbox rows each return transition writes, in the transition's transaction."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.messages import return_messages_write
from rma.returns.services import return_request_approve, return_request_transition
from rma.shipping.models import Label
from rma.warehouse.models import Refund
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


def _by_key(return_request) -> dict[str, OutboxMessage]:
    prefix = f"return:{return_request.public_id}:"
    return {m.dedupe_key.removeprefix(prefix): m for m in OutboxMessage.objects.filter(dedupe_key__startswith=prefix)}


def _walk(return_request, *statuses: str) -> None:
    for status in statuses:
        return_request_transition(return_request=return_request, to=status)


def _label_ready(return_request, tracking_number: str = "6A10000000017") -> None:
    Label.objects.filter(return_request=return_request).update(status="ready", tracking_number=tracking_number)


def test_approval_writes_the_customer_email_and_the_warehouse_advance_notices(make_return, notified_warehouse, relay):
    return_request = make_return(contact_email="chloe@example.fr", locale="en")
    messages = _by_key(return_request)
    assert set(messages) == {"approved:customer-email", "approved:warehouse-webhook", "approved:warehouse-email"}

    webhook = messages["approved:warehouse-webhook"]
    line = return_request.lines.get()
    assert (webhook.channel, webhook.topic, webhook.destination, webhook.secret_ref) == (
        "webhook",
        "return.approved",
        notified_warehouse.notify_webhook_url,
        f"locations.warehouse:{notified_warehouse.pk}",
    )
    assert webhook.payload == {
        "event": "return.approved",
        "rma_number": return_request.rma_number,
        "public_id": str(return_request.public_id),
        "status": "approved",
        "order_number": return_request.order.number,
        "lines": [{"sku": line.order_line.sku, "name": "Chemise en lin", "quantity": 1, "reason": "too-small"}],
        "drop_off": {
            "method": "relay_point",
            "point": {
                "name": "Tabac de la Gare",
                "kind": "relay_point",
                "carrier": "mondial_relay",
                "carrier_point_id": relay.carrier_point_id,
                "address_lines": ["3 rue de la République", "69001 Lyon"],
                "postcode": "69001",
                "city": "Lyon",
            },
            "pickup_date": None,
            "pickup_slot": None,
        },
        "warehouse": "WH-IDF",
        "send_by": return_request.send_by.isoformat(),
    }
    assert notified_warehouse.notify_webhook_secret not in str(webhook.payload)

    customer = messages["approved:customer-email"]
    assert (customer.channel, customer.topic, customer.destination, customer.locale) == (
        "email",
        "return_approved",
        "chloe@example.fr",
        "en",
    )
    assert customer.payload["tracking_url"] == f"{BASE}/r/{return_request.public_id}/"
    assert customer.payload["returnless"] is False

    warehouse_email = messages["approved:warehouse-email"]
    assert (warehouse_email.topic, warehouse_email.destination, warehouse_email.locale) == (
        "warehouse_advance_notice",
        "quai@entrepot.example.com",
        "fr",
    )
    assert warehouse_email.payload["warehouse_name"] == notified_warehouse.name


def test_a_warehouse_that_asked_for_nothing_gets_nothing(make_return, warehouse):
    warehouse.notify_email = ""
    warehouse.save(update_fields=["notify_email"])
    return_request = make_return()
    assert set(_by_key(return_request)) == {"approved:customer-email"}


def test_a_returnless_refund_sends_nothing_to_the_warehouse(make_return, notified_warehouse, policy):
    policy.returnless_refund_below = Decimal("1000.00")
    policy.save(update_fields=["returnless_refund_below"])
    return_request = make_return()
    assert return_request.returnless
    # The approval releases the refund at once (rma.warehouse.reactions): the customer hears of both.
    assert return_request.status == S.REFUNDED
    messages = _by_key(return_request)
    assert set(messages) == {"approved:customer-email", "refunded:customer-email"}
    assert messages["approved:customer-email"].payload["returnless"] is True


def test_label_ready_sends_the_label_and_the_tracking_page(make_return):
    return_request = make_return()
    _label_ready(return_request)
    _walk(return_request, S.LABEL_READY)
    message = _by_key(return_request)["label_ready:customer-email"]
    assert message.topic == "label_ready"
    assert message.payload["label_url"] == f"{BASE}/r/{return_request.public_id}/label.pdf"
    assert message.payload["tracking_url"] == f"{BASE}/r/{return_request.public_id}/"
    assert message.payload["tracking_number"] == "6A10000000017"


def test_in_transit_tells_the_warehouse_what_is_coming_and_when(make_return, notified_warehouse):
    return_request = make_return()
    _label_ready(return_request)
    _walk(return_request, S.LABEL_READY, S.IN_TRANSIT)
    messages = _by_key(return_request)
    assert {"in_transit:warehouse-webhook", "in_transit:warehouse-email", "in_transit:customer-email"} <= set(messages)
    payload = messages["in_transit:warehouse-webhook"].payload
    assert messages["in_transit:warehouse-webhook"].topic == "return.in_transit"
    assert (payload["event"], payload["status"], payload["tracking_number"]) == (
        "return.in_transit",
        "in_transit",
        "6A10000000017",
    )
    assert payload["expected_at"] == (timezone.localdate() + timedelta(days=3)).isoformat()


def test_a_shop_counter_drop_off_goes_straight_to_in_transit(make_return, notified_warehouse):
    return_request = make_return()
    _walk(return_request, S.IN_TRANSIT)
    payload = _by_key(return_request)["in_transit:warehouse-webhook"].payload
    assert "tracking_number" not in payload  # no label was made


def test_received_and_refunded_tell_the_customer(make_return, notified_warehouse):
    return_request = make_return()
    _walk(return_request, S.LABEL_READY, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.CLOSED)
    messages = _by_key(return_request)
    assert set(messages) == {
        "approved:customer-email",
        "approved:warehouse-webhook",
        "approved:warehouse-email",
        "label_ready:customer-email",
        "in_transit:warehouse-webhook",
        "in_transit:warehouse-email",
        # Still pending when the parcel was received: the received email replaces it (see test_customer_emails).
        "received:customer-email",
        "refunded:customer-email",
    }
    assert messages["received:customer-email"].topic == "parcel_received"
    refunded = messages["refunded:customer-email"]
    assert refunded.topic == "refund_released"
    assert (refunded.payload["refund_amount"], refunded.payload["refund_currency"]) == ("49.90", "EUR")


def test_a_return_under_review_is_announced_once_approved(make_return, notified_warehouse, policy):
    policy.auto_approve = False
    policy.save(update_fields=["auto_approve"])
    return_request = make_return()
    assert return_request.status == S.NEEDS_REVIEW
    assert set(_by_key(return_request)) == {"needs_review:customer-email"}  # nothing to the warehouse yet
    return_request_approve(return_request=return_request, actor=UserFactory(roles=["agent"]))
    assert set(_by_key(return_request)) == {
        "needs_review:customer-email",
        "approved:customer-email",
        "approved:warehouse-webhook",
        "approved:warehouse-email",
    }


def test_the_messages_roll_back_with_the_transition(make_return, notified_warehouse):
    return_request = make_return()
    seen_inside = []

    def fail_after_the_transition():
        with transaction.atomic():
            _walk(return_request, S.IN_TRANSIT)
            seen_inside.extend(_by_key(return_request))
            raise RuntimeError("the request failed after the transition")

    with pytest.raises(RuntimeError):
        fail_after_the_transition()
    assert "in_transit:warehouse-webhook" in seen_inside
    assert not any(key.startswith("in_transit") for key in _by_key(return_request))


def test_writing_the_same_transition_again_writes_nothing_more(make_return, notified_warehouse):
    return_request = make_return()
    first = return_messages_write(return_request=return_request, to_status=S.APPROVED)
    again = return_messages_write(return_request=return_request, to_status=S.APPROVED)
    assert [m.pk for m in again] == [m.pk for m in first]
    assert OutboxMessage.objects.count() == 3


def test_the_refund_email_tells_the_amount_actually_released(make_return):
    return_request = make_return()
    _walk(return_request, S.LABEL_READY, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED)
    Refund.objects.create(
        return_request=return_request,
        amount=Decimal("42.00"),
        currency="EUR",
        method="store_credit",
        idempotency_key=f"refund:{return_request.public_id}",
        released_at=timezone.now(),
    )
    _walk(return_request, S.REFUNDED)
    payload = _by_key(return_request)["refunded:customer-email"].payload
    assert (payload["refund_amount"], payload["refund_method"]) == ("42.00", "store_credit")
