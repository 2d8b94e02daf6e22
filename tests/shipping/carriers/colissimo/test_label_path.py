"""The real label path (rma.shipping.services.label_generate) with a Colissimo label made by the fake.

A Colissimo carrier account points at the fake with its credentials, and the return is dropped at a post office
the fake lists: the rules pick the account when the return is approved, and the label is made through it. The
return, its approval and its label row come from the real services.
"""

import pytest
from django.core.files.storage import default_storage

from rma.returns.choices import ReturnStatus
from rma.returns.services import return_request_cancel
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.carriers.colissimo import ColissimoCarrier
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_generate
from tests.locations.factories import DropOffPointFactory
from tests.shipping.carriers.colissimo.conftest import colissimo_settings
from tests.shipping.carriers.colissimo.fake import SLS

pytestmark = pytest.mark.django_db

GENERATE = f"{SLS}generateLabel"


@pytest.fixture
def colissimo_account(colissimo):
    """An enabled Colissimo account on the fake, with the credentials the fake accepts."""
    settings = colissimo_settings(colissimo)
    return CarrierAccount.objects.create(
        name="Colissimo retours",
        carrier=ColissimoCarrier.code,
        base_url=settings.base_url,
        credentials=dict(settings.credentials),
        timeout=settings.timeout,
        enabled=True,
    )


@pytest.fixture
def post_office(colissimo):
    """A post office of La Poste's network that the fake lists, where the customer drops the parcel."""
    colissimo.add_point("691230", nom="VILLEURBANNE GRATTE CIEL BP")
    return DropOffPointFactory(
        carrier="la_poste", carrier_point_id="691230", kind="post_office", name="Villeurbanne Gratte Ciel BP"
    )


@pytest.fixture
def colissimo_label(make_return, colissimo_account, post_office):
    """An approved return dropped at a post office: its label (not generated yet: its task waits for the commit)
    goes with the Colissimo account the rules picked."""
    return_request = make_return(point=post_office)
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.APPROVED
    label = Label.objects.get(return_request=return_request)
    assert label.status == LabelStatus.PENDING
    assert (label.carrier, label.account) == (ColissimoCarrier.code, colissimo_account)
    return label


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_the_label_carries_colissimos_parcel_number_and_the_return_is_label_ready(colissimo_label, colissimo):
    label = label_generate(label_id=colissimo_label.pk)

    (number,) = colissimo.labels
    assert label.status == LabelStatus.READY
    assert label.tracking_number == number
    assert label.return_request.status == ReturnStatus.LABEL_READY
    # Colissimo's own 10x15 cm label (the account's default format) is kept, and only it: the other formats are
    # left empty, so that no download offers a label Colissimo's scanners would not know.
    colissimo_pdf = _read(label.pdf_4x6.name)
    assert colissimo_pdf.startswith(b"%PDF")
    assert f"Colissimo {number}".encode() in colissimo_pdf  # the fake's title: Colissimo's file, not one of ours
    assert (label.pdf.name, label.zpl.name) == ("", "")

    (hit,) = colissimo.calls(GENERATE)
    order = label.return_request.order
    warehouse = label.return_request.destination_warehouse
    letter = hit.body["letter"]
    assert letter["service"]["orderNumber"] == label.return_request.rma_number
    assert letter["sender"]["address"]["zipCode"] == order.postcode
    assert letter["sender"]["address"]["line2"] == order.address_line1
    assert letter["addressee"]["address"]["companyName"] == warehouse.name
    assert letter["addressee"]["address"]["zipCode"] == warehouse.postcode

    # Generating again (a second delivery of the task) asks Colissimo nothing and keeps the number.
    assert label_generate(label_id=colissimo_label.pk).tracking_number == number
    assert len(colissimo.calls(GENERATE)) == 1


def test_a_lost_answer_is_retried_and_only_the_answered_parcel_is_kept(colissimo_label, colissimo):
    colissimo.fail(GENERATE, 504, after=True)  # Colissimo made the label, the answer never came back

    with pytest.raises(CarrierUnavailable):
        label_generate(label_id=colissimo_label.pk)
    (lost,) = colissimo.labels
    colissimo_label.refresh_from_db()
    assert colissimo_label.tracking_number in ("", None)

    label = label_generate(label_id=colissimo_label.pk)

    assert set(colissimo.labels) == {lost, label.tracking_number}
    assert label.tracking_number != lost
    assert label.status == LabelStatus.READY
    assert Label.objects.filter(return_request=colissimo_label.return_request).count() == 1
    assert not Label.objects.filter(tracking_number=lost).exists()  # never printed, handed over, billed or tracked


def test_a_cancelled_return_voids_its_colissimo_label_without_asking_colissimo(
    colissimo_label, colissimo, django_capture_on_commit_callbacks
):
    label = label_generate(label_id=colissimo_label.pk)

    with django_capture_on_commit_callbacks(execute=True):
        return_request_cancel(return_request=label.return_request, note="changed my mind")

    label.refresh_from_db()
    assert label.status == LabelStatus.VOIDED
    assert label.carrier_voided_at is not None  # the void at the carrier ran, and succeeded
    assert [hit.path for hit in colissimo.hits] == [GENERATE]  # without a call: Colissimo has no cancel


def test_an_address_colissimo_refuses_makes_no_label(colissimo_label, colissimo):
    order = colissimo_label.return_request.order
    order.postcode = "6900"
    order.save(update_fields=["postcode"])

    label_generate(label_id=colissimo_label.pk)  # a refusal fails the label at once: no retry would help

    colissimo_label.refresh_from_db()
    assert colissimo_label.status == LabelStatus.FAILED
    assert colissimo_label.customer_error  # Colissimo's refusal, in words the customer can act on
    assert colissimo_label.tracking_number in ("", None)
    assert colissimo.labels == {}
    assert colissimo.calls(GENERATE)[0].body["letter"]["sender"]["address"]["zipCode"] == "6900"
