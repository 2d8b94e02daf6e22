"""ShipX's webhooks ("Webhooks" page): unsigned status changes, so the account's token must come with them."""

import base64
import json
from datetime import datetime

import pytest

from rma.shipping.carriers import CarrierError, TrackingStatus, TrackingWebhooks
from rma.shipping.carriers.inpost import InPostCarrier
from tests.shipping.carriers.inpost.conftest import WEBHOOK_TOKEN, label_request, settings_for
from tests.shipping.carriers.inpost.fake import PAYLOADS


def basic(password: str, user: str = "inpost") -> dict[str, str]:
    """The header an HTTP client sends for https://inpost:<password>@host/... (the URL registered at InPost)."""
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def documented(name: str, **payload: object) -> bytes:
    body = json.loads((PAYLOADS / name).read_text())
    body["organization_id"] = 1234
    body["payload"].update(payload)
    return json.dumps(body).encode()


def test_the_adapter_implements_tracking_webhooks(inpost):
    assert isinstance(inpost, TrackingWebhooks)


def test_the_documented_status_change_reads_as_a_delivered_event(shipx, inpost):
    (update,) = inpost.webhook_read(headers=basic(WEBHOOK_TOKEN), body=documented("webhook-status-changed.json"))

    assert update.tracking_number == "602677439331630337653846"
    (event,) = update.events
    assert event.code == "delivered"
    assert event.status == TrackingStatus.DELIVERED
    assert event.description == "Delivered."
    assert event.at == datetime.fromisoformat("2020-03-20T15:08:42+01:00")


def test_the_documented_confirmation_reads_as_the_label_created(shipx, inpost):
    (update,) = inpost.webhook_read(headers=basic(WEBHOOK_TOKEN), body=documented("webhook-shipment-confirmed.json"))

    assert update.events[0].status == TrackingStatus.ANNOUNCED


def test_a_status_change_without_a_tracking_number_asks_shipx_for_the_shipment(shipx, inpost):
    label = inpost.create_label(request=label_request())
    body = documented("webhook-status-changed-1.23.json", shipment_id=int(label.carrier_reference))

    (update,) = inpost.webhook_read(headers={"authorization": f"Bearer {WEBHOOK_TOKEN}"}, body=body)

    assert update.tracking_number == label.tracking_number


def test_the_fakes_own_deliveries_read_back(shipx, inpost):
    label = inpost.create_label(request=label_request())
    body = shipx.advance(int(label.carrier_reference), "dispatched_by_sender", "2026-12-03T09:12:00.000+01:00")

    (update,) = inpost.webhook_read(headers=basic(WEBHOOK_TOKEN), body=body)

    assert update.tracking_number == label.tracking_number
    assert update.events[0].status == TrackingStatus.HANDED_OVER
    assert update.events[0].at == datetime.fromisoformat("2026-12-03T09:12:00+01:00")


@pytest.mark.parametrize(
    "headers",
    [{}, basic("guess"), {"Authorization": "Bearer guess"}, {"Authorization": "Basic !!!"}],
    ids=["none", "wrong-basic", "wrong-bearer", "garbage"],
)
def test_a_delivery_without_the_token_is_refused(shipx, inpost, headers):
    with pytest.raises(CarrierError, match="token"):
        inpost.webhook_read(headers=headers, body=documented("webhook-status-changed.json"))


def test_an_account_without_a_webhook_token_refuses_every_delivery(shipx):
    settings = settings_for(shipx)
    carrier = InPostCarrier(
        type(settings)(credentials={"token": shipx.token, "organization_id": "1234"}, base_url=shipx.url)
    )

    with pytest.raises(CarrierError, match="no webhook_token"):
        carrier.webhook_read(headers=basic(""), body=documented("webhook-status-changed.json"))


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"event": "offers_prepared", "organization_id": 1234, "payload": {"shipment_id": 1}}).encode(),
        json.dumps(
            {
                "event_ts": "2020-03-20 15:08:42 +0100",
                "event": "shipment_status_changed",
                "organization_id": 99,
                "payload": {"shipment_id": 49, "status": "delivered", "tracking_number": "602677439331630337653846"},
            }
        ).encode(),
    ],
    ids=["not-json", "not-an-event", "offers", "other-organization"],
)
def test_deliveries_without_a_tracking_event_for_us_read_as_nothing(shipx, inpost, body):
    assert inpost.webhook_read(headers=basic(WEBHOOK_TOKEN), body=body) == []
