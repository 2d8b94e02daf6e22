"""The real label path (rma.shipping.services.label_generate) with a Mondial Relay label from the fake: the return's
label keeps Mondial Relay's expedition number and the return is label_ready."""

import pytest
from django.core.files.storage import default_storage

from rma.returns.choices import ReturnStatus
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_generate

pytestmark = pytest.mark.django_db


def _pending_mondial_relay_label(make_return) -> Label:
    """An approved return whose label waits for its task (never run in a test's transaction), by Mondial Relay."""
    return_request = make_return()
    order = return_request.order
    order.customer_phone = "06 12 34 56 78"
    order.save(update_fields=["customer_phone"])
    label = Label.objects.get(return_request=return_request)
    assert label.status == LabelStatus.PENDING
    label.carrier = "mondial_relay"
    label.save(update_fields=["carrier"])
    return label


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_a_mondial_relay_label_is_generated_with_its_expedition_number(mondial_relay_registered, make_return):
    fake = mondial_relay_registered
    label = label_generate(label_id=_pending_mondial_relay_label(make_return).pk)

    label.refresh_from_db()
    assert label.status == LabelStatus.READY
    assert label.tracking_number == fake.number(1)
    assert label.return_request.status == ReturnStatus.LABEL_READY
    # Booked once, for this return: its number in NDossier, the customer as sender, the warehouse as recipient.
    (booking,) = fake.calls_of("WSI2_CreationEtiquette")
    return_request = label.return_request
    assert booking.params["NDossier"] == return_request.rma_number
    assert (booking.params["Expe_CP"], booking.params["Expe_Ville"], booking.params["Expe_Tel1"]) == (
        "69003",
        "LYON",
        "+33612345678",
    )
    warehouse = return_request.destination_warehouse
    assert (booking.params["Dest_CP"], booking.params["Dest_Ville"]) == (warehouse.postcode, warehouse.city.upper())
    # The stored files carry Mondial Relay's number.
    assert label.pdf.name
    assert label.zpl.name
    assert f"^FD{fake.number(1)}^FS" in _read(label.zpl.name).decode()


def test_generating_again_books_nothing_more(mondial_relay_registered, make_return):
    fake = mondial_relay_registered
    label = _pending_mondial_relay_label(make_return)
    label_generate(label_id=label.pk)
    label_generate(label_id=label.pk)
    assert len(fake.calls_of("WSI2_CreationEtiquette")) == 1


def test_an_outage_leaves_the_label_pending_for_a_retry_that_books_once(mondial_relay_registered, make_return):
    fake = mondial_relay_registered
    label = _pending_mondial_relay_label(make_return)
    fake.fail("WSI2_CreationEtiquette", status=503)
    with pytest.raises(CarrierUnavailable):
        label_generate(label_id=label.pk)
    label.refresh_from_db()
    assert label.status == LabelStatus.PENDING
    assert not label.tracking_number

    label_generate(label_id=label.pk)
    label.refresh_from_db()
    assert (label.status, label.tracking_number) == (LabelStatus.READY, fake.number(1))
    assert list(fake.expeditions) == [fake.number(1)]
