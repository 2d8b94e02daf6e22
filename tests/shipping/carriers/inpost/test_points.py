"""InPost's points (GET /v1/points) as CarrierPoints: lockers and their compartments, points with opening hours."""

import pytest

from rma.shipping.carriers import PointSearch


@pytest.fixture
def network(shipx):
    """Around Kraków 30-347: the fixture's two lockers, a shop counter (POP) with hours, and a disabled locker."""
    shipx.add_point(
        "KRA77AP",
        type=["pop"],
        location={"latitude": 50.0401, "longitude": 19.9301},
        location_247=False,
        opening_hours="Pn-Pt 8-20, Sb 9-14",
        operating_hours_extended={
            "customer": {
                "monday": [{"start": 480, "end": 780}, {"start": 840, "end": 1200}],
                "tuesday": [{"start": 480, "end": 1200}],
                "saturday": [{"start": 540, "end": 840}],
            }
        },
        functions=["parcel_collect", "parcel_send"],
        easy_access_zone=True,
        address_details={
            "city": "Kraków",
            "province": "małopolskie",
            "post_code": "30-349",
            "street": "Zakopiańska",
            "building_number": "62",
            "flat_number": None,
        },
    )
    shipx.add_point("KRA99M", status="Disabled", location={"latitude": 50.0383, "longitude": 19.9263})
    shipx.add_point("KRA55M", functions=["parcel_collect"], location={"latitude": 50.0500, "longitude": 19.9400})
    return shipx


def test_the_adapter_searches_points(inpost):
    assert isinstance(inpost, PointSearch)


def test_points_come_nearest_first_without_the_ones_that_do_not_operate(network, inpost):
    points = inpost.points_search(country="PL", postcode="30-347")

    assert [p.carrier_point_id for p in points] == ["KRA010", "KRA77AP", "KRA55M", "WAR01M"]
    (search,) = network.calls("GET", "/v1/points")
    assert search.query["relative_post_code"] == "30-347"
    assert search.query["type"] == "parcel_locker,pop"
    assert "authorization" not in search.headers


def test_a_locker_is_open_all_the_time_and_has_the_three_compartments(network, inpost):
    locker = inpost.points_search(country="PL", postcode="30-347")[0]

    assert locker.kind == "locker"
    assert locker.name == "InPost KRA010"
    assert locker.open_24_7 is True
    assert locker.opening_hours == {}
    assert [(c["size"], c["height"], c["width"], c["depth"]) for c in locker.compartments] == [
        ("A", 8, 38, 64),
        ("B", 19, 38, 64),
        ("C", 41, 38, 64),
    ]
    assert locker.max_weight_kg == 25
    assert locker.accepts_returns is True
    assert (locker.address_line1, locker.postcode, locker.city) == ("Kapelanka 14", "30-347", "Kraków")
    assert (locker.latitude, locker.longitude) == (50.03988, 19.92485)


def test_a_shop_counter_is_a_relay_point_with_its_slots_each_day(network, inpost):
    pop = inpost.points_search(country="PL", postcode="30-347")[1]

    assert pop.kind == "relay_point"
    assert pop.open_24_7 is False
    assert pop.opening_hours == {
        "mon": [["08:00", "13:00"], ["14:00", "20:00"]],
        "tue": [["08:00", "20:00"]],
        "sat": [["09:00", "14:00"]],
    }
    assert pop.compartments == ()
    assert pop.wheelchair_accessible is True
    assert pop.address_line1 == "Zakopiańska 62"


def test_a_locker_that_only_hands_parcels_out_takes_no_returns(network, inpost):
    collect_only = next(
        p for p in inpost.points_search(country="PL", postcode="30-347") if p.carrier_point_id == "KRA55M"
    )

    assert collect_only.accepts_returns is False


@pytest.mark.parametrize(("kinds", "types"), [(("locker",), "parcel_locker"), (("relay_point",), "pop")])
def test_kinds_ask_shipx_for_its_point_types(network, inpost, kinds, types):
    points = inpost.points_search(country="PL", postcode="30-347", kinds=kinds)

    assert network.calls("GET", "/v1/points")[0].query["type"] == types
    assert {p.kind for p in points} == set(kinds)


def test_kinds_inpost_does_not_have_ask_nothing(network, inpost):
    assert inpost.points_search(country="PL", postcode="30-347", kinds=("post_office",)) == []
    assert network.calls("GET", "/v1/points") == []


def test_points_are_put_nearest_first_whatever_order_shipx_answers_in(network, inpost):
    network.postcodes.clear()  # the fake then answers in its own order, with the distances it was given
    for name, distance in (("KRA010", 900), ("KRA77AP", 150), ("KRA55M", None), ("WAR01M", 250_000)):
        network.points[name]["distance"] = distance

    points = inpost.points_search(country="PL", postcode="30-347")

    assert [p.carrier_point_id for p in points] == ["KRA77AP", "KRA010", "WAR01M", "KRA55M"]


def test_the_limit_is_kept(network, inpost):
    points = inpost.points_search(country="PL", postcode="30-347", limit=2)

    # The disabled locker is the second nearest: it does not take a place.
    assert [p.carrier_point_id for p in points] == ["KRA010", "KRA77AP"]
