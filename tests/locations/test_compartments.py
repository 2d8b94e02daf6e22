"""A locker's compartment sizes, as the model accepts them."""

import pytest
from django.core.exceptions import ValidationError

from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "compartments",
    [
        {"size": "A"},
        [{"size": "A", "height": 8, "width": 38}],
        [{"size": "", "height": 8, "width": 38, "depth": 64}],
        [{"size": "A", "height": 0, "width": 38, "depth": 64}],
        [{"size": "A", "height": True, "width": 38, "depth": 64}],
        [{"size": "A", "height": "8", "width": 38, "depth": 64}],
    ],
)
def test_a_locker_refuses_compartments_without_a_size_and_three_dimensions(compartments):
    locker = DropOffPointFactory.build(kind="locker", compartments=compartments)
    with pytest.raises(ValidationError) as excinfo:
        locker.full_clean(exclude=["store"], validate_unique=False)
    assert "compartments" in excinfo.value.message_dict
    locker.compartments = [{"size": "B", "height": 19, "width": 38, "depth": 64.5}]
    locker.full_clean(exclude=["store"], validate_unique=False)
