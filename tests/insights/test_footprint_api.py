"""GET /api/v1/insights/footprint/: the report's figures as JSON, scoped like the page."""

import pytest
from django.utils import timezone

from rma.core import roles
from tests.conftest import client_for
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/insights/footprint/"


def test_the_api_gives_the_figures_by_month_and_method(agent, returns_sent):
    response = client_for(agent).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == {
        "returns": 4,
        "grams_co2e": 3252,
        "baseline_grams_co2e": 1600,
        "saved_grams_co2e": -1652,
        "greener": 1,
        "greener_share": 0.25,
        "walked": 1,
    }
    months = {row["month"]: row["grams_co2e"] for row in body["by_month"]}
    assert months[timezone.localdate().strftime("%Y-%m")] == 1951
    assert months[returns_sent["last_month"].strftime("%Y-%m")] == 1301
    assert [(row["method"], row["returns"]) for row in body["by_method"]] == [
        ("relay_point", 2),
        ("home_pickup", 1),
        ("locker", 1),
    ]
    assert body["factor_sets"] == ["test-2026.1"]
    assert any("ADEME" in source for source in body["sources"])


def test_warehouse_staff_get_their_warehouse_only(warehouse_manager, returns_sent):
    client = client_for(warehouse_manager)

    mine = client.get(URL)
    other = client.get(URL, {"warehouse": "WH-OTHER"})

    assert mine.json()["total"]["grams_co2e"] == 1951
    assert other.status_code == 404  # not one of theirs: as if it did not exist
    assert "warehouse" in other.json()["error"]["details"]


def test_a_bad_period_is_a_400_with_the_reason(agent):
    response = client_for(agent).get(URL, {"start": "2026-12-01", "end": "2026-01-01"})
    not_a_date = client_for(agent).get(URL, {"start": "yesterday"})

    assert response.status_code == 400
    assert response.json()["error"]["details"]["non_field_errors"] == ["The period must start before it ends."]
    assert not_a_date.status_code == 400
    assert "start" in not_a_date.json()["error"]["details"]


def test_callers_without_a_role_are_refused(db):
    assert client_for(None).get(URL).status_code == 401
    assert client_for(UserFactory(username="nobody", roles=[])).get(URL).status_code == 403
    assert client_for(UserFactory(username="till", roles=[roles.STORE_STAFF])).get(URL).status_code == 200


def test_a_filter_given_empty_is_refused_not_ignored(agent):
    response = client_for(agent).get(URL, {"start": "", "warehouse": " "})

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"start", "warehouse"}
