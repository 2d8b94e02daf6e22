"""Mondial Relay's Points Relais® and Lockers from the fake's WSI4_PointRelais_Recherche, as our CarrierPoints."""

import pytest

from rma.locations.choices import DropOffKind
from rma.shipping.carriers import CarrierError, PointSearch
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from rma.shipping.carriers.mondial_relay.soap import OPERATIONS


def test_the_adapter_is_a_point_search(mondial_relay_carrier):
    assert isinstance(mondial_relay_carrier, PointSearch)


def test_points_where_a_return_can_be_dropped_nearest_first(mondial_relay, mondial_relay_carrier):
    points = mondial_relay_carrier.points_search(country="FR", postcode="69007", city="Lyon")

    # The bookshop takes no parcels (not a collection point): a REL search leaves it out; Paris is 390 km away.
    assert [point.carrier_point_id for point in points] == ["FR-066974", "FR-020465"]
    (call,) = mondial_relay.calls_of("WSI4_PointRelais_Recherche")
    assert call.names == [*OPERATIONS["WSI4_PointRelais_Recherche"], "Security"]
    # The postcode finds the points; the town is left out (a town spelt otherwise would find none).
    assert (call.params["Pays"], call.params["CP"], call.params["Ville"]) == ("FR", "69007", "")
    assert (call.params["Action"], call.params["RayonRecherche"], call.params["NombreResultats"]) == (
        "REL",
        "20",
        "30",
    )

    tabac, locker = points
    assert tabac.kind == DropOffKind.RELAY_POINT
    assert (tabac.name, tabac.address_line1, tabac.city) == ("TABAC PRESSE DU MARCHE", "4 PLACE JEAN MACE", "LYON")
    assert (tabac.latitude, tabac.longitude) == pytest.approx((45.7456, 4.8420))
    assert tabac.opening_hours["mon"] == [["09:00", "12:30"], ["14:00", "19:00"]]
    assert tabac.opening_hours["wed"] == [["09:00", "19:00"]]
    assert tabac.opening_hours["sat"] == [["09:30", "12:30"]]
    assert "sun" not in tabac.opening_hours
    assert tabac.closures == ({"start": "2026-08-03", "end": "2026-08-23"},)
    assert tabac.accepts_returns is True

    assert locker.kind == DropOffKind.LOCKER
    assert locker.open_24_7 is True
    assert locker.opening_hours == {
        day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }


def test_the_limit_and_the_kinds_asked(mondial_relay, mondial_relay_carrier):
    assert [
        p.carrier_point_id for p in mondial_relay_carrier.points_search(country="FR", postcode="69007", limit=1)
    ] == ["FR-066974"]
    assert mondial_relay.calls_of("WSI4_PointRelais_Recherche")[-1].params["NombreResultats"] == "1"
    lockers = mondial_relay_carrier.points_search(country="FR", postcode="69007", kinds=("locker",))
    assert [point.kind for point in lockers] == [DropOffKind.LOCKER]
    calls = len(mondial_relay.calls)
    assert mondial_relay_carrier.points_search(country="FR", postcode="69007", kinds=("post_office",)) == []
    assert len(mondial_relay.calls) == calls  # Mondial Relay has no post offices: nothing to ask


def test_the_account_may_widen_the_radius(mondial_relay):
    carrier = MondialRelayCarrier(mondial_relay.settings(search_radius_km=500))
    points = carrier.points_search(country="FR", postcode="69007")
    assert "FR-055501" in [point.carrier_point_id for point in points]


def test_a_postcode_the_service_refuses(mondial_relay_carrier):
    with pytest.raises(CarrierError, match="STAT 19"):
        mondial_relay_carrier.points_search(country="FR", postcode="6900")


def test_nothing_around_an_empty_area_is_an_empty_list(mondial_relay_carrier):
    assert mondial_relay_carrier.points_search(country="FR", postcode="29200") == []
