"""Tests of the pure-Python demo reference data (no Django, no database)."""

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rma.demo import geography as geo

HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
ALL_DAY = [["00:00", "24:00"]]


@pytest.fixture(autouse=True)
def _media_root():
    """Shadow the Django-dependent autouse fixture of tests/conftest.py: this module runs with ``-p no:django``."""


@pytest.fixture(scope="module")
def points():
    return geo.generate_drop_off_points()


def _minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def assert_well_formed_hours(hours):
    assert list(hours) == list(geo.WEEKDAYS) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    for day, slots in hours.items():
        assert isinstance(slots, list), day
        previous_end = -1
        for slot in slots:
            assert isinstance(slot, list), (day, slot)
            assert len(slot) == 2, (day, slot)
            start, end = slot
            assert HHMM.match(start), (day, slot)
            assert HHMM.match(end), (day, slot)
            assert _minutes(start) < _minutes(end), (day, slot)
            assert _minutes(start) >= previous_end, (day, slots)
            previous_end = _minutes(end)


# --- cities ------------------------------------------------------------------------------------------------------


def test_cities_cover_metropolitan_france():
    assert len(geo.CITIES) >= 60
    names = {c.name for c in geo.CITIES}
    for expected in (
        "Paris", "Lyon", "Marseille", "Lille", "Bordeaux", "Nantes", "Toulouse", "Strasbourg", "Rennes", "Nice",
        "Ajaccio", "Bastia", "Brest", "Quimper", "Lorient", "Vannes", "Dijon", "Grenoble", "Montpellier",
        "Clermont-Ferrand", "Tours", "Orléans", "Reims", "Metz", "Nancy", "Rouen", "Caen", "Le Havre", "Amiens",
        "Limoges", "Poitiers", "Perpignan", "Pau", "Bayonne", "Besançon", "Mulhouse", "Saint-Étienne", "Annecy",
        "Avignon", "Nîmes", "Toulon", "Angers", "Le Mans", "La Rochelle", "Brive-la-Gaillarde", "Troyes",
    ):  # fmt: skip
        assert expected in names, expected
    paris = {c.postcode for c in geo.CITIES if c.name == "Paris"}
    assert paris == {f"750{n:02d}" for n in range(1, 21)}
    postcodes = [c.postcode for c in geo.CITIES]
    assert len(postcodes) == len(set(postcodes))
    for city in geo.CITIES:
        assert re.fullmatch(r"\d{5}", city.postcode), city
        assert 41.3 <= city.latitude <= 51.1, city
        assert -5.2 <= city.longitude <= 9.6, city
        assert city.department == geo.department_for_postcode(city.postcode), city
        assert round(city.latitude, 4) == city.latitude
        assert round(city.longitude, 4) == city.longitude


@pytest.mark.parametrize(
    ("name", "postcode", "latitude", "longitude"),
    [
        ("Paris", "75001", 48.8566, 2.3522),
        ("Lyon", "69001", 45.7640, 4.8357),
        ("Marseille", "13001", 43.2965, 5.3698),
        ("Lille", "59000", 50.6292, 3.0573),
        ("Bordeaux", "33000", 44.8378, -0.5792),
        ("Nantes", "44000", 47.2184, -1.5536),
        ("Toulouse", "31000", 43.6047, 1.4442),
        ("Strasbourg", "67000", 48.5734, 7.7521),
        ("Rennes", "35000", 48.1173, -1.6778),
        ("Nice", "06000", 43.7102, 7.2620),
        ("Ajaccio", "20000", 41.9192, 8.7386),
    ],
)
def test_reference_city_coordinates(name, postcode, latitude, longitude):
    city = geo.city_for_postcode(postcode)
    assert city == geo.City(name, postcode, latitude, longitude, city.department)


def test_city_is_frozen():
    with pytest.raises(AttributeError):
        geo.CITIES[0].name = "Lutèce"


def test_nearest_city():
    assert geo.nearest_city(45.7578, 4.8320).name == "Lyon"  # place Bellecour
    assert geo.nearest_city(43.2951, 5.3745).name == "Marseille"  # Vieux-Port
    assert geo.nearest_city(48.3904, -4.4861).name == "Brest"
    assert geo.nearest_city(42.7000, 9.4500).name == "Bastia"
    assert geo.nearest_city(48.8867, 2.3431) == geo.city_for_postcode("75018")  # Sacré-Cœur
    for city in geo.CITIES:
        assert geo.nearest_city(city.latitude, city.longitude) == city


def test_city_for_postcode_exact_and_department_fallback():
    assert geo.city_for_postcode("44000").name == "Nantes"
    assert geo.city_for_postcode(" 75011 ").postcode == "75011"
    assert geo.city_for_postcode("69007") == geo.city_for_postcode("69001")  # Lyon 7e -> Lyon
    assert geo.city_for_postcode("75116").postcode == "75001"  # Paris 16e (north) -> Paris
    assert geo.city_for_postcode("13008").name == "Marseille"
    assert geo.city_for_postcode("06110").name == "Nice"  # Le Cannet
    assert geo.city_for_postcode("29900").name == "Brest"  # Concarneau, Finistère
    assert geo.city_for_postcode("20169").name == "Ajaccio"  # Bonifacio, 2A
    assert geo.city_for_postcode("20260").name == "Bastia"  # Calvi, 2B
    assert geo.city_for_postcode("97400") is None  # La Réunion: not in metropolitan France
    assert geo.city_for_postcode("") is None
    assert geo.city_for_postcode("ABCDE") is None


def test_department_for_postcode():
    assert geo.department_for_postcode("06000") == "06"
    assert geo.department_for_postcode("20000") == "2A"
    assert geo.department_for_postcode("20200") == "2B"
    assert geo.department_for_postcode("97110") == "971"
    assert geo.department_for_postcode("7500") is None


def test_distance_km():
    assert geo.distance_km(48.8566, 2.3522, 48.8566, 2.3522) == 0
    assert 385 < geo.distance_km(48.8566, 2.3522, 45.7640, 4.8357) < 400  # Paris - Lyon


# --- name pools and static lists ---------------------------------------------------------------------------------


def test_pools():
    assert len(geo.STREET_NAMES) >= 40
    assert len(set(geo.STREET_NAMES)) == len(geo.STREET_NAMES)
    assert len(geo.RELAY_BUSINESSES) >= 30
    assert len(set(geo.RELAY_BUSINESSES)) == len(geo.RELAY_BUSINESSES)
    assert len(geo.FIRST_NAMES) >= 40
    assert len(set(geo.FIRST_NAMES)) == len(geo.FIRST_NAMES)
    assert len(geo.LAST_NAMES) >= 40
    assert len(set(geo.LAST_NAMES)) == len(geo.LAST_NAMES)
    assert {"Chloé", "Léa", "Théo", "Hélène", "François"} <= set(geo.FIRST_NAMES)


def test_shops_and_warehouses():
    assert [s["code"] for s in geo.SHOPS] == ["PAR01", "LYO01", "MAR01", "LIL01", "BOR01"]
    assert [w["code"] for w in geo.WAREHOUSES] == ["WH-IDF", "WH-RHO"]
    warehouse_codes = {w["code"] for w in geo.WAREHOUSES}
    phone = re.compile(r"^\+33 [1-9]( \d\d){4}$")
    for site in (*geo.SHOPS, *geo.WAREHOUSES):
        assert all(site[key] for key in ("name", "address_line1", "city", "country")), site
        assert re.fullmatch(r"\d{5}", site["postcode"]), site
        assert phone.match(site["phone"]), site
        assert re.fullmatch(r"[a-z0-9.-]+@[a-z0-9.-]+\.fr", site["email"]), site
        assert 41.3 <= site["latitude"] <= 51.1, site
        assert -5.2 <= site["longitude"] <= 9.6, site
    for shop in geo.SHOPS:
        assert shop["default_warehouse"] in warehouse_codes
        city = geo.city_for_postcode(shop["postcode"])
        assert city.name == shop["city"]
        assert geo.distance_km(shop["latitude"], shop["longitude"], city.latitude, city.longitude) < 3


# --- opening hours -----------------------------------------------------------------------------------------------


def test_locker_hours_helper_returns_fresh_copy():
    hours = geo.locker_opening_hours()
    assert hours == dict.fromkeys(geo.WEEKDAYS, ALL_DAY)
    hours["mon"].clear()
    assert geo.LOCKER_HOURS["mon"] == ALL_DAY
    assert geo.locker_opening_hours()["mon"] == ALL_DAY


@pytest.mark.parametrize(
    "hours",
    [
        {**{d: [] for d in geo.WEEKDAYS}, "mon": [["14:00", "12:00"]]},  # start after end
        {**{d: [] for d in geo.WEEKDAYS}, "mon": [["09:00", "13:00"], ["12:00", "18:00"]]},  # overlap
        {**{d: [] for d in geo.WEEKDAYS}, "mon": [["14:00", "18:00"], ["09:00", "12:00"]]},  # unordered
        {**{d: [] for d in geo.WEEKDAYS}, "mon": [["9:00", "12:00"]]},  # not HH:MM
        {**{d: [] for d in geo.WEEKDAYS}, "mon": [["09:00", "24:30"]]},
    ],
)
def test_validate_opening_hours_rejects(hours):
    with pytest.raises(ValidationError):
        geo.validate_opening_hours(hours)


def test_validate_opening_hours_accepts():
    geo.validate_opening_hours(geo.LOCKER_HOURS)
    geo.validate_opening_hours({**{d: [["09:00", "12:30"], ["14:00", "19:00"]] for d in geo.WEEKDAYS[:6]}, "sun": []})


# --- drop-off points ---------------------------------------------------------------------------------------------

POINT_KEYS = {
    "carrier",
    "carrier_point_id",
    "kind",
    "name",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "country",
    "latitude",
    "longitude",
    "opening_hours",
    "open_24_7",
    "wheelchair_accessible",
    "max_weight_kg",
    "max_dimensions_cm",
    "accepts_returns",
    "label_printing",
}


def test_count_and_shape(points):
    assert len(points) == 200
    for point in points:
        assert set(point) == POINT_KEYS
        assert point["carrier"] in geo.CARRIERS
        assert point["kind"] in geo.DROP_OFF_KINDS
        assert point["country"] == "FR"
        assert point["address_line2"] == ""
        assert re.fullmatch(r"\d+( bis)? .+", point["address_line1"])
        assert point["address_line1"].split(" ", 1)[-1].removeprefix("bis ") in geo.STREET_NAMES
    assert len(geo.generate_drop_off_points(count=17, seed=3)) == 17
    assert geo.generate_drop_off_points(count=0) == []
    with pytest.raises(ValueError):
        geo.generate_drop_off_points(count=-1)


def test_deterministic(points):
    assert geo.generate_drop_off_points() == points
    assert geo.generate_drop_off_points(count=200, seed=7) == points
    assert geo.generate_drop_off_points(seed=8) != points


def test_carrier_ids_unique_and_realistic(points):
    pairs = [(p["carrier"], p["carrier_point_id"]) for p in points]
    assert len(pairs) == len(set(pairs))
    patterns = {
        "mondial_relay": r"FR-\d{6}",
        "relais_colis": r"I\d{5}",
        "colissimo": r"\d{6}",
        "inpost": r"FR-[A-Z]{3}\d{5}M",
    }
    for carrier, point_id in pairs:
        assert re.fullmatch(patterns[carrier], point_id), (carrier, point_id)
    big = geo.generate_drop_off_points(count=1500, seed=1)
    big_pairs = [(p["carrier"], p["carrier_point_id"]) for p in big]
    assert len(big_pairs) == len(set(big_pairs))


def test_addresses_unique(points):
    for batch in (points, geo.generate_drop_off_points(count=1500, seed=1)):
        addresses = [(p["address_line1"], p["postcode"], p["city"]) for p in batch]
        assert len(addresses) == len(set(addresses))


def test_coordinates_in_metropolitan_france_near_their_city(points):
    cities = {(c.name, c.postcode): c for c in geo.CITIES}
    for point in points:
        assert 41.3 <= point["latitude"] <= 51.1, point
        assert -5.2 <= point["longitude"] <= 9.6, point
        assert round(point["latitude"], 6) == point["latitude"]
        assert round(point["longitude"], 6) == point["longitude"]
        city = cities[(point["city"], point["postcode"])]
        assert geo.distance_km(point["latitude"], point["longitude"], city.latitude, city.longitude) <= 3.05


def test_spread_weighted_by_city_size(points):
    per_city = Counter(p["city"] for p in points)
    assert len(per_city) >= 60
    assert per_city["Paris"] > per_city["Lyon"] > per_city["Brive-la-Gaillarde"]
    assert per_city["Marseille"] > per_city["Avignon"]
    assert len({p["postcode"] for p in points if p["city"] == "Paris"}) >= 15
    assert {"Ajaccio", "Bastia", "Brest", "Quimper"} <= set(per_city)


def test_kind_and_carrier_mix(points):
    kinds = Counter(p["kind"] for p in points)
    assert kinds == {"relay_point": 130, "locker": 50, "post_office": 20}
    for point in points:
        if point["kind"] == "post_office":
            assert point["carrier"] == "colissimo"
            assert point["name"].startswith("Bureau de poste ")
    locker_carriers = Counter(p["carrier"] for p in points if p["kind"] == "locker")
    assert locker_carriers["inpost"] + locker_carriers["mondial_relay"] >= 0.8 * kinds["locker"]
    relay_carriers = {p["carrier"] for p in points if p["kind"] == "relay_point"}
    assert relay_carriers == {"mondial_relay", "relais_colis", "colissimo"}
    assert {p["name"] for p in points if p["kind"] == "relay_point"} <= set(geo.RELAY_BUSINESSES)


def test_lockers_are_24_7(points):
    lockers = [p for p in points if p["kind"] == "locker"]
    assert lockers
    for point in points:
        assert point["open_24_7"] is (point["kind"] == "locker")
    for locker in lockers:
        assert locker["opening_hours"] == dict.fromkeys(geo.WEEKDAYS, ALL_DAY)
        assert locker["max_weight_kg"] == 20
        assert locker["max_dimensions_cm"] == 120
        assert locker["label_printing"] is False
    # each point has its own hours object
    lockers[0]["opening_hours"]["mon"].clear()
    assert lockers[1]["opening_hours"]["mon"] == ALL_DAY


def test_opening_hours_well_formed(points):
    for point in points:
        assert_well_formed_hours(point["opening_hours"])
        geo.validate_opening_hours(point["opening_hours"])


def test_opening_hours_are_realistic(points):
    relays = [p for p in points if p["kind"] == "relay_point"]
    for relay in relays:
        hours = relay["opening_hours"]
        assert hours["sat"], relay  # relay shops open on Saturday
        assert sum(bool(hours[d]) for d in geo.WEEKDAYS) >= 5
    assert any(not r["opening_hours"]["mon"] for r in relays)  # some closed on Monday
    assert any(r["opening_hours"]["sun"] for r in relays)  # some open on Sunday morning
    assert any(len(r["opening_hours"]["tue"]) == 2 for r in relays)  # lunch break
    for office in (p for p in points if p["kind"] == "post_office"):
        hours = office["opening_hours"]
        assert all(hours[d] for d in ("mon", "tue", "wed", "thu", "fri"))
        assert hours["sat"]
        assert _minutes(hours["sat"][-1][1]) <= _minutes("13:00")
        assert hours["sun"] == []


def test_flags(points):
    relays = [p for p in points if p["kind"] == "relay_point"]
    printing = sum(p["label_printing"] for p in relays) / len(relays)
    assert 0.25 <= printing <= 0.55
    refusing = sum(not p["accepts_returns"] for p in points)
    assert 0 < refusing <= 0.1 * len(points)
    assert any(p["wheelchair_accessible"] for p in points)
    assert not all(p["wheelchair_accessible"] for p in points)
    for point in points:
        if point["kind"] != "locker":
            assert point["max_weight_kg"] == 30
            assert point["max_dimensions_cm"] == 150


# --- product catalogue -------------------------------------------------------------------------------------------


def test_catalogue_categories_and_products():
    assert len(geo.PRODUCT_CATALOGUE) >= 40
    categories = Counter(p["category"] for p in geo.PRODUCT_CATALOGUE)
    assert set(categories) == set(geo.PRODUCT_CATEGORIES) == {"apparel", "footwear", "electronics", "home", "beauty"}
    assert min(categories.values()) >= 5
    refs = [p["product_ref"] for p in geo.PRODUCT_CATALOGUE]
    assert len(refs) == len(set(refs))
    for product in geo.PRODUCT_CATALOGUE:
        price = Decimal(product["base_price"])
        assert price > 0
        assert price == price.quantize(Decimal("0.01"))
        assert product["has_serial"] is (product["category"] == "electronics")
        assert product["non_returnable_reason"] in ("", "hygiene", "final_sale")
        assert product["final_sale"] is (product["non_returnable_reason"] == "final_sale")
        assert product["variants"]
        for variant in product["variants"]:
            assert Decimal(variant["price"]) > 0
            assert variant["sku"].startswith(product["product_ref"])


def test_catalogue_skus_unique_and_lookup():
    skus = [v["sku"] for p in geo.PRODUCT_CATALOGUE for v in p["variants"]]
    assert len(skus) == len(set(skus))
    assert all(re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)+", sku) for sku in skus)
    assert "CHM-LIN-BLA-M" in skus
    product, variant = geo.product_for_sku("CHM-LIN-BLA-M")
    assert product["name"] == "Chemise en lin col mao"
    assert (variant["size"], variant["colour"]) == ("M", "blanc")
    assert geo.product_for_sku("NOPE") is None


def test_catalogue_variants_by_category():
    for product in geo.PRODUCT_CATALOGUE:
        variants = product["variants"]
        if product["category"] in ("apparel", "footwear"):
            assert all(v["size"] and v["colour"] for v in variants)
        else:
            assert 1 <= len(variants) <= 2, product["product_ref"]
    shoes = next(p for p in geo.PRODUCT_CATALOGUE if p["product_ref"] == "BAS-CUI")
    assert {v["size"] for v in shoes["variants"]} == {str(n) for n in range(36, 46)}


def test_catalogue_non_returnable_items():
    reasons = Counter(p["non_returnable_reason"] for p in geo.PRODUCT_CATALOGUE)
    assert reasons["hygiene"] >= 3
    assert reasons["final_sale"] >= 2
    assert reasons[""] > len(geo.PRODUCT_CATALOGUE) / 2
    serum = next(p for p in geo.PRODUCT_CATALOGUE if p["name"] == "Sérum hydratant 30 ml")
    assert serum["non_returnable_reason"] == "hygiene"
