"""Each analytics sheet costs a fixed number of statements, whatever the number of roll-up rows it adds up: every
table of a sheet comes from grouped statements whose answers are bounded by months and categories of the period,
not by the returns in it."""

from datetime import date

import pytest

from rma.core import roles
from rma.insights.rollups import TABLES
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.helpers import get_queries
from tests.insights.analytics_data import END, START

pytestmark = pytest.mark.django_db
# Pinned, the page's and the API's: the session or token, the roll-up statements of the sheet and what labels its
# rows (reasons, shops), the roll-ups' freshness; the page adds its filters' choices of shops and warehouses.
PAGE_QUERIES = {"rates": 14, "reasons": 10, "refunds": 10, "shipments": 9}
API_QUERIES = {"rates": 11, "reasons": 7, "refunds": 7, "shipments": 6}


def _roll_ups_copied_to_earlier_months() -> None:
    """The October rows again in each month from January: nine times the rows, nine months more to group."""
    for model in TABLES:
        rows = list(model._default_manager.all())
        copies = []
        for month in range(1, 10):
            for row in rows:
                row.pk, row.day = None, row.day.replace(month=month)
                copies.append(model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}))
        model._default_manager.bulk_create(copies)


@pytest.mark.parametrize("sheet", ["rates", "reasons", "refunds", "shipments"])
def test_a_sheet_costs_the_same_for_one_month_or_ten(client, october, sheet):
    client.force_login(UserFactory(username="camille", roles=[roles.AGENT]))
    api = client_for(UserFactory(username="ines", roles=[roles.INTEGRATION]))
    page = f"/insights/analytics/{sheet}/"
    endpoint = f"/api/v1/insights/analytics/{sheet}/"
    one_month = f"?start={START}&end={END}"
    small = (get_queries(client, page + one_month, warm=True), get_queries(api, endpoint + one_month, warm=True))

    _roll_ups_copied_to_earlier_months()
    ten_months = f"?start={date(2026, 1, 1)}&end={END}"
    big = (get_queries(client, page + ten_months), get_queries(api, endpoint + ten_months))

    assert small == big == (PAGE_QUERIES[sheet], API_QUERIES[sheet])
