"""Carbon estimates of the ways to send a return back, and the order they are offered in."""

from rma.returns.carbon import carbon_estimate, convenience_sort_key


def test_carbon_adds_the_car_trip_beyond_walking_distance(settings):
    settings.RMA_CARBON_FACTORS = {
        "carrier_leg_g": {"relay_point": 287, "store": 150, "home_pickup": 374},
        "car_g_per_km": 193,
        "dedicated_trip_share": {"relay_point": 0.3, "store": 0.5},
        "walkable_km": 1.0,
    }
    walk = carbon_estimate(kind="relay_point", distance_km=0.8)
    assert (walk.grams, walk.trip_g, walk.walkable) == (287, 0, True)
    drive = carbon_estimate(kind="relay_point", distance_km=5.0)
    assert drive.grams == 287 + round(2 * 5.0 * 193 * 0.3)
    assert carbon_estimate(kind="store", distance_km=3.0).grams == 150 + round(2 * 3.0 * 193 * 0.5)
    assert carbon_estimate(kind="home_pickup", distance_km=None).grams == 374


def test_factors_come_from_settings(settings):
    settings.RMA_CARBON_FACTORS = {**settings.RMA_CARBON_FACTORS, "carrier_leg_g": {"locker": 10}}
    assert carbon_estimate(kind="locker", distance_km=0.1).grams == 10


def test_greener_first_only_among_options_about_as_near():
    near_dirty = convenience_sort_key(distance_km=0.3, grams=374)
    near_green = convenience_sort_key(distance_km=0.6, grams=287)
    far_green = convenience_sort_key(distance_km=4.0, grams=150)
    assert sorted([far_green, near_dirty, near_green]) == [near_green, near_dirty, far_green]
