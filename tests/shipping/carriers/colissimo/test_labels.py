"""Colissimo Retour labels through the fake SLS web service: the request we send, the label we get, the refusals."""

from dataclasses import replace

import pytest

from rma.shipping.carriers import CarrierError, CarrierInputError, CarrierUnavailable, get_carrier
from rma.shipping.carriers.colissimo import ColissimoCarrier
from tests.shipping.carriers.colissimo.conftest import colissimo_settings, label_request, payload
from tests.shipping.carriers.colissimo.fake import SLS, today_paris

GENERATE = f"{SLS}generateLabel"


def test_a_return_label_is_a_colissimo_retour_parcel_from_the_customer_to_the_warehouse(colissimo, colissimo_carrier):
    label = colissimo_carrier().create_label(request=label_request())

    assert label.tracking_number in colissimo.labels
    assert label.tracking_number.startswith("8R")
    assert len(label.tracking_number) == 13
    assert label.carrier == "colissimo"
    assert label.documents == {"pdf_4x6": colissimo.labels[label.tracking_number]["bytes"]}
    assert label.documents["pdf_4x6"].startswith(b"%PDF")
    assert label.tracking_number.encode() in label.documents["pdf_4x6"]
    assert label.carrier_reference.endswith(label.tracking_number)

    (hit,) = colissimo.calls(GENERATE)
    body = hit.body
    assert body["contractNumber"] == colissimo.contract_number
    assert body["password"] == colissimo.password
    assert body["outputFormat"] == {"x": 0, "y": 0, "outputPrintingType": "PDF_10x15_300dpi"}
    service = body["letter"]["service"]
    assert service["productCode"] == "CORE"
    assert service["depositDate"] == today_paris().isoformat()
    assert service["orderNumber"] == "R-7KQ2-M9XD"
    assert "mailBoxPicking" not in service
    assert body["letter"]["parcel"] == {"weight": 1.25}
    sender = body["letter"]["sender"]
    assert sender["senderParcelRef"] == "R-7KQ2-M9XD"
    assert sender["address"] == {
        "lastName": "Camille Durand",
        "line2": "27 rue Henri Rolland",
        "line3": "Bâtiment B",
        "zipCode": "69100",
        "city": "Villeurbanne",
        "countryCode": "FR",
        "mobileNumber": "0612345678",
        "email": "camille@example.com",
        "language": "FR",
    }
    addressee = body["letter"]["addressee"]
    assert addressee["addresseeParcelRef"] == "R-7KQ2-M9XD"
    assert addressee["codeBarForReference"] is True
    assert addressee["address"]["companyName"] == "Entrepôt Retours Lyon Sud"
    assert addressee["address"]["lastName"] == "Entrepôt Retours Lyon Sud"
    assert addressee["address"]["phoneNumber"] == "0472000000"
    assert addressee["address"]["zipCode"] == "69007"


@pytest.mark.parametrize(
    ("label_format", "slot", "start"),
    [("ZPL_10x15_203dpi", "zpl", b"^XA"), ("PDF_A4_300dpi", "pdf", b"%PDF"), ("ZPL_10x15_300dpi", "zpl", b"^XA")],
)
def test_the_account_chooses_the_label_format(colissimo, colissimo_carrier, label_format, slot, start):
    label = colissimo_carrier(label_format=label_format).create_label(request=label_request())

    assert list(label.documents) == [slot]
    assert label.documents[slot].startswith(start)
    assert f"^FD{label.tracking_number}^FS".encode() in label.documents[slot] or slot == "pdf"
    assert colissimo.calls(GENERATE)[0].body["outputFormat"]["outputPrintingType"] == label_format


def test_an_unknown_label_format_is_refused_before_asking_colissimo(colissimo, colissimo_carrier):
    with pytest.raises(CarrierError, match="label_format"):
        colissimo_carrier(label_format="PNG").create_label(request=label_request())
    assert colissimo.calls(GENERATE) == []


def test_a_customer_abroad_sends_a_colissimo_retour_international(colissimo, colissimo_carrier):
    sender = replace(label_request().sender, postcode="1000", city="Bruxelles", country="BE", phone="+32 470 12 34 56")
    colissimo_carrier(service_info="Service retours", return_contact="Service client").create_label(
        request=label_request(sender=sender)
    )

    body = colissimo.calls(GENERATE)[0].body
    assert body["letter"]["service"]["productCode"] == "CORI"
    assert "codeBarForReference" not in body["letter"]["addressee"]
    assert body["letter"]["addressee"]["serviceInfo"] == "Service retours"
    assert body["letter"]["addressee"]["address"]["lastName"] == "Service client"
    assert body["letter"]["sender"]["address"]["phoneNumber"] == "+32470123456"


def test_the_declared_value_is_insured_only_when_the_account_says_so(colissimo, colissimo_carrier):
    colissimo_carrier().create_label(request=label_request(value_cents=12900))
    colissimo_carrier(insure=True).create_label(request=label_request(value_cents=12900))

    first, second = colissimo.calls(GENERATE)
    assert "insuranceValue" not in first.body["letter"]["parcel"]
    assert second.body["letter"]["parcel"]["insuranceValue"] == 12900


def test_a_collection_at_home_asks_for_the_first_letterbox_collection_date(colissimo, colissimo_carrier):
    label = colissimo_carrier().create_label(request=label_request(drop_off_method="home_pickup"))

    (dates_hit,) = colissimo.calls(f"{SLS}getListMailBoxPickingDates")
    assert dates_hit.body["sender"]["zipCode"] == "69100"
    assert dates_hit.body["contractNumber"] == colissimo.contract_number
    service = colissimo.labels[label.tracking_number]["request"]["letter"]["service"]
    assert service["mailBoxPicking"] is True
    assert service["mailBoxPickingDate"] > today_paris().isoformat()


def test_an_address_without_letterbox_collection_is_a_choice_the_customer_must_change(colissimo, colissimo_carrier):
    colissimo.no_mailbox_postcodes.add("69100")

    with pytest.raises(CarrierInputError) as refused:
        colissimo_carrier().create_label(request=label_request(drop_off_method="home_pickup", language="en"))

    assert refused.value.code == "pickup_unavailable"
    assert refused.value.carrier_code == "30812"
    assert "letterbox" in refused.value.customer_message  # in the customer's language
    assert colissimo.labels == {}


@pytest.mark.parametrize(
    ("change", "code", "carrier_code"),
    [
        ({"postcode": "6910"}, "postcode_unknown", "30108"),
        ({"postcode": "98000"}, "postcode_unknown", "30109"),
        ({"line1": " "}, "address_invalid", "30100"),
        ({"city": ""}, "address_invalid", "30104"),
        ({"name": ""}, "name_required", "30065"),
        ({"phone": "12"}, "phone_invalid", "30047"),
    ],
)
def test_what_the_customer_can_fix_is_said_in_words(colissimo, colissimo_carrier, change, code, carrier_code):
    colissimo.unknown_postcodes.add("98000")
    sender = replace(label_request().sender, **change)

    with pytest.raises(CarrierInputError) as refused:
        colissimo_carrier().create_label(request=label_request(sender=sender, language="en"))

    assert refused.value.code == code
    assert refused.value.carrier_code == carrier_code
    assert refused.value.customer_message
    assert carrier_code not in refused.value.customer_message  # words, not the carrier's codes
    assert colissimo.labels == {}


def test_a_refused_warehouse_address_is_our_configuration_not_the_customers(colissimo, colissimo_carrier):
    recipient = replace(label_request().recipient, postcode="LYON")

    with pytest.raises(CarrierError) as refused:
        colissimo_carrier().create_label(request=label_request(recipient=recipient))

    assert not isinstance(refused.value, CarrierInputError | CarrierUnavailable)
    assert "30211" in str(refused.value)


def test_a_wrong_login_is_a_permanent_error(colissimo):
    settings = colissimo_settings(colissimo)
    settings = replace(settings, credentials={**settings.credentials, "password": "wrong"})

    with pytest.raises(CarrierError) as refused:
        get_carrier("colissimo", settings).create_label(request=label_request())

    assert type(refused.value) is CarrierError
    assert "30000" in str(refused.value)


def test_the_api_key_replaces_the_login_and_travels_in_a_header(colissimo):
    settings = replace(colissimo_settings(colissimo), credentials={"api_key": colissimo.api_key})

    label = ColissimoCarrier(settings).create_label(request=label_request())

    (hit,) = colissimo.calls(GENERATE)
    assert hit.headers["apikey"] == colissimo.api_key
    assert "contractNumber" not in hit.body
    assert "password" not in hit.body
    assert label.tracking_number in colissimo.labels


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_an_outage_is_worth_a_retry(colissimo, colissimo_carrier, status):
    colissimo.fail(GENERATE, status)

    with pytest.raises(CarrierUnavailable):
        colissimo_carrier().create_label(request=label_request())
    assert colissimo.labels == {}


def test_no_answer_in_time_is_worth_a_retry(colissimo):
    colissimo.slow(GENERATE, 1.5)
    settings = replace(colissimo_settings(colissimo), timeout=0.3)

    with pytest.raises(CarrierUnavailable, match="no answer"):
        ColissimoCarrier(settings).create_label(request=label_request())


def test_colissimo_saying_it_is_momentarily_unavailable_is_worth_a_retry(colissimo, colissimo_carrier):
    body = (
        payload("sls-generateLabel-30000.multipart")
        .replace(b'"30000"', b'"40015"')
        .replace(b"Identifiant ou mot de passe incorrect", b"Service momentanement indisponible")
    )
    content_type = 'multipart/related; type="application/json"; boundary="uuid:07a458a8-bd7d-45ab-8349-865ac38f9b6e"'
    colissimo.canned[GENERATE] = (400, {"Content-Type": content_type}, body)

    with pytest.raises(CarrierUnavailable, match="40015"):
        colissimo_carrier().create_label(request=label_request())


def test_voiding_asks_nothing_of_colissimo(colissimo, colissimo_carrier):
    carrier = colissimo_carrier()
    label = carrier.create_label(request=label_request())

    carrier.void_label(tracking_number=label.tracking_number)
    carrier.void_label(tracking_number=label.tracking_number)

    assert [hit.path for hit in colissimo.hits] == [GENERATE]


# ---- the documented example answers (payloads/SOURCES.md)

RECORDED_TYPE = (
    'multipart/related; type="application/json"; boundary="uuid:1319cc1c-95c7-4233-ad64-0d0bba481500"; '
    'start="<jsonInfos>"'
)


def test_the_recorded_zpl_answer_gives_its_parcel_number_and_the_label_byte_for_byte(colissimo, colissimo_carrier):
    # akretion/roulier, test_colissimo_label_zpl.yaml: the live service's answer (ZPL part shortened).
    body = payload("sls-generateLabel-zpl.multipart")
    colissimo.canned[GENERATE] = (200, {"Content-Type": RECORDED_TYPE}, body)

    label = colissimo_carrier(label_format="ZPL_10x15_203dpi").create_label(request=label_request())

    assert label.tracking_number == "9V34929818521"
    assert label.carrier_reference == "0075004119V3492981852802250G"
    zpl = label.documents["zpl"]
    assert zpl.startswith("\ufeff\ufeff\x10CT~~CD".encode())
    assert zpl.endswith(b"^PQ1,0,1,Y^XZ\n")
    assert body.count(zpl) == 1


def test_the_recorded_wrong_login_answer_is_a_permanent_error(colissimo, colissimo_carrier):
    # karrioapi/karrio, test_shipment.py (ErrorResponse).
    content_type = 'multipart/related; type="application/json"; boundary="uuid:07a458a8-bd7d-45ab-8349-865ac38f9b6e"'
    colissimo.canned[GENERATE] = (400, {"Content-Type": content_type}, payload("sls-generateLabel-30000.multipart"))

    with pytest.raises(CarrierError, match="30000 Identifiant ou mot de passe incorrect") as refused:
        colissimo_carrier().create_label(request=label_request())
    assert type(refused.value) is CarrierError


@pytest.mark.parametrize(
    ("name", "customer_fixable"), [("sls-refusal-30108.json", True), ("sls-refusal-30213.json", False)]
)
def test_the_recorded_plain_json_refusals_are_read_too(colissimo, colissimo_carrier, name, customer_fixable):
    # akretion/roulier, test_DOM_product_raise_2.yaml (30108, the sender's postcode) and _raise_1.yaml (30213,
    # the addressee's, which on a return is our warehouse).
    colissimo.canned[GENERATE] = (400, {"Content-Type": "application/json;charset=UTF-8"}, payload(name))

    with pytest.raises(CarrierError) as refused:
        colissimo_carrier().create_label(request=label_request())

    assert isinstance(refused.value, CarrierInputError) is customer_fixable
    assert not isinstance(refused.value, CarrierUnavailable)


def test_an_answer_that_is_neither_multipart_nor_json_is_a_permanent_error(colissimo, colissimo_carrier):
    colissimo.canned[GENERATE] = (200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")

    with pytest.raises(CarrierError, match="unreadable") as refused:
        colissimo_carrier().create_label(request=label_request())
    assert not isinstance(refused.value, CarrierUnavailable)


def test_a_warning_beside_the_label_does_not_stop_it(colissimo, colissimo_carrier):
    warning = b'{"id":"30999","type":"WARNING","messageContent":"Adresse corrigee","replacementValues":[]},'
    body = payload("sls-generateLabel-zpl.multipart").replace(b'"messages":[', b'"messages":[' + warning)
    colissimo.canned[GENERATE] = (200, {"Content-Type": RECORDED_TYPE}, body)

    label = colissimo_carrier(label_format="ZPL_10x15_203dpi").create_label(request=label_request())

    assert label.tracking_number == "9V34929818521"


def test_an_answer_written_with_bare_line_feeds_is_read_as_well(colissimo, colissimo_carrier):
    # The karrio copy of the wrong-login answer uses "\n" line ends; the live service writes "\r\n".
    body = payload("sls-generateLabel-30000.multipart").replace(b"\r\n", b"\n")
    content_type = 'multipart/related; type="application/json"; boundary="uuid:07a458a8-bd7d-45ab-8349-865ac38f9b6e"'
    colissimo.canned[GENERATE] = (400, {"Content-Type": content_type}, body)

    with pytest.raises(CarrierError, match="30000"):
        colissimo_carrier().create_label(request=label_request())
