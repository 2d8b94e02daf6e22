"""Colissimo's pick-up points through the fake Point Retrait web service, read as our drop-off points."""

from dataclasses import replace

import pytest

from rma.shipping.carriers import CarrierError, CarrierInputError, CarrierUnavailable, PointSearch
from rma.shipping.carriers.colissimo import ColissimoCarrier
from tests.shipping.carriers.colissimo.conftest import colissimo_settings, payload
from tests.shipping.carriers.colissimo.fake import POINTS


def test_colissimo_searches_points():
    assert isinstance(ColissimoCarrier(), PointSearch)


def test_points_come_with_their_kind_hours_closures_access_and_weight(colissimo, colissimo_carrier):
    colissimo.add_point(
        "699370",
        nom="BUREAU DE POSTE VILLEURBANNE LES CHARPENNES",
        adresse1="38 COURS EMILE ZOLA",
        listeConges=[{"numero": 1, "calendarDeDebut": 1766617200000, "calendarDeFin": 1766790000000}],
        distanceEnMetre=241,
    )
    colissimo.add_point(
        "W12345",
        typeDePoint="A2P",
        nom="TABAC DE LA MAIRIE",
        adresse2="ANGLE RUE DE LA REPUBLIQUE",
        hours={"Mardi": "08:30-12:00 14:00-19:00", "Dimanche": "09:00-12:30"},
        accesPersonneMobiliteReduite=False,
        poidsMaxi=20000,
        distanceEnMetre=90,
    )
    colissimo.add_point("PCS001", typeDePoint="PCS", nom="CONSIGNE PICKUP GARE", distanceEnMetre=500)

    found = colissimo_carrier().points_search(country="FR", postcode="69100", city="Villeurbanne")

    assert [point.carrier_point_id for point in found] == ["W12345", "699370", "PCS001"]
    relay, office, locker = found
    assert relay.kind == "relay_point"
    assert relay.name == "TABAC DE LA MAIRIE"
    assert relay.address_line2 == "ANGLE RUE DE LA REPUBLIQUE"
    assert relay.opening_hours == {"tue": [["08:30", "12:00"], ["14:00", "19:00"]], "sun": [["09:00", "12:30"]]}
    assert relay.wheelchair_accessible is False
    assert relay.max_weight_kg == 20
    assert relay.accepts_returns is True
    assert office.kind == "post_office"
    assert office.opening_hours["mon"] == [["09:00", "12:00"], ["14:00", "18:00"]]
    assert office.opening_hours["sat"] == [["09:00", "12:00"]]
    assert "sun" not in office.opening_hours
    # 25-27 December 2025, midnight in Paris, as epoch milliseconds.
    assert office.closures == ({"start": "2025-12-25", "end": "2025-12-27"},)
    assert office.wheelchair_accessible is True
    assert (office.latitude, office.longitude) == (45.7695505, 4.86314559)
    assert locker.kind == "locker"

    (hit,) = colissimo.calls(POINTS)
    assert hit.body["accountNumber"] == colissimo.contract_number
    assert hit.body["password"] == colissimo.password
    assert hit.body["zipCode"] == "69100"
    assert hit.body["filterRelay"] == "1"
    assert hit.body["optionInter"] == "0"


def test_kinds_and_limit_narrow_the_answer(colissimo, colissimo_carrier):
    colissimo.add_point("699370")
    colissimo.add_point("W12345", typeDePoint="A2P")
    colissimo.add_point("W67890", typeDePoint="A2P")

    carrier = colissimo_carrier()
    relays = carrier.points_search(
        country="FR", postcode="69100", city="Villeurbanne", kinds=("relay_point",), limit=1
    )
    offices = carrier.points_search(country="FR", postcode="69100", city="Villeurbanne", kinds=("post_office",))

    assert [point.carrier_point_id for point in relays] == ["W12345"]
    assert [point.carrier_point_id for point in offices] == ["699370"]
    assert colissimo.calls(POINTS)[1].body["filterRelay"] == "0"  # post offices only: Colissimo filters itself


def test_the_account_may_say_its_lockers_take_no_returns(colissimo, colissimo_carrier):
    colissimo.add_point("PCS001", typeDePoint="PCS")

    (locker,) = colissimo_carrier(locker_returns=False).points_search(
        country="FR", postcode="69100", city="Villeurbanne"
    )

    assert locker.accepts_returns is False


def test_no_point_around_is_an_empty_answer(colissimo, colissimo_carrier):
    colissimo.add_point("699370")

    assert colissimo_carrier().points_search(country="FR", postcode="13001", city="Marseille") == []


def test_a_postcode_colissimo_cannot_read_is_refused_as_input(colissimo, colissimo_carrier):
    with pytest.raises(CarrierInputError) as refused:
        colissimo_carrier().points_search(country="FR", postcode="691", city="Villeurbanne")

    assert refused.value.code == "postcode_unknown"
    assert refused.value.carrier_code == "125"


def test_colissimo_needs_the_town_with_the_postcode(colissimo, colissimo_carrier):
    colissimo.add_point("699370")

    with pytest.raises(CarrierInputError) as refused:
        colissimo_carrier().points_search(country="FR", postcode="69100")

    assert refused.value.code == "address_invalid"
    assert refused.value.carrier_code == "105"


def test_a_wrong_login_is_refused_for_good(colissimo):
    settings = colissimo_settings(colissimo)
    settings = replace(settings, credentials={**settings.credentials, "password": "wrong"})

    with pytest.raises(CarrierError, match="201") as refused:
        ColissimoCarrier(settings).points_search(country="FR", postcode="69100", city="Villeurbanne")
    assert type(refused.value) is CarrierError


def test_an_outage_or_a_system_error_is_worth_a_retry(colissimo, colissimo_carrier):
    colissimo.fail(POINTS, 500)
    with pytest.raises(CarrierUnavailable):
        colissimo_carrier().points_search(country="FR", postcode="69100", city="Villeurbanne")

    system_error = b'{"errorCode":1000,"errorMessage":"Erreur syst\xc3\xa8me","listePointRetraitAcheminement":[]}'
    colissimo.canned[POINTS] = (200, {"Content-Type": "application/json"}, system_error)
    with pytest.raises(CarrierUnavailable, match="1000"):
        colissimo_carrier().points_search(country="FR", postcode="69100", city="Villeurbanne")


def test_the_documented_answer_reads_as_two_post_offices(colissimo, colissimo_carrier):
    # akretion/roulier, test_search_pickup_sites_login_password_ok.yaml (payloads/SOURCES.md).
    body = payload("pointretrait-findRDVPointRetraitAcheminement.json")
    colissimo.canned[POINTS] = (200, {"Content-Type": "application/json"}, body)

    first, second = colissimo_carrier().points_search(country="FR", postcode="69100", city="Villeurbanne")

    assert first.carrier_point_id == "060567"
    assert first.kind == "post_office"
    assert first.name == "BUREAU DE POSTE VILLEURBANNE BELLECOMBE RP"
    assert first.address_line1 == "13 RUE BELLECOMBE"
    assert first.address_line2 == "CARREFOUR CITY"
    assert (first.postcode, first.city, first.country) == ("69100", "VILLEURBANNE", "FR")
    assert first.opening_hours == {day: [["07:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
    assert first.wheelchair_accessible is False
    assert first.max_weight_kg == 30
    # calendarDeDebut 1745186400000 = 2025-04-20T22:00Z = 21 April 2025 in Paris (Easter Monday).
    assert first.closures[0] == {"start": "2025-04-21", "end": "2025-04-21"}
    assert [closure["start"] for closure in first.closures] == [
        "2025-04-21",
        "2025-05-01",
        "2025-05-08",
        "2025-05-29",
        "2025-06-09",
    ]
    assert second.opening_hours["mon"] == [["09:00", "12:00"], ["14:00", "18:00"]]
    assert second.wheelchair_accessible is True
