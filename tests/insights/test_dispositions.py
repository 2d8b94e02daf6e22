"""The disposition disclosure: the units disposed of in a year, by category, treatment and derogation, with the
weight its shops published for each unit, else estimated from its category's average unit weight; CSV and JSON
exports; scoped to the reader's sites."""

import csv
import io

import pytest
from django.utils import timezone

from rma.insights.rollups import all_days_rebuild
from rma.orders.models import OrderLine
from rma.returns.models import ReturnRequest
from rma.warehouse.choices import Derogation, DispositionKind
from tests.insights.conftest import _dispose
from tests.locations.factories import StoreFactory

pytestmark = pytest.mark.django_db
URL = "/insights/dispositions/"


def _rows(response):
    return {(r["category"], r["treatment"], r["derogation"]): r for r in response.json()["rows"]}


def test_the_year_is_told_by_category_treatment_and_derogation(client, agent, disposed):
    client.force_login(agent)

    response = client.get(URL, {"format": "json"})

    rows = _rows(response)
    assert response.json()["year"] == timezone.localdate().year
    assert {key: row["units"] for key, row in rows.items()} == {
        ("apparel", "resold", ""): 2,
        ("apparel", "donated", ""): 1,
        ("apparel", "recycled", ""): 2,
        ("apparel", "destroyed", "health_safety"): 2,
        ("footwear", "resold_secondhand", ""): 1,
        ("footwear", "destroyed", "ip_infringement"): 1,
    }
    # 2 × 350 g; 1 × 900 g.
    assert rows[("apparel", "destroyed", "health_safety")]["weight_kg_estimated"] == 0.7
    assert rows[("footwear", "destroyed", "ip_infringement")]["weight_kg_estimated"] == 0.9
    assert (rows[("apparel", "recycled", "")]["discarded"], rows[("apparel", "recycled", "")]["waste_operation"]) == (
        True,
        "recycling",
    )
    assert rows[("apparel", "destroyed", "health_safety")]["waste_operation"] == "disposal"
    assert (rows[("apparel", "donated", "")]["discarded"], rows[("apparel", "donated", "")]["waste_operation"]) == (
        False,
        "",
    )


def test_the_page_totals_and_the_csv(client, agent, disposed):
    client.force_login(agent)

    page = client.get(URL)
    exported = client.get(URL, {"format": "csv", "category": "footwear"})

    assert page.status_code == 200
    assert (page.context["units"], page.context["discarded"], page.context["destroyed"]) == (9, 5, 3)
    assert "Health, hygiene or safety risk" in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(r["treatment"], r["derogation"], r["units"], r["weight_kg_estimated"]) for r in rows] == [
        ("resold_secondhand", "", "1", "0.9"),
        ("destroyed", "ip_infringement", "1", "0.9"),
    ]


def test_last_year_and_a_warehouse_are_reported_alone(client, agent, disposed):
    client.force_login(agent)

    last_year = client.get(URL, {"format": "json", "year": timezone.localdate().year - 1})
    other = client.get(URL, {"format": "json", "warehouse": "WH-OTHER"})

    assert [(r["category"], r["treatment"], r["units"]) for r in last_year.json()["rows"]] == [
        ("apparel", "destroyed", 1)
    ]
    assert [(r["treatment"], r["units"]) for r in other.json()["rows"]] == [("recycled", 1)]


def test_a_shop_reads_the_units_of_the_returns_it_took_in(client, agent, disposed):
    ReturnRequest.objects.filter(lines__order_line__category="footwear").update(store=StoreFactory(code="PAR01"))
    all_days_rebuild()  # a change that writes no event: the nightly pass reads it again
    client.force_login(agent)

    rows = client.get(URL, {"format": "json", "store": "PAR01"}).json()["rows"]

    assert [(r["category"], r["treatment"], r["units"]) for r in rows] == [
        ("footwear", "resold_secondhand", 1),
        ("footwear", "destroyed", 1),
    ]
    assert client.get(URL, {"format": "json", "store": "NOWHERE"}).status_code == 400


def test_warehouse_staff_see_their_warehouses_units_only(client, disposed):
    client.force_login(disposed)

    response = client.get(URL, {"format": "json"})
    refused = client.get(URL, {"format": "json", "warehouse": "WH-OTHER"})

    assert sum(r["units"] for r in response.json()["rows"]) == 8
    assert refused.status_code == 400
    assert "warehouse" in refused.json()["error"]["details"]


def test_a_year_out_of_range_is_refused(client, agent):
    client.force_login(agent)

    assert client.get(URL, {"year": "1900"}).status_code == 400
    assert client.get(URL, {"year": "next", "format": "json"}).status_code == 400


def test_a_unit_weighs_what_its_shop_published_and_the_others_are_estimated(
    client, agent, disposed, make_return, warehouse
):
    OrderLine.objects.filter(category="footwear").update(unit_weight_g=1200)
    destroy = (DispositionKind.DESTROY, Derogation.HEALTH_SAFETY)
    weighed = _dispose(make_return, warehouse, disposed, "apparel", [destroy])
    OrderLine.objects.filter(return_lines__return_request=weighed).update(unit_weight_g=410)
    all_days_rebuild()  # the weights changed on the shop's side: the nightly pass reads them again
    client.force_login(agent)

    rows = _rows(client.get(URL, {"format": "json"}))
    exported = list(csv.DictReader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode())))
    page = client.get(URL)

    # 2 units of the shop that published no weight (2 × 350 g, estimated) and 1 of 410 g.
    destroyed = rows[("apparel", "destroyed", "health_safety")]
    assert (destroyed["units"], destroyed["weight_kg_estimated"], destroyed["weight_source"]) == (3, 1.11, "mixed")
    assert (destroyed["units_weight_published"], destroyed["units_weight_estimated"]) == (1, 2)
    assert [(r["weight_kg_estimated"], r["weight_source"]) for k, r in rows.items() if k[0] == "footwear"] == [
        (1.2, "published"),
        (1.2, "published"),
    ]
    assert rows[("apparel", "resold", "")]["weight_source"] == "estimated"
    by_key = {(r["category"], r["treatment"], r["derogation"]): r for r in exported}
    assert {k: by_key[("apparel", "destroyed", "health_safety")][k] for k in EXPORTED_WEIGHT} == {
        "weight_kg_estimated": "1.11",
        "weight_source": "mixed",
        "units_weight_published": "1",
        "units_weight_estimated": "2",
    }
    assert 'data-weight-source="mixed">1 published, 2 estimated<' in page.content.decode()


EXPORTED_WEIGHT = ("weight_kg_estimated", "weight_source", "units_weight_published", "units_weight_estimated")
