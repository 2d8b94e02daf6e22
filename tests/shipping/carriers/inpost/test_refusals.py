"""ShipX's refusals as recorded against its sandbox (payloads/README.md): who has to act on each."""

import json

import pytest

from rma.shipping.carriers import CarrierError, CarrierInputError, CarrierUnavailable
from tests.shipping.carriers.inpost.conftest import label_request
from tests.shipping.carriers.inpost.fake import PAYLOADS

SHIPMENTS = r"/v1/organizations/1234/shipments"


def observed(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ("observed-validation-target-point.json", "target_point"),
        ("observed-missing-trucker-id.json", "missing_trucker_id"),
    ],
)
def test_refusals_about_our_account_are_ours_to_fix(shipx, inpost, payload, says):
    shipx.fail("POST", SHIPMENTS, 400, body=observed(payload))

    with pytest.raises(CarrierError, match=says) as refused:
        inpost.create_label(request=label_request())

    assert not isinstance(refused.value, CarrierInputError | CarrierUnavailable)
    assert shipx.shipments == {}


def test_a_label_asked_for_too_early_is_asked_for_again(shipx, inpost):
    shipx.fail("GET", r"/v1/shipments/\d+/label", 400, body=observed("observed-label-too-early.json"))

    with pytest.raises(CarrierUnavailable):
        inpost.create_label(request=label_request())
    assert inpost.create_label(request=label_request()).documents["pdf"].startswith(b"%PDF")


def test_the_fake_refuses_an_unknown_locker_in_the_observed_shape(shipx):
    from rma.shipping.carriers.inpost import InPostCarrier
    from tests.shipping.carriers.inpost.conftest import settings_for

    with pytest.raises(CarrierError, match="target_point"):
        InPostCarrier(settings_for(shipx, target_point="XXX000X")).create_label(request=label_request())

    answer = shipx.calls("POST", SHIPMENTS)[0]
    assert answer.body["custom_attributes"]["target_point"] == "XXX000X"
    expected = observed("observed-validation-target-point.json")["details"]["custom_attributes"]
    status, body = shipx.route("POST", SHIPMENTS, {}, {"authorization": f"Bearer {shipx.token}"}, answer.body)
    assert status == 400
    assert body["details"]["custom_attributes"] == expected
