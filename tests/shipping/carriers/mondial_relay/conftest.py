"""Mondial Relay's fake web service as fixtures: `mondial_relay` (the server, with a Lyon point and postcode),
`mondial_relay_carrier` (our adapter pointed at it), and for the label path `mondial_relay_account` (an enabled
carrier account on the fake, which the rules pick for a return dropped at a Mondial Relay point) with
`lyon_relay` (the fake's Lyon Point Relais as a drop-off point)."""

import pytest
from django.core.cache import cache

from rma.locations.models import DropOffPoint
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from tests.locations.factories import DropOffPointFactory
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
    """Each test starts without expeditions remembered from another test's server (they live in the cache)."""
    cache.clear()
    yield
    cache.clear()


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
def mondial_relay_account(mondial_relay, db) -> CarrierAccount:
    """An enabled Mondial Relay account on the fake, with the fake's Enseigne and private key."""
    settings = mondial_relay.settings()
    return CarrierAccount.objects.create(
        name="Mondial Relay retours",
        carrier=MondialRelayCarrier.code,
        base_url=settings.base_url,
        credentials=dict(settings.credentials),
        timeout=settings.timeout,
        enabled=True,
    )


@pytest.fixture
def lyon_relay(mondial_relay, db) -> DropOffPoint:
    """The fake's Point Relais in Lyon 7e (see lyon_setup), as the drop-off point a customer chose."""
    return DropOffPointFactory(
        carrier="mondial_relay",
        carrier_point_id=LYON_POINT,
        kind="relay_point",
        name="TABAC PRESSE DU MARCHE",
        address_line1="4 PLACE JEAN MACE",
        postcode="69007",
        city="Lyon",
    )
