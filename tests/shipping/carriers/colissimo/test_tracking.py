"""Tracking a Colissimo parcel through La Poste's Suivi v2 API (the fake), read as our statuses."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from rma.shipping.carriers import CarrierError, CarrierUnavailable, TrackingStatus
from rma.shipping.carriers.colissimo import ColissimoCarrier
from tests.shipping.carriers.colissimo.conftest import colissimo_settings, label_request, payload
from tests.shipping.carriers.colissimo.fake import SUIVI

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_the_parcels_steps_come_oldest_first_with_our_reading_of_each(colissimo, colissimo_carrier):
    carrier = colissimo_carrier()
    number = carrier.create_label(request=label_request()).tracking_number
    steps = [
        ("DR1", "Votre Colissimo va bientôt nous être confié !"),
        ("PC1", "Votre colis a été déposé dans un point postal."),
        ("ET1", "Votre colis est en transit sur nos plateformes logistiques."),
        ("MD2", "Votre colis est en cours de livraison."),
        ("DI1", "Votre colis est livré."),
    ]
    for hours, (code, text) in enumerate(steps):
        colissimo.add_event(number, code, text, START + timedelta(hours=hours))

    events = carrier.track(tracking_number=number)

    assert [(event.code, event.status) for event in events] == [
        ("DR1", TrackingStatus.ANNOUNCED),
        ("PC1", TrackingStatus.HANDED_OVER),
        ("ET1", TrackingStatus.IN_TRANSIT),
        ("MD2", TrackingStatus.OUT_FOR_DELIVERY),
        ("DI1", TrackingStatus.DELIVERED),
    ]
    assert events[1].description == "Votre colis a été déposé dans un point postal."
    assert events[1].at == START + timedelta(hours=1)
    (hit,) = colissimo.calls(f"{SUIVI}{number}")
    assert hit.headers["x-okapi-key"] == colissimo.okapi_key
    assert hit.query == {"lang": "fr_FR"}


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("PB1", TrackingStatus.EXCEPTION),
        ("ND1", TrackingStatus.EXCEPTION),
        ("DO3", TrackingStatus.EXCEPTION),
        ("RE1", TrackingStatus.RETURNED_TO_SENDER),
        ("DI2", TrackingStatus.RETURNED_TO_SENDER),
        ("AG1", TrackingStatus.AT_POINT),
        ("PB2", TrackingStatus.IN_TRANSIT),
        ("XX9", TrackingStatus.OTHER),
    ],
)
def test_problems_and_returns_to_the_customer_are_read_as_such(colissimo, colissimo_carrier, code, status):
    colissimo.add_event("8R41000009999", code, "…", START)

    (event,) = colissimo_carrier().track(tracking_number="8R41000009999")

    assert event.status == status


def test_the_account_may_read_la_postes_words_in_english(colissimo, colissimo_carrier):
    colissimo.add_event("8R41000009999", "PC1", "Your parcel has been dropped off at a postal point.", START)

    colissimo_carrier(tracking_lang="en").track(tracking_number="8R41000009999")

    assert colissimo.hits[-1].query == {"lang": "en_GB"}


def test_a_number_la_poste_does_not_know_yet_has_no_events(colissimo, colissimo_carrier):
    assert colissimo_carrier().track(tracking_number="8R41999999999") == []


def test_a_malformed_number_is_refused_for_good(colissimo, colissimo_carrier):
    with pytest.raises(CarrierError, match="pas valide") as refused:
        colissimo_carrier().track(tracking_number="not-a-number")
    assert not isinstance(refused.value, CarrierUnavailable)


def test_a_wrong_okapi_key_is_refused_for_good(colissimo):
    settings = colissimo_settings(colissimo)
    settings = replace(settings, credentials={**settings.credentials, "okapi_key": "wrong"})

    with pytest.raises(CarrierError, match="401") as refused:
        ColissimoCarrier(settings).track(tracking_number="8R41000000001")
    assert not isinstance(refused.value, CarrierUnavailable)


def test_without_an_okapi_key_nothing_is_asked(colissimo):
    settings = replace(colissimo_settings(colissimo), credentials={"contract_number": "800123", "password": "x"})

    with pytest.raises(CarrierError, match="okapi_key"):
        ColissimoCarrier(settings).track(tracking_number="8R41000000001")
    assert colissimo.hits == []


def test_an_outage_of_the_tracking_api_is_worth_a_retry(colissimo, colissimo_carrier):
    colissimo.fail(f"{SUIVI}.*", 503)

    with pytest.raises(CarrierUnavailable):
        colissimo_carrier().track(tracking_number="8R41000000001")


def test_tracking_may_live_at_another_address_than_the_labels(colissimo):
    """Production: labels at ws.colissimo.fr, tracking at api.laposte.fr; the option moves tracking alone."""
    settings = replace(colissimo_settings(colissimo), base_url="http://127.0.0.1:9")  # nothing listens there
    carrier = ColissimoCarrier(replace(settings, options={"tracking_base_url": colissimo.url}))
    colissimo.add_event("8R41000009999", "PC1", "Déposé", START)

    assert [event.code for event in carrier.track(tracking_number="8R41000009999")] == ["PC1"]


# ---- the documented example answers (payloads/SOURCES.md)


def test_the_documented_delivered_parcel_reads_as_its_nine_steps(colissimo, colissimo_carrier):
    # karrioapi/karrio, modules/connectors/colissimo/tests/colissimo/test_tracking.py (TrackingResponse).
    colissimo.canned[f"{SUIVI}EW112720413FR"] = (
        200,
        {"Content-Type": "application/json"},
        payload("suivi-v2-idships-delivered.json"),
    )

    events = colissimo_carrier().track(tracking_number="EW112720413FR")

    assert [event.code for event in events] == ["DR1", "PC1", "ET1", "ET1", "ET2", "ET3", "ET1", "MD2", "DI1"]
    assert events[0].status == TrackingStatus.ANNOUNCED
    assert events[1].status == TrackingStatus.HANDED_OVER
    assert events[1].description == "Votre colis a été déposé dans un point postal."
    assert events[1].at == datetime(2023, 2, 17, 13, 43, tzinfo=UTC)
    assert events[-1].status == TrackingStatus.DELIVERED
    assert events[-1].at == datetime(2023, 3, 9, 8, 38, tzinfo=UTC)


def test_the_documented_refusal_of_a_malformed_number_is_permanent(colissimo, colissimo_carrier):
    # karrioapi/karrio, same test module (ErrorResponse).
    body = payload("suivi-v2-idships-400.json")
    colissimo.canned[f"{SUIVI}WBZQ03"] = (400, {"Content-Type": "application/json"}, body)

    with pytest.raises(CarrierError) as refused:
        colissimo_carrier().track(tracking_number="WBZQ03")

    assert json.loads(body)["returnMessage"] in str(refused.value)
    assert not isinstance(refused.value, CarrierUnavailable)


def test_without_an_address_the_adapter_talks_to_la_postes_production_services():
    carrier = ColissimoCarrier()

    assert carrier.http.url("/sls-ws/SlsServiceWSRest/2.0/generateLabel").startswith("https://ws.colissimo.fr/")
    assert carrier.tracking_http.url(f"{SUIVI}8R41000000001").startswith("https://api.laposte.fr/suivi/v2/")
