"""The analytics sheets on a fixed month worked out by hand (tests/insights/analytics_data.py), their scope, their
exports, and the roll-ups following a return that changes status late."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rma.core import roles
from rma.insights.analytics import Filters, Scope
from rma.insights.models import RefundDay, ReturnDay, RollupState
from rma.insights.refresh import rollups_refresh
from rma.insights.sheets import SHEETS, money_sheet, rates_sheet, reasons_sheet
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.warehouse.choices import DispositionKind
from rma.warehouse.models import Grade
from rma.warehouse.services import (
    arrival_register,
    disposition_confirm,
    inspection_record,
    refund_release,
    warehouse_reference_data_seed,
)
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.helpers import staff_member
from tests.insights.analytics_data import END, START
from tests.locations.factories import StoreFactory

pytestmark = pytest.mark.django_db
OCTOBER = Filters(start=timezone.datetime(2026, 10, 1).date(), end=timezone.datetime(2026, 10, 31).date())
EVERYWHERE = Scope(None, None)


def figures(sheet):
    return {column.key: value for column, value in sheet.figures}


def rows(sheet, table, key):
    return {row[key]: row for row in sheet.table(table).rows}


def test_the_return_rate_is_units_returned_over_units_sold(october):
    sheet = rates_sheet(scope=EVERYWHERE, filters=OCTOBER)

    assert figures(sheet) == {"sold": 10, "returned": 4, "rate": 0.4, "returned_value": Decimal("250.00")}
    categories = rows(sheet, "category", "category")
    assert (categories["apparel"]["returned"], categories["apparel"]["sold"]) == (3, 8)
    assert categories["apparel"]["rate"] == 0.375
    assert categories["footwear"]["rate"] == 0.5
    channels = rows(sheet, "channel", "channel")
    assert (channels["web"]["rate"], channels["store"]["rate"]) == (0.5, 0.25)
    assert rows(sheet, "store", "store")["LYO01"]["rate"] == 0.25
    assert (rows(sheet, "sku", "sku")["DRS-M"]["returned"], rows(sheet, "sku", "sku")["DRS-M"]["sold"]) == (3, 8)
    assert [row["month"] for row in sheet.table("months").rows] == ["2026-10"]


def test_a_category_filter_narrows_every_figure(october):
    filters = Filters(OCTOBER.start, OCTOBER.end, category="footwear")

    assert figures(rates_sheet(scope=EVERYWHERE, filters=filters))["rate"] == 0.5
    assert figures(reasons_sheet(scope=EVERYWHERE, filters=filters))["units"] == 1


def test_a_category_whose_returns_cost_nothing_has_a_cost_per_return_of_zero(agent_client, october):
    """The trainers' return (R2) bought no label and had no unit inspected: its costs add up to 0.00, not to an
    integer 0 whose division by one return made the page fail."""
    footwear = Filters(OCTOBER.start, OCTOBER.end, category="footwear")

    assert figures(money_sheet(scope=EVERYWHERE, filters=footwear))["per_return"] == Decimal("0.00")
    page = agent_client.get("/insights/analytics/refunds/", {"start": START, "end": END, "category": "footwear"})
    assert page.status_code == 200


def test_reasons_and_outcomes_leave_the_given_up_return_out_of_the_totals(october):
    sheet = reasons_sheet(scope=EVERYWHERE, filters=OCTOBER)

    assert figures(sheet) == {"returns": 3, "units": 4, "settled": 3, "kept": Decimal("100.00")}
    reasons = rows(sheet, "reasons", "reason")
    assert (reasons["too-large"]["units"], reasons["defective"]["units"]) == (2, 2)
    assert reasons["too-large"]["share"] == 0.5
    assert (reasons["too-large"]["rate"], reasons["defective"]["rate"]) == (0.2, 0.2)  # 2 units each of 10 sold
    outcomes = rows(sheet, "outcomes", "outcome")
    assert {name: (row["returns"], row["units"]) for name, row in outcomes.items()} == {
        "refund": (1, 2),
        "store_credit": (1, 1),
        "returnless": (1, 1),
        "withdrawn": (1, 1),
    }
    assert outcomes["refund"]["share"] == pytest.approx(1 / 3)
    assert outcomes["withdrawn"]["share"] is None
    assert sheet.table("trend").rows == [{"month": "2026-10", "defective": 2, "too-large": 2, "other": 0}]


def test_time_to_refund_cost_and_recovery(october):
    sheet = money_sheet(scope=EVERYWHERE, filters=OCTOBER)

    headline = figures(sheet)
    assert (headline["refunds"], headline["p50"], headline["p90"]) == (3, 10, 40)
    assert headline["within_share"] == 0.5
    assert headline["per_return"] == Decimal("0.50")
    assert headline["recovered"] == Decimal("80.00")
    assert [(row["days"], row["refunds"]) for row in sheet.table("days").rows] == [(1, 1), (10, 1), (40, 1)]
    costs = [row["amount"] for row in sheet.table("costs").rows]
    assert costs == [Decimal("5.50"), Decimal("4.00"), Decimal("-3.00"), Decimal("-5.00"), Decimal("1.50")]
    dispositions = rows(sheet, "dispositions", "disposition")
    assert dispositions["restock"]["recovered"] == Decimal("50.00")
    assert dispositions["resell_secondhand"]["recovered"] == Decimal("30.00")
    assert rows(sheet, "grades", "grade")["C"]["share"] == 0.6


def test_a_shop_manager_sees_their_shop_and_a_warehouse_view_has_no_rate(october, shop, warehouse):
    manager = staff_member(shop, "sophie", roles.STORE_STAFF)
    sheet = rates_sheet(scope=Scope.of(manager), filters=OCTOBER)
    assert figures(sheet)["sold"] == 4
    assert figures(sheet)["rate"] == 0.25
    shop_reasons = reasons_sheet(scope=Scope.of(manager), filters=OCTOBER)
    assert figures(shop_reasons)["returns"] == 1  # R4 only
    assert rows(shop_reasons, "reasons", "reason")["defective"]["rate"] == 0.25  # its 1 unit of the 4 it sold

    operator = staff_member(warehouse, "wanda", roles.WAREHOUSE_STAFF)
    assert figures(rates_sheet(scope=Scope.of(operator), filters=OCTOBER))["rate"] is None
    warehouse_reasons = reasons_sheet(scope=Scope.of(operator), filters=OCTOBER)
    assert figures(warehouse_reasons)["returns"] == 3
    assert {row["rate"] for row in warehouse_reasons.table("reasons").rows} == {None}

    stranger = UserFactory(username="nobody", roles=[roles.STORE_STAFF])
    assert figures(money_sheet(scope=Scope.of(stranger), filters=OCTOBER))["refunds"] == 0


def test_a_refund_a_month_after_the_request_rewrites_the_requests_day(make_return, warehouse):
    warehouse_reference_data_seed()
    operator = staff_member(warehouse, "alice", roles.WAREHOUSE_STAFF)
    return_request = make_return(status=ReturnStatus.IN_TRANSIT, destination=warehouse)
    asked = timezone.now() - timedelta(days=34, hours=12)
    ReturnRequest.objects.filter(pk=return_request.pk).update(created_at=asked)
    assert rollups_refresh() >= 1
    day = timezone.localdate(asked)
    assert not RefundDay.objects.filter(monthly=False, day=day).exists()
    assert ReturnDay.objects.get(monthly=False, day=day).settled is False

    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    grade = Grade.objects.filter(scale__category="apparel").order_by("position").first()
    inspection = inspection_record(return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade)
    disposition_confirm(inspection=inspection, actor=operator, kind=DispositionKind.RESTOCK, override_reason="Seen")
    refund_release(return_request=return_request, actor=operator)
    rollups_refresh()

    refund = RefundDay.objects.get(monthly=False, day=day)
    assert (refund.days, refund.within_legal, refund.refunds) == (35, True, 1)
    assert ReturnDay.objects.get(monthly=False, day=day).settled is True
    assert RollupState.objects.get().refreshed_at is not None


def test_the_first_run_rebuilds_the_recent_weeks_and_marks_what_exists(october, settings):
    settings.RMA_INSIGHTS_REBUILD_DAYS = 3
    RollupState.objects.all().delete()

    assert rollups_refresh() == 3
    state = RollupState.objects.get()
    assert state.event_id == ReturnEvent.objects.order_by("-id").values_list("id", flat=True).first()
    assert ReturnDay.objects.filter(day__month=10).exists()  # older days are left as they were


def test_a_run_with_nothing_new_rebuilds_nothing(october):
    rollups_refresh()
    RollupState.objects.update(refreshed_at=timezone.now() + timedelta(minutes=5))  # the data is older than the run

    assert rollups_refresh() == 0


# ---- pages, CSV and API


@pytest.fixture
def agent_client(client, db):
    client.force_login(UserFactory(username="camille", roles=[roles.AGENT]))
    return client


@pytest.mark.parametrize("sheet", list(SHEETS))
def test_each_page_shows_its_figures(agent_client, october, sheet):
    response = agent_client.get(f"/insights/analytics/{sheet}/", {"start": START, "end": END})

    assert response.status_code == 200
    assert b"data-totals" in response.content
    assert b"<svg" in response.content or sheet == "shipments"  # no shipment in the month: no chart


def test_the_rate_page_prints_the_figures_in_the_readers_language(agent_client, october):
    page = agent_client.get("/insights/analytics/rates/", {"start": START, "end": END}).content.decode()
    assert 'data-total="rate">40.0\u00a0%<' in page

    agent_client.cookies["django_language"] = "fr"
    page = agent_client.get("/insights/analytics/refunds/", {"start": START, "end": END}).content.decode()
    assert 'data-total="p50">10\u00a0j<' in page
    assert "Délai médian de remboursement" in page
    # The chart's coordinates stay numbers SVG reads ("26.7"), not French decimals ("26,7").
    assert re.search(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+"', page)
    assert not re.search(r'(x|y|width|height)="\d+,\d', page)


def test_the_csv_gives_one_table_in_plain_values(agent_client, october):
    response = agent_client.get(
        "/insights/analytics/rates/", {"start": START, "end": END, "format": "csv", "table": "category"}
    )

    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    apparel = next(row for row in table if row["category"] == "apparel")
    assert (apparel["sold"], apparel["returned"], apparel["rate"], apparel["returned_value"]) == (
        "8",
        "3",
        "0.375",
        "150.00",
    )
    unknown = agent_client.get("/insights/analytics/rates/", {"format": "csv", "table": "nope"})
    assert unknown.status_code == 400


def test_bad_filters_get_a_form_error_not_a_report(agent_client):
    response = agent_client.get("/insights/analytics/rates/", {"start": "2026-10-31", "end": "2026-10-01"})

    assert response.status_code == 400
    assert b"data-form-error" in response.content
    assert agent_client.get("/insights/analytics/nothing/").status_code == 404


def test_the_api_returns_the_same_figures(october, shop):
    api = client_for(UserFactory(username="camille", roles=[roles.AGENT]))

    body = api.get("/api/v1/insights/analytics/refunds/", {"start": START, "end": END}).json()

    assert body["figures"]["p90"] == 40
    assert body["figures"]["per_return"] == "0.50"
    assert body["tables"]["days"] == [
        {"days": 1, "refunds": 1},
        {"days": 10, "refunds": 1},
        {"days": 40, "refunds": 1},
    ]
    assert api.get("/api/v1/insights/analytics/rates/", {"start": START, "category": "hats"}).status_code == 400
    assert api.get("/api/v1/insights/analytics/rates/", {"store": ""}).status_code == 400
    assert api.get("/api/v1/insights/analytics/nothing/").status_code == 404


def test_the_api_hides_other_shops(october, shop):
    other = StoreFactory(code="PAR02")
    manager = staff_member(other, "sophie", roles.STORE_STAFF)
    api = client_for(manager)

    refused = api.get("/api/v1/insights/analytics/rates/", {"store": shop.code})

    assert refused.status_code == 404
    assert "store" in refused.json()["error"]["details"]


def test_the_command_rebuilds_the_roll_ups_and_refuses_a_bad_day(october):
    ReturnDay.objects.all().delete()
    out = io.StringIO()

    call_command("insights_rollup", "--since", "2026-10-01", stdout=out)

    assert ReturnDay.objects.filter(day__month=10).count() > 0
    assert "roll-up rows written" in out.getvalue()
    assert RollupState.objects.get().event_id > 0  # the worker's next run starts from here
    with pytest.raises(CommandError, match="not a date"):
        call_command("insights_rollup", "--since", "October")
