"""One scope rule for a shop's staff: the returns API and the shop API show them the same returns."""

import pytest
from rest_framework.test import APIClient

from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db


def visible(client, return_request):
    """Whether each API shows this return: (returns API, shop API)."""
    public_id = return_request.public_id
    both = (client.get(f"/api/v1/returns/{public_id}/"), client.get(f"/api/v1/store/returns/{public_id}/"))
    assert {response.status_code for response in both} <= {200, 404}
    return tuple(response.status_code == 200 for response in both)


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


def test_both_apis_show_a_shop_its_own_returns_and_nothing_else(api, make_return, store, other_store):
    mine = make_return()
    assert visible(api, mine) == (True, True)
    assert visible(api, make_return(at=other_store)) == (False, False)
    relay = make_return(point=DropOffPointFactory())
    assert relay.store_id is None
    assert visible(api, relay) == (False, False)
    store.is_active = False
    store.save(update_fields=["is_active"])
    assert visible(api, mine) == (False, False)


def test_a_relay_point_return_handed_in_at_the_counter_becomes_the_shops_in_both_apis(api, make_return):
    relay = make_return(point=DropOffPointFactory())
    scanned = api.post("/api/v1/store/counter/scan/", {"code": relay.rma_number}, format="json")
    assert scanned.status_code == 200
    line_id = scanned.json()["lines"][0]["line_id"]
    checked = api.post(
        f"/api/v1/store/returns/{relay.public_id}/check/",
        {"lines": [{"line_id": line_id, "condition": "good", "accepted": True}]},
        format="json",
    )
    assert checked.status_code == 200, checked.json()
    assert visible(api, relay) == (True, True)
