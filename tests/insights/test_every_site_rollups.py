"""The roll-ups of every site together (ReasonDay, RefundTimeDay): what a reader of every site reads, kept equal to
the per-site roll-ups (ReturnDay, RefundDay) added up, by the rebuilds and by the migrations that created them."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model, Sum
from django.test.utils import CaptureQueriesContext

from rma.insights.analytics import Filters, Scope
from rma.insights.models import Outcome, ReasonDay, RefundDay, RefundTimeDay, ReturnDay
from rma.insights.rollups import days_rebuild
from rma.insights.sheets import money_sheet, reasons_sheet
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db
OCTOBER = Filters(start=date(2026, 10, 1), end=date(2026, 10, 31))
EVERYWHERE = Scope(None, None)
# Each roll-up of every site, the per-site roll-up it adds up, its dimensions and its measures.
ROLLUPS: dict[type[Model], tuple[type[Model], tuple[str, ...], tuple[str, ...]]] = {
    ReasonDay: (ReturnDay, ("day", "monthly", "reason_id", "outcome", "settled"), ("returns", "units", "value")),
    RefundTimeDay: (RefundDay, ("day", "monthly", "days", "within_legal"), ("refunds", "amount")),
}
SHEETS = {ReasonDay: reasons_sheet, RefundTimeDay: money_sheet}


def per_site_added_up(every_site_model: type[Model]) -> dict[tuple, tuple]:
    model, key, measures = ROLLUPS[every_site_model]
    rows = model._default_manager.values(*key).annotate(**{m: Sum(m) for m in measures}).order_by()
    return {tuple(row[name] for name in key): tuple(row[m] for m in measures) for row in rows}


def every_site(every_site_model: type[Model]) -> dict[tuple, tuple]:
    _model, key, measures = ROLLUPS[every_site_model]
    return {
        tuple(getattr(row, name) for name in key): tuple(getattr(row, m) for m in measures)
        for row in every_site_model._default_manager.all()
    }


def tables_read(every_site_model: type[Model], call) -> set[str]:
    tables = (every_site_model._meta.db_table, ROLLUPS[every_site_model][0]._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        call()
    return {table for table in tables if any(f'"{table}"' in q["sql"] for q in queries)}


@pytest.mark.parametrize("model", list(ROLLUPS))
def test_every_site_s_rows_are_the_per_site_rows_added_up_after_a_rebuild(october, model):
    assert every_site(model) == per_site_added_up(model) != {}

    ReturnRequest.objects.filter(pk=october["r2"].pk).update(status=ReturnStatus.REJECTED)
    days_rebuild([date(2026, 10, 11)])

    assert every_site(model) == per_site_added_up(model)


def test_a_month_of_every_site_holds_a_row_per_reason_and_outcome(october):
    # October: R1 too large and refunded, R2 defective for store credit, R3 too large and given up, R4 defective
    # refunded without return; each its own row, as the shop and the lines no longer divide them.
    assert ReasonDay.objects.filter(monthly=True).count() == 4
    # Refunds after 1, 10 and 40 days: R4 without a parcel, R1 within 14 days of receipt, R2 past them.
    refunds = RefundTimeDay.objects.filter(monthly=True).order_by("days")
    assert [(row.days, row.within_legal, row.refunds) for row in refunds] == [
        (1, None, 1),
        (10, True, 1),
        (40, False, 1),
    ]

    ReturnRequest.objects.filter(pk=october["r2"].pk).update(status=ReturnStatus.REJECTED)
    days_rebuild([date(2026, 10, 11)])

    withdrawn = ReasonDay.objects.filter(monthly=True, outcome=Outcome.WITHDRAWN)
    assert sorted(withdrawn.values_list("units", flat=True)) == [1, 1]  # R3's dress and R2's trainers


@pytest.mark.parametrize("model", list(ROLLUPS))
def test_a_reader_of_every_site_reads_the_every_site_roll_up_and_a_filter_reads_the_sites(october, shop, model):
    sheet, per_site = SHEETS[model], {ROLLUPS[model][0]._meta.db_table}
    assert tables_read(model, lambda: sheet(scope=EVERYWHERE, filters=OCTOBER)) == {model._meta.db_table}
    for filters in (
        Filters(OCTOBER.start, OCTOBER.end, category="footwear"),
        Filters(OCTOBER.start, OCTOBER.end, store=shop),
        Filters(OCTOBER.start, OCTOBER.end, warehouse=shop.default_warehouse),
    ):
        assert tables_read(model, lambda f=filters: sheet(scope=EVERYWHERE, filters=f)) == per_site
    a_shop_s_reader = Scope(frozenset({shop.pk}), frozenset())
    assert tables_read(model, lambda: sheet(scope=a_shop_s_reader, filters=OCTOBER)) == per_site


@pytest.mark.parametrize("sheet", [reasons_sheet, money_sheet])
def test_both_roll_ups_give_the_same_figures(october, shop, sheet):
    """Every shop and warehouse of the month named: the per-site rows, read through the reader's sites, give what
    the every-site rows give (the return rates aside: a reader of named shops counts the units those shops sold)."""
    sites = ReturnDay.objects.values_list("store_id", "warehouse_id")
    named = Scope(frozenset(s for s, _w in sites if s), frozenset(w for _s, w in sites if w))
    assert not ReturnDay.objects.filter(store_id__isnull=True, warehouse_id__isnull=True).exists()

    def without_rates(sheet_made):
        tables = [[{k: v for k, v in row.items() if k != "rate"} for row in t.rows] for t in sheet_made.tables]
        return sheet_made.figures, tables

    together = without_rates(sheet(scope=EVERYWHERE, filters=OCTOBER))
    assert together == without_rates(sheet(scope=named, filters=OCTOBER))
    assert together[0] != []
    assert any(together[1])


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_the_every_site_roll_ups_from_the_per_site_rows(october):
    expected = {model: per_site_added_up(model) for model in ROLLUPS}
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("insights", "0003_shipment_rollups")])
        executor.loader.build_graph()
        executor.migrate([("insights", "0005_refund_time_days")])
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    for model in ROLLUPS:
        assert every_site(model) == expected[model] != {}, model.__name__
