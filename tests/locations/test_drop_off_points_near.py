import pytest

from rma.core.exceptions import DomainError
from rma.locations.models import PostcodePlace
from rma.locations.selectors import distance_km, drop_off_points_near, postcode_coordinates
from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db

PARIS = (48.8566, 2.3522)


def test_distance_paris_lyon_is_about_392_km():
    assert 385 < distance_km(*PARIS, 45.7640, 4.8357) < 400


def test_nearest_first_and_filtered_by_kind():
    far = DropOffPointFactory(name="Lyon", latitude=45.7640, longitude=4.8357, postcode="69001")
    near = DropOffPointFactory(name="Bastille", latitude=48.8532, longitude=2.3692, postcode="75011")
    nearer = DropOffPointFactory(name="Hôtel de Ville", latitude=48.8566, longitude=2.3525, postcode="75004")
    locker = DropOffPointFactory(name="Locker", kind="locker", latitude=48.8570, longitude=2.3530, postcode="75004")
    DropOffPointFactory(name="Closed", latitude=48.8566, longitude=2.3522, accepts_returns=False)

    found = drop_off_points_near(latitude=PARIS[0], longitude=PARIS[1], kinds=["relay_point"], limit=10)
    assert [n.point for n in found] == [nearer, near, far]
    assert found[0].distance_km < 0.1
    assert [n.point for n in drop_off_points_near(latitude=PARIS[0], longitude=PARIS[1], kinds=["locker"])] == [locker]


def test_a_postcode_missing_from_the_postcode_file_is_unknown_even_with_points_there():
    DropOffPointFactory(latitude=48.8532, longitude=2.3692, postcode="75011")
    assert postcode_coordinates(postcode="75011") is None  # a point's place is not the postcode's
    PostcodePlace.objects.create(postcode="75011", name="PARIS", commune="PARIS 11", latitude=48.859, longitude=2.38)
    assert postcode_coordinates(postcode="75011") == pytest.approx((48.859, 2.38))
    assert [n.distance_km for n in drop_off_points_near(postcode="75011")] == [pytest.approx(1.02, abs=0.01)]
    assert postcode_coordinates(postcode="29200") is None
    with pytest.raises(DomainError) as excinfo:
        drop_off_points_near(postcode="29200")
    assert excinfo.value.code == "unknown_postcode"


def test_the_search_widens_until_it_has_enough_points():
    DropOffPointFactory(latitude=43.2965, longitude=5.3698)  # Marseille, 660 km away
    assert len(drop_off_points_near(latitude=PARIS[0], longitude=PARIS[1], limit=5)) == 1


def test_a_subnormal_coordinate_is_read_as_zero_not_an_error():
    """-5e-324 is a valid float that PostgreSQL's trigonometry refuses (underflow); it means 0."""
    DropOffPointFactory(latitude=0.001, longitude=0.001)

    (nearby,) = drop_off_points_near(latitude=-5e-324, longitude=5e-324, limit=1)

    assert nearby.distance_km == pytest.approx(0.16, abs=0.01)
