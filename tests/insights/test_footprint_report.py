"""The footprint report adds up the estimates stored with each return (tests/insights/conftest.py works them out)."""

import csv
import io

import pytest
from django.utils import timezone

from rma.core import roles
from rma.insights.rollups import all_days_rebuild
from rma.orders.models import OrderLine
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/insights/footprint/"


def test_the_report_adds_up_this_month_and_last_month_by_drop_off(client, agent, returns_sent):
    client.force_login(agent)

    response = client.get(URL)

    assert response.status_code == 200
    report = response.context["report"]
    # 250 + 1,301 + 400 this month, 1,301 last month; the cancelled return is left out.
    total = report.total
    assert (total.returns, total.grams, total.baseline_g, total.saved_g) == (4, 3252, 1600, -1652)
    assert (total.greener, total.walked) == (1, 1)
    this_month = timezone.localdate().replace(day=1)
    months = dict(report.months)
    assert months[this_month].grams == 1951
    assert months[this_month].returns == 3
    assert months[returns_sent["last_month"].replace(day=1)].grams == 1301
    methods = dict(report.methods)
    assert (methods["relay_point"].returns, methods["relay_point"].grams) == (2, 2602)
    assert (methods["locker"].grams, methods["locker"].greener, methods["locker"].walked) == (250, 1, 1)
    assert methods["home_pickup"].grams == methods["home_pickup"].baseline_g == 400
    assert report.versions == ["test-2026.1"]
    page = response.content.decode()
    assert "3.3 kg CO₂e" in page  # 3,252 g
    assert "25\u00a0%" in page  # one greener choice in four
    assert "ADEME" in page


def test_the_csv_has_a_row_per_month_and_drop_off(client, agent, returns_sent):
    client.force_login(agent)

    response = client.get(URL + "?format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Factor-Sets"] == "test-2026.1"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    this_month = timezone.localdate().strftime("%Y-%m")
    mine = {row["method"]: row for row in rows if row["month"] == this_month}
    assert set(mine) == {"locker", "relay_point", "home_pickup"}
    assert mine["relay_point"] == {
        "month": this_month,
        "method": "relay_point",
        "returns": "1",
        "grams_co2e": "1301",
        "baseline_grams_co2e": "400",
        "saved_grams_co2e": "-901",
        "greener": "0",
        "walked": "0",
    }
    assert len(rows) == 4


def test_a_period_and_a_warehouse_narrow_the_figures(client, agent, returns_sent, warehouse):
    client.force_login(agent)
    today = timezone.localdate()

    response = client.get(URL, {"start": today.replace(day=1).isoformat(), "end": today.isoformat()})
    by_warehouse = client.get(URL, {"warehouse": "WH-OTHER"})

    assert response.context["report"].total.grams == 1951
    assert by_warehouse.context["report"].total.grams == 1301


def test_a_category_narrows_the_figures_to_the_returns_of_that_category(client, agent, returns_sent):
    OrderLine.objects.filter(return_lines__return_request=returns_sent["locker"]).update(category="footwear")
    all_days_rebuild()  # the order edited on the shop's side: the nightly pass reads it again
    client.force_login(agent)

    footwear = client.get(URL, {"category": "footwear"})
    apparel = client.get(URL, {"category": "apparel"})
    unknown = client.get(URL, {"category": "hats"})

    assert (footwear.context["report"].total.returns, footwear.context["report"].total.grams) == (1, 250)
    assert (apparel.context["report"].total.returns, apparel.context["report"].total.grams) == (3, 3002)
    assert unknown.status_code == 400


def test_warehouse_staff_see_their_warehouses_returns_only(client, warehouse_manager, returns_sent):
    client.force_login(warehouse_manager)

    response = client.get(URL)
    other = client.get(URL, {"warehouse": "WH-OTHER"})

    assert response.context["report"].total.grams == 1951
    assert other.status_code == 400  # not one of theirs: the form refuses it
    assert "WH-OTHER" not in response.content.decode()


def test_a_reversed_period_is_refused_with_a_message(client, agent):
    client.force_login(agent)

    response = client.get(URL, {"start": "2026-12-01", "end": "2026-01-01"})

    assert response.status_code == 400
    assert "The period must start before it ends." in response.content.decode()


def test_only_staff_read_the_report(client, db):
    assert client.get(URL).status_code == 302  # to the sign-in
    client.force_login(UserFactory(username="nobody", roles=[]))
    assert client.get(URL).status_code == 403
    client.force_login(UserFactory(username="till", roles=[roles.STORE_STAFF]))
    assert client.get(URL).status_code == 200
