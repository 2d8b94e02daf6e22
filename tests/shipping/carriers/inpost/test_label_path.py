"""The real label path (rma.shipping.services.label_generate) with a return's label made by InPost's fake ShipX.

An InPost carrier account points at the fake with its token and organization, and the return is dropped in a
locker the fake knows: the rules pick the account when the return is approved, and the label is made through it.
"""

import pytest

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.carriers.inpost import InPostCarrier
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_generate
from tests.locations.factories import DropOffPointFactory
from tests.shipping.carriers.inpost.conftest import DROP_LOCKER, settings_for

pytestmark = pytest.mark.django_db

SHIPMENTS = r"/v1/organizations/1234/shipments"


@pytest.fixture
def inpost_account(shipx):
    """An enabled InPost account on the fake, returns going to the warehouse's locker."""
    settings = settings_for(shipx, receiver_email="retours@example.fr")
    return CarrierAccount.objects.create(
        name="InPost returns",
        carrier=InPostCarrier.code,
        base_url=settings.base_url,
        credentials=dict(settings.credentials),
        options=dict(settings.options),
        timeout=settings.timeout,
        enabled=True,
    )


@pytest.fixture
def drop_locker(shipx):
    """The Paczkomat the customer drops the parcel in (the fake knows it)."""
    return DropOffPointFactory(carrier="inpost", carrier_point_id=DROP_LOCKER, kind="locker", name="Paczkomat KRA010")


@pytest.fixture
def inpost_return(make_return, inpost_account, drop_locker) -> ReturnRequest:
    """An approved return dropped in the locker; its label task waits for a commit that never comes in a test."""
    return make_return(point=drop_locker)


def _inpost_label(return_request: ReturnRequest, account: CarrierAccount) -> Label:
    label = Label.objects.get(return_request=return_request)
    assert label.status == LabelStatus.PENDING
    assert (label.carrier, label.account) == (InPostCarrier.code, account)  # picked by the rules
    return label


def test_a_return_gets_inposts_tracking_number_through_the_label_path(inpost_return, inpost_account, shipx):
    return_request = inpost_return
    label = _inpost_label(return_request, inpost_account)

    label = label_generate(label_id=label.pk)

    (shipment,) = shipx.shipments.values()
    assert shipment["reference"] == str(return_request.public_id)
    assert shipment["comments"] == return_request.rma_number
    order = return_request.order
    assert shipment["sender"]["address"]["post_code"] == order.postcode
    assert shipment["sender"]["address"]["country_code"] == order.country
    assert shipment["receiver"]["email"] == "retours@example.fr"
    assert shipment["custom_attributes"]["dropoff_point"] == DROP_LOCKER  # the locker the customer chose
    assert shipment["receiver"]["address"]["line1"] == return_request.destination_warehouse.address_line1
    label.refresh_from_db()
    assert label.status == LabelStatus.READY
    assert label.tracking_number == shipment["tracking_number"]
    assert label.carrier == "inpost"
    # InPost's own label files (the account's default formats, A6 PDF and ZPL) are the ones kept.
    with label.zpl.open("rb") as handle:
        zpl = handle.read()
    assert b"^FDInPost^FS" in zpl
    assert f"^FD{label.tracking_number}^FS".encode() in zpl
    with label.pdf.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    assert not label.pdf_4x6
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


def test_an_inpost_outage_is_retried_and_never_makes_a_second_shipment(inpost_return, inpost_account, shipx):
    label = _inpost_label(inpost_return, inpost_account)
    shipx.fail("POST", SHIPMENTS, 503, after=True)  # the shipment is made, the answer is lost

    with pytest.raises(CarrierUnavailable):
        label_generate(label_id=label.pk)
    label = label_generate(label_id=label.pk)  # what the retried task does

    assert len(shipx.calls("POST", SHIPMENTS)) == 1
    (shipment,) = shipx.shipments.values()
    label.refresh_from_db()
    assert (label.status, label.tracking_number) == (LabelStatus.READY, shipment["tracking_number"])
