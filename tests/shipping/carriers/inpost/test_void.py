"""Voiding an InPost label: ShipX cancels a shipment only before it is confirmed ("Shipment cancellation")."""

import pytest

from rma.shipping.carriers import CarrierError
from tests.shipping.carriers.inpost.conftest import label_request

DELETES = r"/v1/shipments/\d+"


def test_a_confirmed_unused_label_is_a_documented_no_op(shipx, inpost):
    label = inpost.create_label(request=label_request())

    inpost.void_label(tracking_number=label.tracking_number)

    assert shipx.calls("DELETE", DELETES) == []
    assert shipx.shipments[int(label.carrier_reference)]["status"] == "confirmed"


def test_a_shipment_shipx_has_not_confirmed_yet_is_cancelled(shipx, inpost):
    label = inpost.create_label(request=label_request())
    shipment = shipx.shipments[int(label.carrier_reference)]
    shipment["status"] = "offers_prepared"  # e.g. a debit account's shipment waiting for its offer

    inpost.void_label(tracking_number=label.tracking_number)

    (delete,) = shipx.calls("DELETE", DELETES)
    assert delete.path == f"/v1/shipments/{shipment['id']}"
    assert delete.headers["authorization"] == f"Bearer {shipx.token}"
    assert shipment["status"] == "canceled"


def test_voiding_twice_is_harmless(shipx, inpost):
    label = inpost.create_label(request=label_request())
    shipx.shipments[int(label.carrier_reference)]["status"] = "created"

    inpost.void_label(tracking_number=label.tracking_number)
    inpost.void_label(tracking_number=label.tracking_number)

    assert len(shipx.calls("DELETE", DELETES)) == 1


def test_a_parcel_already_in_a_locker_cannot_be_voided(shipx, inpost):
    label = inpost.create_label(request=label_request())
    shipx.advance(int(label.carrier_reference), "dispatched_by_sender", "2026-12-03T09:12:00.000+01:00")

    with pytest.raises(CarrierError, match="dispatched_by_sender"):
        inpost.void_label(tracking_number=label.tracking_number)
    assert shipx.calls("DELETE", DELETES) == []


def test_a_shipment_shipx_no_longer_lists_has_nothing_left_to_cancel(shipx, inpost):
    inpost.void_label(tracking_number="602677439331630337699999")

    assert shipx.calls("DELETE", DELETES) == []


def test_a_cancellation_shipx_refuses_is_an_error(shipx, inpost):
    label = inpost.create_label(request=label_request())
    shipx.shipments[int(label.carrier_reference)]["status"] = "created"
    shipx.fail(
        "DELETE",
        DELETES,
        400,
        body={
            "status": 400,
            "error": "invalid_action",
            "message": "shipment_status_incorrect",
            "details": {"action": "cancel", "shipment_status": "offer_selected"},
        },
    )

    with pytest.raises(CarrierError, match="invalid_action"):
        inpost.void_label(tracking_number=label.tracking_number)
