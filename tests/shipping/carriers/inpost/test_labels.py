"""Return labels from ShipX: the shipment we send, its confirmation, its files, its refusals, and no second label."""

from dataclasses import replace

import pytest

from rma.shipping.carriers import CarrierError, CarrierInputError, CarrierUnavailable
from rma.shipping.carriers.inpost import InPostCarrier
from tests.shipping.carriers.inpost.conftest import DROP_LOCKER, WAREHOUSE_LOCKER, label_request, settings_for
from tests.shipping.carriers.inpost.fake import TRACKING_BASE

SHIPMENTS = r"/v1/organizations/1234/shipments"


def test_a_return_becomes_a_shipment_from_the_customers_locker_to_the_warehouse(shipx, inpost):
    label = inpost.create_label(request=label_request())

    (created,) = shipx.calls("POST", SHIPMENTS)
    assert created.headers["authorization"] == f"Bearer {shipx.token}"
    assert created.headers["accept-language"] == "keys"
    sent = created.body
    assert sent["service"] == "inpost_locker_standard"
    assert sent["reference"] == "5c1e3a52-1b7e-4c51-9a57-0d3f1c2b9e01"
    assert sent["custom_attributes"] == {
        "target_point": WAREHOUSE_LOCKER,
        "sending_method": "parcel_locker",
        "dropoff_point": DROP_LOCKER,
    }
    assert sent["sender"]["first_name"] == "Anna"
    assert sent["sender"]["last_name"] == "Kowalska"
    assert sent["sender"]["phone"] == "+48600700800"
    assert sent["sender"]["address"] == {
        "street": "Kapelanka",
        "building_number": "12",
        "line2": "",
        "city": "Kraków",
        "post_code": "30-347",
        "country_code": "PL",
    }
    assert sent["receiver"]["address"]["city"] == "Warszawa"
    assert sent["parcels"] == [{"template": "small"}]

    (shipment,) = shipx.shipments.values()
    assert label.tracking_number == str(TRACKING_BASE + shipment["id"]) == shipment["tracking_number"]
    assert len(label.tracking_number) == 24
    assert label.carrier == "inpost"
    assert label.carrier_reference == str(shipment["id"])


def test_the_label_files_are_inposts_own_pdf_a6_and_zpl(shipx, inpost):
    label = inpost.create_label(request=label_request())

    assert set(label.documents) == {"pdf", "zpl"}
    assert label.documents["pdf"].startswith(b"%PDF")
    assert label.documents["zpl"].startswith(b"^XA")
    assert f"^FD{label.tracking_number}^FS".encode() in label.documents["zpl"]
    asked = {(hit.query["format"], hit.query.get("type")) for hit in shipx.calls("GET", r"/v1/shipments/\d+/label")}
    assert asked == {("Pdf", "A6"), ("Zpl", None)}  # no `type`: ShipX's normal label
    assert label.extra["customer_delivering_code"]


def test_only_the_formats_the_account_asks_for_are_fetched(shipx):
    label = InPostCarrier(settings_for(shipx, label_formats=["pdf"])).create_label(request=label_request())

    assert set(label.documents) == {"pdf"}
    assert len(shipx.calls("GET", r"/v1/shipments/\d+/label")) == 1


def test_the_adapter_waits_for_shipx_to_confirm_the_shipment(shipx, inpost):
    shipx.confirm_after = 3

    label = inpost.create_label(request=label_request())

    assert len(shipx.calls("GET", r"/v1/shipments/\d+")) == 3
    assert label.tracking_number


def test_a_shipment_not_confirmed_in_time_is_retried_later_without_a_second_shipment(shipx, inpost):
    shipx.confirm_after = 10  # more reads than the account's confirm_attempts (3)

    with pytest.raises(CarrierUnavailable, match="still 'created'"):
        inpost.create_label(request=label_request())
    shipx.confirm_after = 1
    label = inpost.create_label(request=label_request())

    assert len(shipx.calls("POST", SHIPMENTS)) == 1
    assert len(shipx.shipments) == 1
    assert label.tracking_number == next(iter(shipx.shipments.values()))["tracking_number"]


def test_a_lost_answer_to_the_creation_never_makes_two_labels(shipx, inpost):
    # ShipX made the shipment, but its answer never came back (a 502 from a proxy after the work was done).
    shipx.fail("POST", SHIPMENTS, 502, after=True)

    with pytest.raises(CarrierUnavailable):
        inpost.create_label(request=label_request())
    label = inpost.create_label(request=label_request())

    assert len(shipx.calls("POST", SHIPMENTS)) == 1
    assert len(shipx.shipments) == 1
    search = shipx.calls("GET", SHIPMENTS)[-1]
    assert search.query["reference"] == "5c1e3a52-1b7e-4c51-9a57-0d3f1c2b9e01"
    assert label.tracking_number == next(iter(shipx.shipments.values()))["tracking_number"]


def test_a_timeout_is_an_outage_and_the_retry_finds_the_shipment(shipx, inpost_settings):
    shipx.fail("POST", SHIPMENTS, 200, after=True, delay=1.5)
    slow_to_answer = InPostCarrier(replace(inpost_settings, timeout=0.5))

    with pytest.raises(CarrierUnavailable, match="no answer"):
        slow_to_answer.create_label(request=label_request())
    label = InPostCarrier(inpost_settings).create_label(request=label_request())

    assert len(shipx.shipments) == 1
    assert label.carrier_reference == str(next(iter(shipx.shipments)))


@pytest.mark.parametrize("status", [500, 503, 429])
def test_shipx_down_is_an_outage(shipx, inpost, status):
    shipx.fail("POST", SHIPMENTS, status)

    with pytest.raises(CarrierUnavailable):
        inpost.create_label(request=label_request())
    assert shipx.shipments == {}


def test_a_shipment_not_listed_yet_is_found_on_the_second_look(shipx):
    # ShipX's listing lags behind a creation; the answer to the creation was lost.
    shipx.listing_lag = 0.6
    shipx.fail("POST", SHIPMENTS, 502, after=True)
    carrier = InPostCarrier(settings_for(shipx, search_recheck_seconds=1.0))

    with pytest.raises(CarrierUnavailable):
        carrier.create_label(request=label_request())
    label = carrier.create_label(request=label_request())  # at once, inside the lag

    assert len(shipx.calls("POST", SHIPMENTS)) == 1
    assert len(shipx.shipments) == 1
    assert label.tracking_number


def test_the_search_for_an_earlier_shipment_reads_every_page(shipx, inpost):
    shipx.fail("POST", SHIPMENTS, 502, after=True)
    with pytest.raises(CarrierUnavailable):
        inpost.create_label(request=label_request())
    sent = shipx.calls("POST", SHIPMENTS)[0].body
    for n in range(130):  # the organization kept shipping meanwhile
        assert shipx._create({**sent, "reference": f"other-{n}"})[0] == 201

    label = inpost.create_label(request=label_request())

    assert len(shipx.shipments) == 131
    assert label.carrier_reference == str(min(shipx.shipments))
    pages = [hit.query["page"] for hit in shipx.calls("GET", SHIPMENTS)[-2:]]
    assert pages == ["1", "2"]


def test_a_label_not_ready_yet_is_asked_for_again_later(shipx, inpost):
    shipx.fail(
        "GET",
        r"/v1/shipments/\d+/label",
        400,
        body={
            "status": 400,
            "error": "invalid_action",
            "message": "shipment_status_incorrect",
            "details": {"action": "get_label", "shipment_status": "offer_selected"},
        },
    )

    with pytest.raises(CarrierUnavailable, match="not ready"):
        inpost.create_label(request=label_request())
    label = inpost.create_label(request=label_request())

    assert label.documents["pdf"].startswith(b"%PDF")
    assert len(shipx.shipments) == 1


def test_a_page_that_is_not_a_pdf_is_not_taken_for_the_label(shipx, inpost):
    shipx.fail("GET", r"/v1/shipments/\d+/label", 200, body=("text/html", b"<html>Just a moment...</html>"))

    with pytest.raises(CarrierUnavailable, match="not a label"):
        inpost.create_label(request=label_request())


def test_a_failed_payment_is_waited_for_and_named(shipx, inpost):
    original = shipx._confirm

    def unpaid(shipment):
        original(shipment)
        shipment.update(status="offer_selected", tracking_number=None)
        shipment["transactions"] = [
            {"status": "failure", "details": {"status": 422, "error": "debt_collection", "message": "debt_collection"}}
        ]

    shipx._confirm = unpaid

    with pytest.raises(CarrierUnavailable, match="'offer_selected'.*debt_collection"):
        inpost.create_label(request=label_request())


def test_another_customers_shipment_with_an_other_reference_is_not_reused(shipx, inpost):
    first = inpost.create_label(request=label_request())
    second = inpost.create_label(request=label_request(reference="0d6a9d55-2c44-4d0e-8f0e-8a7fd2b0e6c4"))

    assert first.tracking_number != second.tracking_number
    assert len(shipx.shipments) == 2


def test_a_cancelled_shipment_is_not_reused_for_the_same_return(shipx, inpost):
    shipx.confirm_after = 10
    with pytest.raises(CarrierUnavailable):
        inpost.create_label(request=label_request())
    (stale,) = shipx.shipments.values()
    stale["status"] = "canceled"
    shipx.confirm_after = 1

    label = inpost.create_label(request=label_request())

    assert len(shipx.shipments) == 2
    assert label.carrier_reference != str(stale["id"])


def test_a_service_the_contract_does_not_cover_is_not_waited_for(shipx, inpost):
    original = shipx._confirm

    def offers_only(shipment):
        original(shipment)
        shipment["status"] = "offers_prepared"
        shipment["offers"] = [
            {
                "id": 481,
                "status": "unavailable",
                "unavailability_reasons": [{"key": "service_unavailable"}],
                "service": {"id": "inpost_locker_standard"},
            }
        ]

    shipx._confirm = offers_only

    with pytest.raises(CarrierError, match="no offer is available") as refused:
        inpost.create_label(request=label_request())
    assert not isinstance(refused.value, CarrierUnavailable)


# ---- refusals


@pytest.mark.parametrize(
    ("sender", "code"),
    [
        ({"phone": "12"}, "phone_invalid"),
        ({"email": "anna.example.com"}, "email_invalid"),
        ({"postcode": "3O-347"}, "postcode_unknown"),
        ({"city": ""}, "address_invalid"),
    ],
)
def test_what_the_customer_typed_and_shipx_refused_is_said_to_the_customer(shipx, inpost, sender, code):
    request = label_request()
    request = replace(request, sender=replace(request.sender, **sender))

    with pytest.raises(CarrierInputError) as refused:
        inpost.create_label(request=request)

    assert refused.value.code == code
    assert refused.value.customer_message
    assert refused.value.carrier_code.startswith("sender.")
    assert shipx.shipments == {}


def test_a_customer_without_phone_or_email_is_sent_without_them(shipx, inpost):
    request = label_request()
    request = replace(request, sender=replace(request.sender, phone="", email=""))

    label = inpost.create_label(request=request)

    sender = shipx.calls("POST", SHIPMENTS)[0].body["sender"]
    assert "phone" not in sender
    assert "email" not in sender
    assert label.tracking_number


def test_a_postcode_shipx_does_not_know_is_the_customers_to_fix(shipx, inpost):
    shipx.unknown_postcodes.add("30-347")

    with pytest.raises(CarrierInputError) as refused:
        inpost.create_label(request=label_request())

    assert refused.value.code == "postcode_unknown"
    assert refused.value.carrier_code == "sender.address.post_code:invalid"


@pytest.mark.parametrize(
    ("point", "key"),
    [("NOPE01", "does_not_exist"), ("OUT01", "invalid_box_machine_function")],
)
def test_a_locker_that_cannot_take_the_parcel_asks_the_customer_for_another(shipx, inpost, point, key):
    shipx.add_point("OUT01", status="Disabled")

    with pytest.raises(CarrierInputError) as refused:
        inpost.create_label(request=label_request(drop_off_point_id=point))

    assert refused.value.code == "point_unavailable"
    assert refused.value.carrier_code == f"custom_attributes.dropoff_point:{key}"


def test_a_refused_warehouse_address_is_ours_to_fix_not_the_customers(shipx, inpost):
    request = label_request()
    request = replace(request, recipient=replace(request.recipient, phone=""))

    with pytest.raises(CarrierError) as refused:
        inpost.create_label(request=request)

    assert not isinstance(refused.value, CarrierInputError)
    assert "receiver" in str(refused.value)


def test_an_account_without_the_warehouse_locker_is_a_configuration_error(shipx):
    carrier = InPostCarrier(settings_for(shipx, target_point=""))

    with pytest.raises(CarrierError, match="target_point") as refused:
        carrier.create_label(request=label_request())
    assert not isinstance(refused.value, CarrierInputError | CarrierUnavailable)


def test_courier_to_the_warehouse_needs_no_locker_for_it(shipx):
    carrier = InPostCarrier(settings_for(shipx, service="inpost_courier_standard", target_point=""))

    label = carrier.create_label(request=label_request())

    sent = shipx.calls("POST", SHIPMENTS)[0].body
    assert sent["service"] == "inpost_courier_standard"
    assert "target_point" not in sent["custom_attributes"]
    assert label.tracking_number


def test_a_parcel_over_25_kg_is_not_sent_to_a_locker(shipx, inpost):
    with pytest.raises(CarrierError, match="25 kg") as refused:
        inpost.create_label(request=label_request(weight_grams=25_001))

    assert not isinstance(refused.value, CarrierInputError | CarrierUnavailable)
    assert shipx.hits == []


def test_a_wrong_token_is_a_permanent_error(shipx, inpost_settings):
    carrier = InPostCarrier(replace(inpost_settings, credentials={**inpost_settings.credentials, "token": "old"}))

    with pytest.raises(CarrierError, match="401") as refused:
        carrier.create_label(request=label_request())
    assert not isinstance(refused.value, CarrierUnavailable)


def test_an_account_without_credentials_says_which_one_is_missing(shipx, inpost_settings):
    carrier = InPostCarrier(replace(inpost_settings, credentials={"token": shipx.token}))

    with pytest.raises(CarrierError, match="organization_id"):
        carrier.create_label(request=label_request())
    assert shipx.hits == []


def test_the_registry_builds_the_adapter_from_an_accounts_settings(shipx, inpost_settings):
    from rma.shipping.carriers import Carrier, carrier_codes, get_carrier

    carrier = get_carrier("inpost", inpost_settings)

    assert "inpost" in carrier_codes()
    assert isinstance(carrier, InPostCarrier)
    assert isinstance(carrier, Carrier)
    assert carrier.create_label(request=label_request()).tracking_number
