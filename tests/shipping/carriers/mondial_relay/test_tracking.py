"""Mondial Relay's tracing from the fake's WSI2_TracingColisDetaille: the steps a test pushes, read as our statuses."""

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rma.shipping.carriers import Address, CarrierError, LabelRequest, TrackingStatus
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from rma.shipping.carriers.mondial_relay.tracking import event_code, status_for

PARIS = ZoneInfo("Europe/Paris")
REQUEST = LabelRequest(
    reference="tracking-1",
    sender=Address(
        name="Chloe Martin",
        line1="8 rue des Lilas",
        line2="",
        postcode="69007",
        city="Lyon",
        country="FR",
        phone="0612345678",
    ),
    recipient=Address(
        name="Entrepot", line1="ZAC des Portes", line2="", postcode="77550", city="Moissy", country="FR"
    ),
    rma_number="R-AAAA-BBBB",
    qr_payload="",
    drop_off_point_id="FR-066974",
)


@pytest.fixture
def booked(mondial_relay, mondial_relay_carrier) -> str:
    return mondial_relay_carrier.create_label(request=REQUEST).tracking_number


def test_a_return_travels_from_the_point_to_the_warehouse(mondial_relay, mondial_relay_carrier, booked):
    assert mondial_relay_carrier.track(tracking_number=booked) == []  # booked, nothing scanned yet (STAT 80)

    mondial_relay.step(
        booked, "dropped", at=datetime(2026, 3, 2, 10, 15, tzinfo=PARIS), point="FR-066974", place="LYON"
    )
    mondial_relay.step(booked, "in_transit", at=datetime(2026, 3, 2, 21, 40, tzinfo=PARIS), place="HUB LYON")
    mondial_relay.step(booked, "delivered", at=datetime(2026, 3, 4, 9, 5, tzinfo=PARIS), place="MOISSY-CRAMAYEL")
    events = mondial_relay_carrier.track(tracking_number=booked)

    assert [(event.status, event.location) for event in events] == [
        (TrackingStatus.HANDED_OVER, "LYON"),
        (TrackingStatus.IN_TRANSIT, "HUB LYON"),
        (TrackingStatus.DELIVERED, "MOISSY-CRAMAYEL"),
    ]
    assert events[0].at == datetime(2026, 3, 2, 10, 15, tzinfo=PARIS)
    assert events[0].description == "Colis déposé en Point Relais"
    call = mondial_relay.calls_of("WSI2_TracingColisDetaille")[-1]
    assert (call.params["Expedition"], call.params["Langue"]) == (booked, "FR")
    # A second poll reads the same steps with the same codes and times: nothing new to store.
    assert mondial_relay_carrier.track(tracking_number=booked) == events


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("registered", TrackingStatus.ANNOUNCED),
        ("out_for_delivery", TrackingStatus.OUT_FOR_DELIVERY),
        ("anomaly", TrackingStatus.EXCEPTION),
        ("returned", TrackingStatus.RETURNED_TO_SENDER),
    ],
)
def test_each_kind_of_step(mondial_relay, mondial_relay_carrier, booked, kind, status):
    mondial_relay.step(booked, kind)
    (event,) = mondial_relay_carrier.track(tracking_number=booked)
    assert event.status == status


def test_english_wordings_read_the_same(mondial_relay, booked):
    carrier = MondialRelayCarrier(mondial_relay.settings(tracking_language="EN"))
    for kind in ("registered", "dropped", "in_transit", "delivered", "anomaly", "returned"):
        mondial_relay.step(booked, kind)
    statuses = [event.status for event in carrier.track(tracking_number=booked)]
    assert statuses == [
        TrackingStatus.ANNOUNCED,
        TrackingStatus.HANDED_OVER,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.DELIVERED,
        TrackingStatus.EXCEPTION,
        TrackingStatus.RETURNED_TO_SENDER,
    ]


def test_an_unread_last_step_takes_the_answers_meaning(mondial_relay, mondial_relay_carrier, booked):
    mondial_relay.add_step(booked, french="Colis pris en charge", stat=81)
    mondial_relay.add_step(booked, french="Étape sans équivalent connu", stat=83)  # STAT 83: anomaly
    first, last = mondial_relay_carrier.track(tracking_number=booked)
    assert (first.status, last.status) == (TrackingStatus.IN_TRANSIT, TrackingStatus.EXCEPTION)
    assert last.code == "ETAPE_SANS_EQUIVALENT_CONNU"


def test_a_step_at_a_point_without_a_place_names_the_point(mondial_relay, mondial_relay_carrier, booked):
    mondial_relay.step(booked, "dropped", point="FR-066974")
    (event,) = mondial_relay_carrier.track(tracking_number=booked)
    assert event.location == "Point Relais FR-066974"


def test_unknown_and_malformed_numbers(mondial_relay, mondial_relay_carrier):
    with pytest.raises(CarrierError, match="STAT 94"):
        mondial_relay_carrier.track(tracking_number="39999999")
    calls = len(mondial_relay.calls)
    with pytest.raises(CarrierError):
        mondial_relay_carrier.track(tracking_number="RP123456785FR")
    assert len(mondial_relay.calls) == calls


def test_another_enseignes_parcel_is_not_found(mondial_relay, booked):
    mondial_relay.accounts["CCTEST22"] = "OtherKey"
    other = MondialRelayCarrier(
        replace(mondial_relay.settings(), credentials={"enseigne": "CCTEST22", "private_key": "OtherKey"})
    )
    with pytest.raises(CarrierError, match="STAT 94"):
        other.track(tracking_number=booked)


def test_codes_are_short_and_stable():
    assert event_code("Colis déposé en Point Relais") == "COLIS_DEPOSE_EN_POINT_RELAIS"
    long_code = event_code("Colis réceptionné sur notre agence de tri régionale de Lyon")
    assert len(long_code) <= 32
    assert long_code == event_code("Colis réceptionné sur notre agence de tri régionale de Lyon")
    assert long_code != event_code("Colis réceptionné sur notre agence de tri régionale de Lille")


@pytest.mark.parametrize(
    ("wording", "status"),
    [
        ("Prise en charge de vos données", TrackingStatus.ANNOUNCED),
        ("Colis pris en charge en Point Relais", TrackingStatus.HANDED_OVER),
        ("Colis disponible au Point Relais", TrackingStatus.AT_POINT),
        ("Delivery at Pick Up Point", TrackingStatus.AT_POINT),
        ("Colis en cours de livraison", TrackingStatus.OUT_FOR_DELIVERY),
        ("Colis livré", TrackingStatus.DELIVERED),
        ("Colis refusé par le destinataire", TrackingStatus.EXCEPTION),
        ("Entrepôt", TrackingStatus.OTHER),
    ],
)
def test_wordings(wording, status):
    assert status_for(wording) == status
