"""Mondial Relay's fake web service as fixtures: `mondial_relay` (the server, with a Lyon point and postcode),
`mondial_relay_carrier` (our adapter pointed at it) and `mondial_relay_registered` (the carrier code "mondial_relay"
bound to the fake, for the label path; a carrier account pointing at `mondial_relay.url` does the same)."""

import pytest

from rma.shipping import carriers
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from rma.shipping.carriers.mondial_relay.carrier import bookings_forget
from tests.shipping.carriers.mondial_relay.fake import FakeMondialRelay

LYON_POINT = "FR-066974"


def lyon_setup(fake: FakeMondialRelay) -> None:
    """A Point Relais and a Locker in Lyon 7e, a Paris point, and the postcodes the tests use."""
    fake.add_postcode("69003", latitude=45.7597, longitude=4.8422, cities=("LYON",))  # the test orders' postcode
    fake.add_postcode("69007", latitude=45.7456, longitude=4.8417, cities=("LYON",))
    fake.add_postcode("75009", latitude=48.8771, longitude=2.3379, cities=("PARIS",))
    fake.add_point(
        "066974",
        name="TABAC PRESSE DU MARCHE",
        street="4 PLACE JEAN MACE",
        postcode="69007",
        city="LYON",
        latitude=45.7456,
        longitude=4.8420,
        hours={
            "Lundi": ["0900", "1230", "1400", "1900"],
            "Mardi": ["0900", "1230", "1400", "1900"],
            "Mercredi": ["0900", "1900", "0000", "0000"],
            "Jeudi": ["0900", "1230", "1400", "1900"],
            "Vendredi": ["0900", "1230", "1400", "1900"],
            "Samedi": ["0930", "1230", "0000", "0000"],
        },
        closures=(("2026-08-03", "2026-08-23"),),
    )
    fake.add_point(
        "020465",
        name="LOCKER 24/7 GERLAND",
        street="12 AVENUE TONY GARNIER",
        postcode="69007",
        city="LYON",
        latitude=45.7312,
        longitude=4.8321,
        hours={
            day: ["0000", "2359", "0000", "0000"]
            for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
        },
    )
    fake.add_point(
        "012345",
        name="LIBRAIRIE DES PENTES",
        street="3 RUE DES FARGES",
        postcode="69005",
        city="LYON",
        latitude=45.7600,
        longitude=4.8250,
        accepts_drop=False,
    )
    fake.add_point(
        "055501",
        name="CAVE SAINT GEORGES",
        street="18 RUE SAINT GEORGES",
        postcode="75009",
        city="PARIS",
        latitude=48.8780,
        longitude=2.3375,
    )


@pytest.fixture(autouse=True)
def _forget_bookings():
    """Each test starts without expeditions remembered from another test's server."""
    bookings_forget()
    yield
    bookings_forget()


@pytest.fixture
def mondial_relay():
    fake = FakeMondialRelay().start()
    lyon_setup(fake)
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def mondial_relay_carrier(mondial_relay) -> MondialRelayCarrier:
    return MondialRelayCarrier(mondial_relay.settings())


@pytest.fixture
def mondial_relay_registered(mondial_relay, monkeypatch):
    """The registry's "mondial_relay" built with the fake's settings (until labels carry their account's settings)."""
    monkeypatch.setitem(
        carriers._FACTORIES, "mondial_relay", lambda settings: MondialRelayCarrier(mondial_relay.settings())
    )
    return mondial_relay
