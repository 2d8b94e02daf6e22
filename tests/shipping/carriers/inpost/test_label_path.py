"""The real label path (rma.shipping.services.label_generate) with a return's label made by InPost's fake ShipX."""

import pytest

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping import carriers
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.carriers.inpost import InPostCarrier
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_generate
from tests.shipping.carriers.inpost.conftest import settings_for

pytestmark = pytest.mark.django_db

SHIPMENTS = r"/v1/organizations/1234/shipments"


@pytest.fixture
def inpost_account(shipx, monkeypatch):
    """Carrier "inpost" bound to the fake (a stand-in for a carrier account's settings)."""
    settings = settings_for(shipx, receiver_email="retours@example.fr")
    monkeypatch.setitem(carriers._FACTORIES, InPostCarrier.code, lambda _settings: InPostCarrier(settings))


def _inpost_label(return_request: ReturnRequest) -> Label:
    label = Label.objects.get(return_request=return_request)
    assert label.status == LabelStatus.PENDING
    label.carrier = InPostCarrier.code
    label.save(update_fields=["carrier"])
    return label


def test_a_return_gets_inposts_tracking_number_through_the_label_path(make_return, inpost_account, shipx):
    return_request = make_return()  # approved; its label task waits for a commit that never comes in this test
    label = _inpost_label(return_request)

    label = label_generate(label_id=label.pk)

    (shipment,) = shipx.shipments.values()
    assert shipment["reference"] == str(return_request.public_id)
    assert shipment["comments"] == return_request.rma_number
    order = return_request.order
    assert shipment["sender"]["address"]["post_code"] == order.postcode
    assert shipment["sender"]["address"]["country_code"] == order.country
    assert shipment["receiver"]["email"] == "retours@example.fr"
    assert shipment["receiver"]["address"]["line1"] == return_request.destination_warehouse.address_line1
    label.refresh_from_db()
    assert label.status == LabelStatus.READY
    assert label.tracking_number == shipment["tracking_number"]
    assert label.carrier == "inpost"
    with label.zpl.open("rb") as handle:
        assert f"^FD{label.tracking_number}^FS".encode() in handle.read()
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


def test_an_inpost_outage_is_retried_and_never_makes_a_second_shipment(make_return, inpost_account, shipx):
    return_request = make_return()
    label = _inpost_label(return_request)
    shipx.fail("POST", SHIPMENTS, 503, after=True)  # the shipment is made, the answer is lost

    with pytest.raises(CarrierUnavailable):
        label_generate(label_id=label.pk)
    label = label_generate(label_id=label.pk)  # what the retried task does

    assert len(shipx.calls("POST", SHIPMENTS)) == 1
    (shipment,) = shipx.shipments.values()
    assert Label.objects.get(pk=label.pk).tracking_number == shipment["tracking_number"]
