"""The label path through a carrier account: its settings reach the adapter, the carrier's own files are kept, a
refusal the customer can fix is shown to them and corrected, an outage is retried without a second parcel, and a
void goes through the account."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_cancel
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.tasks import label_generate_task
from tests.conftest import client_for
from tests.locations.factories import DropOffPointFactory
from tests.shipping.labels import label_bytes

pytestmark = pytest.mark.django_db

# What a carrier's own label looks like to us: bytes we must store and serve unchanged.
CARRIER_PDF_10X15 = b"%PDF-1.4 carrier's own 10x15 label\n%%EOF\n"
CARRIER_ZPL = b"^XA^FO50,50^BCN,100^FDSI0000000001^FS^XZ"
ORDER_POSTCODE = "69003"  # the orders' postcode in tests.orders.factories
REFUSAL = "The carrier does not know the postcode 69003: please check it."
CORRECTED = {
    "sender-name": "Léa Martin",
    "sender-line1": "12 rue de Marseille",
    "sender-line2": "",
    "sender-postcode": "69007",
    "sender-city": "Lyon",
    "sender-country": "fr",
    "sender-phone": "+33 6 12 34 56 78",
}


@pytest.fixture
def point(db):
    return DropOffPointFactory(kind="relay_point", carrier="standin", carrier_point_id="SI-0042")


@pytest.fixture
def label_of(make_return, point, django_capture_on_commit_callbacks):
    """A return approved at the stand-in carrier's point; its label task ran after commit."""

    def make(**options) -> Label:
        with django_capture_on_commit_callbacks(execute=True):
            return_request = make_return(point=point, **options)
        return Label.objects.select_related("return_request", "account").get(return_request=return_request)

    return make


def _read(field_file) -> bytes:
    with default_storage.open(field_file.name, "rb") as handle:
        return handle.read()


def test_the_accounts_settings_and_the_returns_facts_reach_the_carrier(standin, make_account, label_of, monkeypatch):
    monkeypatch.setenv("RMA_TEST_STANDIN_API_KEY", "key-123")
    account = make_account(
        credentials={"api_key": "stale-stored-key", "login": "acme"},
        secrets_env_prefix="RMA_TEST_STANDIN",
        base_url="http://127.0.0.1:9/api",
        options={"product": "RETURN-24", "parcel_weight_grams": 2500},
        timeout=4.5,
        return_name="Retours Acme",
        return_line1="ZI des Mercières",
        return_postcode="60200",
        return_city="Compiègne",
        return_country="FR",
    )

    label = label_of(locale="en", unit_price="19.90", quantity=2)

    assert label.status == LabelStatus.READY
    [seen] = standin.settings_seen
    assert seen.account == account.name
    # The environment's variable wins over the stored value; the other stored credential stays.
    assert seen.credentials == {"api_key": "key-123", "login": "acme"}
    assert (seen.base_url, seen.timeout) == ("http://127.0.0.1:9/api", 4.5)
    assert seen.options == {"product": "RETURN-24", "parcel_weight_grams": 2500}
    [sent] = standin.requests
    return_request = label.return_request
    assert sent.reference == str(return_request.public_id)
    assert (sent.drop_off_method, sent.drop_off_point_id, sent.language) == ("relay_point", "SI-0042", "en")
    assert (sent.weight_grams, sent.value_cents, sent.currency) == (2500, 3980, "EUR")
    assert sent.sender.email == return_request.contact_email
    assert (sent.recipient.name, sent.recipient.postcode, sent.recipient.city) == (
        "Retours Acme",
        "60200",
        "Compiègne",
    )


def test_without_the_environments_key_the_stored_one_is_used_and_refused_for_good(
    standin, make_account, label_of, monkeypatch, eager_retries
):
    monkeypatch.delenv("RMA_TEST_STANDIN_API_KEY", raising=False)
    make_account(credentials={"api_key": "stale-stored-key"}, secrets_env_prefix="RMA_TEST_STANDIN")

    label = label_of()

    assert label.status == LabelStatus.FAILED
    assert "bad API key" in label.last_error
    assert label.customer_error == ""  # nothing the customer can do about it
    assert len(standin.settings_seen) == 1  # a permanent error is not retried


def test_the_carriers_own_files_are_kept_and_only_they_are_offered(
    standin, make_account, label_of, client, agent_user
):
    standin.documents = {"pdf_4x6": CARRIER_PDF_10X15, "zpl": CARRIER_ZPL}
    make_account()

    label = label_of()

    assert label.status == LabelStatus.READY
    assert _read(label.pdf_4x6) == CARRIER_PDF_10X15
    assert _read(label.zpl) == CARRIER_ZPL
    assert not label.pdf  # no A6 of ours with the carrier's number on it: its scanners would not know it
    public_id = label.return_request.public_id
    pdf_url = reverse("customer-label-pdf", kwargs={"public_id": public_id})
    assert label_bytes(client.get(pdf_url)) == CARRIER_PDF_10X15  # the link in the email: the carrier's PDF
    assert client.get(pdf_url, {"size": "a6"}).status_code == 404
    assert label_bytes(client.get(reverse("customer-label-zpl", kwargs={"public_id": public_id}))) == CARRIER_ZPL

    page = client.get(reverse("portal:tracking", kwargs={"public_id": public_id})).content.decode()
    assert pdf_url in page
    assert reverse("customer-label-zpl", kwargs={"public_id": public_id}) in page
    # Our QR code means nothing to the carrier's point: the page asks for the carrier's printed label instead.
    assert "QR code of your return" not in page
    assert "the carrier scans its barcode at the drop-off point" in page

    api = client_for(agent_user)
    links = api.get(f"/api/v1/returns/{public_id}/label/").json()["links"]
    assert links["pdf_a6"] is None
    assert links["pdf_4x6"].endswith("label.pdf?size=4x6")
    assert links["zpl"].endswith("label.zpl")
    assert api.get(f"/api/v1/returns/{public_id}/label.pdf", {"size": "a6"}).status_code == 404
    assert label_bytes(api.get(f"/api/v1/returns/{public_id}/label.pdf")) == CARRIER_PDF_10X15


def test_an_outage_after_the_booking_is_retried_without_a_second_parcel(
    standin, make_account, label_of, eager_retries
):
    standin.outages = ["after", "before"]  # booked but the answer lost; then the carrier is down; then it answers
    make_account()

    label = label_of()

    assert label.status == LabelStatus.READY
    assert label.attempts == 3
    assert len(standin.requests) == 3
    assert {request.reference for request in standin.requests} == {str(label.return_request.public_id)}
    assert list(standin.bookings.values()) == [label.tracking_number]  # one parcel at the carrier


def test_a_refusal_the_customer_can_fix_fails_at_once_and_is_shown_to_them(
    standin, make_account, label_of, eager_retries, client, agent_user
):
    standin.unknown_postcodes = {ORDER_POSTCODE}
    make_account()

    label = label_of()

    assert label.status == LabelStatus.FAILED
    assert label.attempts == 1
    assert len(standin.requests) == 1
    assert label.error_code == "postcode_unknown"
    assert label.customer_error == REFUSAL
    assert "E-204" in label.last_error
    return_request = ReturnRequest.objects.get(pk=label.return_request_id)
    assert return_request.status == ReturnStatus.APPROVED

    page = client.get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id})).content.decode()
    assert REFUSAL in page
    assert reverse("portal:label_address", kwargs={"public_id": return_request.public_id}) in page
    # Customer service sees it too.
    client.force_login(agent_user)
    agents_page = client.get(f"/agents/returns/{return_request.public_id}/").content.decode()
    assert REFUSAL in agents_page
    assert "postcode_unknown" in agents_page


def test_the_corrected_address_is_sent_with_the_same_reference_and_makes_the_label(
    standin, make_account, label_of, eager_retries, client, django_capture_on_commit_callbacks
):
    standin.unknown_postcodes = {ORDER_POSTCODE}
    make_account()
    label = label_of()
    url = reverse("portal:label_address", kwargs={"public_id": label.return_request.public_id})

    bad = client.post(url, {**CORRECTED, "sender-postcode": "6900"})
    assert bad.status_code == 400
    assert "A French postcode has five digits" in bad.content.decode()
    label.refresh_from_db()
    assert (label.status, label.sender_address) == (LabelStatus.FAILED, {})  # nothing half-written

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, CORRECTED)

    assert response.status_code == 302
    label.refresh_from_db()
    assert label.status == LabelStatus.READY
    assert (label.customer_error, label.error_code) == ("", "")
    assert label.sender_address["postcode"] == "69007"
    first, second = standin.requests
    assert first.reference == second.reference
    assert (second.sender.postcode, second.sender.line1, second.sender.phone) == (
        "69007",
        "12 rue de Marseille",
        "+33 6 12 34 56 78",
    )
    assert list(standin.bookings.values()) == [label.tracking_number]
    assert ReturnRequest.objects.get(pk=label.return_request_id).status == ReturnStatus.LABEL_READY
    # Once made, the form is gone: the address page sends back to the tracking page.
    assert client.post(url, CORRECTED).status_code == 302
    assert len(standin.requests) == 2


def test_voiding_cancels_at_the_carrier_with_the_accounts_credentials(
    standin, make_account, label_of, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("RMA_TEST_STANDIN_API_KEY", "key-123")
    make_account(credentials={}, secrets_env_prefix="RMA_TEST_STANDIN")
    label = label_of()
    assert label.status == LabelStatus.READY

    with django_capture_on_commit_callbacks(execute=True):
        return_request_cancel(return_request=label.return_request, note="changed my mind")

    label.refresh_from_db()
    assert label.status == LabelStatus.VOIDED
    assert label.carrier_voided_at is not None
    assert standin.voided == [label.tracking_number]
    assert standin.settings_seen[-1].credentials == {"api_key": "key-123"}


def test_a_label_made_before_its_account_was_disabled_is_still_voided_through_it(
    standin, make_account, label_of, django_capture_on_commit_callbacks
):
    account = make_account()
    label = label_of()
    account.enabled = False
    account.save()

    with django_capture_on_commit_callbacks(execute=True):
        return_request_cancel(return_request=label.return_request)

    assert standin.voided == [label.tracking_number]


def test_the_task_retries_the_same_label_after_a_lost_answer(standin, make_account, label_of, eager_retries):
    """The task, run again by the sweeper after a worker died mid-way, books nothing new."""
    make_account()
    label = label_of()

    label_generate_task.delay(label.pk)

    assert len(standin.bookings) == 1
