"""The roll-ups' month rows (a period reads its whole months from them and its ends from the day rows), and the
footprint and disposition roll-ups kept up to date by the refresh."""

from datetime import date, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from rma.core import roles
from rma.insights.analytics import Filters, Scope, period_rows, rate_report
from rma.insights.dispositions import disposition_rows
from rma.insights.footprint import footprint_report
from rma.insights.models import DispositionDay, FootprintDay, ReturnDay
from rma.insights.refresh import rollups_refresh
from rma.insights.rollups import MEASURES, TABLES, days_rebuild
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_cancel
from rma.warehouse.choices import DispositionKind
from rma.warehouse.models import Grade
from rma.warehouse.services import (
    arrival_register,
    disposition_confirm,
    inspection_record,
    warehouse_reference_data_seed,
)
from tests.helpers import run_in_threads as race
from tests.helpers import staff_member

pytestmark = pytest.mark.django_db
EVERYWHERE = Scope(None, None)


def test_each_month_row_adds_up_the_day_rows_of_its_month(october):
    for model in TABLES:
        rows = model._default_manager
        for measure in MEASURES[model]:
            by_day = rows.filter(monthly=False, day__month=10).aggregate(n=Sum(measure))["n"]
            by_month = rows.filter(monthly=True, day=date(2026, 10, 1)).aggregate(n=Sum(measure))["n"]
            assert by_day == by_month, (model.__name__, measure)
    assert not any(model._default_manager.filter(monthly=True).exclude(day__day=1).exists() for model in TABLES)


@pytest.mark.parametrize(
    ("start", "end", "returned"),
    [
        (date(2026, 10, 1), date(2026, 10, 31), 4),  # the month row
        (date(2026, 9, 14), date(2026, 11, 3), 4),  # the month row and the days around it
        (date(2026, 10, 5), date(2026, 11, 30), 4),  # October's last days and November's row
        (date(2026, 10, 10), date(2026, 10, 11), 3),  # two days: R1's 2 dresses and R2's trainers
        (date(2026, 10, 12), date(2026, 12, 31), 1),  # R4 (R3 was given up)
        (date(2026, 11, 1), date(2026, 11, 30), 0),
    ],
)
def test_a_period_counts_each_day_once_whatever_rows_it_reads(october, start, end, returned):
    report = rate_report(scope=EVERYWHERE, filters=Filters(start, end))

    assert report.total.returned == returned


@pytest.mark.parametrize(
    ("start", "end", "monthly"),
    [
        (date(2026, 10, 1), date(2026, 10, 31), {True}),
        (date(2026, 9, 14), date(2026, 11, 3), {True}),  # September's and November's days have no rows
        (date(2026, 10, 2), date(2026, 10, 31), {False}),
        (date(2026, 10, 1), date(2026, 10, 30), {False}),
    ],
)
def test_a_period_reads_month_rows_for_whole_months_only(october, start, end, monthly):
    read = ReturnDay.objects.filter(period_rows(start, end))

    assert set(read.values_list("monthly", flat=True)) == monthly


def test_a_cancelled_return_leaves_the_footprint_at_the_next_refresh(returns_sent):
    today = Filters(timezone.localdate().replace(day=1), timezone.localdate())
    assert footprint_report(scope=EVERYWHERE, filters=today).total.returns == 3
    rollups_refresh()  # the first run: marks what exists

    return_request_cancel(return_request=returns_sent["home"], actor=None)
    rollups_refresh()

    report = footprint_report(scope=EVERYWHERE, filters=today)
    assert (report.total.returns, report.total.grams) == (2, 1551)  # 250 + 1,301: the home pickup left
    assert not FootprintDay.objects.filter(method="home_pickup").exists()


def test_a_disposition_of_an_old_return_reaches_this_years_disclosure_at_the_next_refresh(make_return, warehouse):
    """Requested 100 days ago, past the nightly pass's weeks: the disposition's mark brings its day back."""
    warehouse_reference_data_seed()
    operator = staff_member(warehouse, "alice", roles.WAREHOUSE_STAFF)
    return_request = make_return(status=ReturnStatus.IN_TRANSIT, destination=warehouse)
    ReturnRequest.objects.filter(pk=return_request.pk).update(created_at=timezone.now() - timedelta(days=100))
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    grade = Grade.objects.filter(scale__category="apparel").order_by("position").last()
    inspection = inspection_record(return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade)
    rollups_refresh()  # the first run: marks what exists, rebuilds the recent weeks only
    assert not DispositionDay.objects.exists()

    disposition_confirm(inspection=inspection, actor=operator, kind=DispositionKind.RECYCLE, override_reason="Torn")
    rollups_refresh()

    rows = disposition_rows(scope=EVERYWHERE, year=timezone.localdate().year)
    assert [(row.category, row.treatment, row.units) for row in rows] == [("apparel", "recycled", 1)]
    assert DispositionDay.objects.filter(monthly=False).get().day == timezone.localdate(
        ReturnRequest.objects.get(pk=return_request.pk).created_at
    )


@pytest.mark.django_db(transaction=True)
def test_two_rebuilds_of_the_same_days_at_once_count_them_once(postgres_only, october):
    """The worker's refresh and `insights_rollup` side by side: the second waits for the first to commit."""
    rows = {model: model._default_manager.count() for model in TABLES}
    october_days = [date(2026, 10, day) for day in range(1, 32)]

    outcomes = race(lambda: days_rebuild(october_days), lambda: days_rebuild(october_days))

    assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []
    assert {model: model._default_manager.count() for model in TABLES} == rows
    assert rate_report(scope=EVERYWHERE, filters=Filters(date(2026, 10, 1), date(2026, 10, 31))).total.returned == 4


def test_the_footprint_and_disposition_pages_say_when_their_figures_were_brought_up_to_date(client, agent, db):
    client.force_login(agent)
    assert "data-refreshed" not in client.get("/insights/footprint/").content.decode()  # never refreshed yet

    rollups_refresh()

    for url in ("/insights/footprint/", "/insights/dispositions/"):
        page = client.get(url).content.decode()
        assert "data-refreshed" in page
        assert "they follow the returns within a minute or two" in page
