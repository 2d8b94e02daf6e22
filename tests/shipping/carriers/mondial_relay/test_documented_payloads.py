"""Mondial Relay's documented answers (payloads/, sources in payloads/SOURCES.md) read by the adapter's readers."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rma.locations.choices import DropOffKind
from rma.shipping.carriers import CarrierError, TrackingStatus
from rma.shipping.carriers.mondial_relay.points import points_read
from rma.shipping.carriers.mondial_relay.soap import answer_read
from rma.shipping.carriers.mondial_relay.tracking import events_read

PAYLOADS = Path(__file__).parent / "payloads"
PARIS = ZoneInfo("Europe/Paris")


def _payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def test_a_booking_answer_gives_the_expedition_number_and_the_label_path():
    # Recorded on the test enseigne BDTEST12 (akretion/mondialrelay_pyt, testlib/test.py).
    answer = answer_read(operation="WSI2_CreationEtiquette", content=_payload("wsi2_creation_etiquette_ok.xml"))
    assert answer.stat == 0
    assert answer.text("ExpeditionNum") == "17193867"
    assert answer.text("URL_Etiquette").startswith("/PDF/StickerMaker2.aspx?ens=BDTEST1211&expedition=17193867")
    assert "format=A4" in answer.text("URL_Etiquette")


def test_points_read_names_addresses_coordinates_hours_and_closures():
    answer = answer_read(
        operation="WSI4_PointRelais_Recherche", content=_payload("wsi4_point_relais_recherche_ok.xml")
    )
    tabac, locker = points_read(answer.result)

    assert tabac.carrier_point_id == "FR-066974"
    assert tabac.kind == DropOffKind.RELAY_POINT
    assert (tabac.name, tabac.address_line1, tabac.postcode, tabac.city) == (
        "TABAC DE LA GARE",
        "4 PLACE DE LA GARE",
        "75009",
        "PARIS",
    )
    assert (tabac.latitude, tabac.longitude) == (48.8766, 2.3254)  # decimal commas
    assert tabac.opening_hours == {
        "mon": [["09:00", "12:30"], ["14:00", "19:00"]],
        "tue": [["09:00", "12:30"], ["14:00", "19:00"]],
        "wed": [["09:00", "19:00"]],
        "thu": [["09:00", "12:30"], ["14:00", "19:00"]],
        "fri": [["09:00", "12:30"], ["14:00", "19:00"]],
        "sat": [["09:30", "12:30"]],
    }
    assert tabac.closures == ({"start": "2026-08-03", "end": "2026-08-23"},)
    assert (tabac.max_weight_kg, tabac.max_dimensions_cm, tabac.accepts_returns) == (30, 150, True)
    assert tabac.open_24_7 is False

    assert locker.carrier_point_id == "FR-001509"
    assert locker.kind == DropOffKind.LOCKER
    assert (locker.latitude, locker.longitude) == (48.876127, 2.359281)  # dot decimals are read too
    assert locker.opening_hours["mon"] == [["00:00", "24:00"]]
    assert locker.opening_hours["sun"] == [["10:00", "15:00"], ["15:30", "21:00"]]
    assert locker.open_24_7 is False  # not round the clock on Sunday
    assert locker.closures == ()


def test_the_published_tracing_answer_reads_as_dated_steps_in_french_time():
    answer = answer_read(operation="WSI2_TracingColisDetaille", content=_payload("wsi2_tracing_colis_detaille_en.xml"))
    assert answer.stat == 82
    received, in_agency = events_read(stat=answer.stat, result=answer.result)

    assert received.at == datetime(2021, 6, 1, 20, 2, tzinfo=PARIS)
    assert (received.code, received.description, received.status) == (
        "DATA_RECEPTION",
        "Data reception",
        TrackingStatus.ANNOUNCED,
    )
    assert in_agency.at == datetime(2021, 6, 2, 7, 11, tzinfo=PARIS)
    assert (in_agency.status, in_agency.location) == (TrackingStatus.IN_TRANSIT, "HUB LILLE")


def test_a_stat_only_answer_and_a_soap_fault():
    assert answer_read(operation="WSI2_CreationEtiquette", content=_payload("stat_97.xml")).stat == 97
    with pytest.raises(CarrierError, match="unable to read request"):
        answer_read(operation="WSI2_CreationEtiquette", content=_payload("soap_fault.xml"))
