"""The footprint and disposition reports, the footprint's API and the analytics sheets' CSV exports cost a fixed
number of SQL statements, whatever the roll-up rows they add up: the number is pinned, so a statement more per
report shows here, and one per month, drop-off method, category or treatment shows as a difference between the small
and the big case."""

from datetime import date, timedelta

import pytest

from rma.core import roles
from rma.insights.models import FootprintDay, ShipmentDay
from rma.insights.rollups import all_days_rebuild
from rma.warehouse.choices import DispositionKind
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.helpers import get_queries
from tests.insights.analytics_data import END, START
from tests.insights.conftest import _dispose
from tests.insights.test_sheet_queries import _roll_ups_copied_to_earlier_months

pytestmark = pytest.mark.django_db
# Pinned (each request's transaction is a savepoint here, the savepoint and its release two of the statements).
# The footprint: the session and the reader, its sums by month and drop-off method, the factor sets they used; the
# page adds the roll-ups' freshness and its filters' choices of shops and warehouses; the API has the token instead.
FOOTPRINT_PAGE_QUERIES = 9
FOOTPRINT_API_QUERIES = 5
# The disclosure: the session and the reader, the year's sums by category, treatment and derogation, the roll-ups'
# freshness, the filters' shops and warehouses.
DISPOSITIONS_PAGE_QUERIES = 8
# A CSV: the session and the reader, the sheet's grouped statements (the whole sheet is built, as the API builds
# it: tests/insights/test_sheet_queries.py) and what labels its rows (the shipments sheet reads its shops once it
# has rows); no filters, no freshness.
CSV_QUERIES = {"rates": 11, "reasons": 7, "refunds": 7, "shipments": 7}
# The table each sheet's CSV gives (any of its tables costs the same: the sheet is built whole).
CSV_TABLES = {"rates": "category", "reasons": "reasons", "refunds": "costs", "shipments": "shops"}


def _footprint_copied_to_earlier_months() -> None:
    """Every footprint row again four, eight, ... twenty-eight weeks earlier: seven more months to tell."""
    rows = list(FootprintDay.objects.all())
    copies = []
    for weeks in range(4, 32, 4):
        for row in rows:
            fields = {f.attname: getattr(row, f.attname) for f in FootprintDay._meta.concrete_fields}
            copies.append(FootprintDay(**{**fields, "id": None, "day": row.day - timedelta(weeks=weeks)}))
    FootprintDay.objects.bulk_create(copies)


def test_the_footprint_costs_the_same_for_two_months_or_nine(client, agent, returns_sent):
    client.force_login(agent)
    api = client_for(agent)
    small = (get_queries(client, "/insights/footprint/", warm=True), get_queries(api, "/api/v1/insights/footprint/"))
    _footprint_copied_to_earlier_months()
    big = (get_queries(client, "/insights/footprint/"), get_queries(api, "/api/v1/insights/footprint/"))
    assert small == big == (FOOTPRINT_PAGE_QUERIES, FOOTPRINT_API_QUERIES)
    assert len(api.get("/api/v1/insights/footprint/").json()["by_month"]) > 2


def test_the_disposition_report_costs_the_same_for_six_rows_or_more(client, agent, make_return, warehouse, disposed):
    client.force_login(agent)
    small = get_queries(client, "/insights/dispositions/", warm=True)
    _dispose(
        make_return,
        warehouse,
        disposed,
        "other",
        [(DispositionKind.RESTOCK, ""), (DispositionKind.DONATE, ""), (DispositionKind.RECYCLE, "")],
    )
    _dispose(make_return, warehouse, disposed, "footwear", [(DispositionKind.DONATE, "")])
    all_days_rebuild()
    big = get_queries(client, "/insights/dispositions/")
    assert small == big == DISPOSITIONS_PAGE_QUERIES
    assert len(client.get("/insights/dispositions/", {"format": "json"}).json()["rows"]) == 10


@pytest.mark.parametrize("sheet", ["rates", "reasons", "refunds", "shipments"])
def test_a_sheet_s_csv_costs_the_same_for_one_month_or_ten(client, october, shop, warehouse, sheet):
    client.force_login(UserFactory(username="camille", roles=[roles.AGENT]))
    if sheet == "shipments":  # October's data sends no shipment: the shop's, as the roll-up keeps them
        for day, monthly in ((date(2026, 10, 1), True), (date(2026, 10, 14), False)):
            ShipmentDay.objects.create(
                day=day,
                monthly=monthly,
                store_id=shop.pk,
                warehouse_id=warehouse.pk,
                category="",
                shipments=1,
                cartons=2,
                units=5,
                received=1,
            )
    csv = f"/insights/analytics/{sheet}/?format=csv&table={CSV_TABLES[sheet]}"
    small = get_queries(client, f"{csv}&start={START}&end={END}", warm=True)
    _roll_ups_copied_to_earlier_months()
    big_csv = f"{csv}&start={date(2026, 1, 1)}&end={END}"
    big = get_queries(client, big_csv)
    assert small == big == CSV_QUERIES[sheet]
    response = client.get(big_csv)
    assert response["Content-Type"].startswith("text/csv")
    assert len(response.content.decode().splitlines()) > 1
