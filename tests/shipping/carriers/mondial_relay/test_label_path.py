"""The real label path (rma.shipping.services.label_generate) with a Mondial Relay label from the fake: the return,
dropped at a Point Relais the fake knows, goes with the Mondial Relay account the rules pick; its label keeps
Mondial Relay's expedition number and Mondial Relay's own PDFs, and the return is label_ready."""

import pytest
from django.core.files.storage import default_storage

from rma.returns.choices import ReturnStatus
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_label(mondial_relay_account, lyon_relay, make_return) -> Label:
    """An approved return dropped at the Lyon Point Relais, whose label waits for its task (never run in a test's
    transaction) and goes with the Mondial Relay account."""
    return_request = make_return(point=lyon_relay, order__customer_phone="06 12 34 56 78")
    label = Label.objects.get(return_request=return_request)
    assert label.status == LabelStatus.PENDING
    assert (label.carrier, label.account) == (MondialRelayCarrier.code, mondial_relay_account)
    return label


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_a_mondial_relay_label_is_generated_with_its_expedition_number(mondial_relay, pending_label):
    fake = mondial_relay
    label = label_generate(label_id=pending_label.pk)

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
    # Collected at the Point Relais the customer chose.
    assert (booking.params["ModeCol"], booking.params["COL_Rel_Pays"], booking.params["COL_Rel"]) == (
        "REL",
        "FR",
        "066974",
    )
    # Mondial Relay's own PDFs (A4 and 10x15, the account's default sizes) are stored; it prints no ZPL, so none
    # is offered.
    title = f"Mondial Relay {fake.number(1)}".encode()
    assert title in _read(label.pdf.name)
    assert title in _read(label.pdf_4x6.name)
    assert label.zpl.name == ""


def test_generating_again_books_nothing_more(mondial_relay, pending_label):
    fake = mondial_relay
    label = pending_label
    label_generate(label_id=label.pk)
    label_generate(label_id=label.pk)
    assert len(fake.calls_of("WSI2_CreationEtiquette")) == 1


def test_an_outage_leaves_the_label_pending_for_a_retry_that_books_once(mondial_relay, pending_label):
    fake = mondial_relay
    label = pending_label
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
