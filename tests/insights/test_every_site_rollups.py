"""The reasons roll-up of every site together (ReasonDay): what a reader of every site reads, kept equal to the
per-site roll-up (ReturnDay) added up, by the rebuilds and by the migration that created it."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from rma.insights.analytics import Filters, Scope
from rma.insights.models import Outcome, ReasonDay, ReturnDay
from rma.insights.rollups import days_rebuild
from rma.insights.sheets import reasons_sheet
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db
OCTOBER = Filters(start=date(2026, 10, 1), end=date(2026, 10, 31))
EVERYWHERE = Scope(None, None)
KEY = ("day", "monthly", "reason_id", "outcome", "settled")


def per_site_added_up() -> dict[tuple, tuple]:
    rows = ReturnDay.objects.values(*KEY).annotate(r=Sum("returns"), u=Sum("units"), v=Sum("value")).order_by()
    return {tuple(row[name] for name in KEY): (row["r"], row["u"], row["v"]) for row in rows}


def every_site() -> dict[tuple, tuple]:
    return {
        tuple(getattr(row, name) for name in KEY): (row.returns, row.units, row.value)
        for row in ReasonDay.objects.all()
    }


def tables_read(call) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return {table for table in ("insights_reasonday", "insights_returnday") if any(table in q["sql"] for q in queries)}


def test_every_site_s_rows_are_the_per_site_rows_added_up_after_a_rebuild(october):
    assert every_site() == per_site_added_up() != {}
    # October's month: R1 too large and refunded, R2 defective for store credit, R3 too large and given up, R4
    # defective refunded without return; each its own row, as the shop and the lines no longer divide them.
    assert ReasonDay.objects.filter(monthly=True).count() == 4

    ReturnRequest.objects.filter(pk=october["r2"].pk).update(status=ReturnStatus.REJECTED)
    days_rebuild([date(2026, 10, 11)])

    assert every_site() == per_site_added_up()
    withdrawn = ReasonDay.objects.filter(monthly=True, outcome=Outcome.WITHDRAWN)
    assert sorted(withdrawn.values_list("units", flat=True)) == [1, 1]  # R3's dress and R2's trainers


def test_a_reader_of_every_site_reads_the_every_site_roll_up_and_a_filter_reads_the_sites(october, shop):
    assert tables_read(lambda: reasons_sheet(scope=EVERYWHERE, filters=OCTOBER)) == {"insights_reasonday"}
    for filters in (
        Filters(OCTOBER.start, OCTOBER.end, category="footwear"),
        Filters(OCTOBER.start, OCTOBER.end, store=shop),
        Filters(OCTOBER.start, OCTOBER.end, warehouse=shop.default_warehouse),
    ):
        assert tables_read(lambda f=filters: reasons_sheet(scope=EVERYWHERE, filters=f)) == {"insights_returnday"}
    a_shop_s_reader = Scope(frozenset({shop.pk}), frozenset())
    assert tables_read(lambda: reasons_sheet(scope=a_shop_s_reader, filters=OCTOBER)) == {"insights_returnday"}


def test_both_roll_ups_give_the_same_figures(october, shop):
    """Every shop and warehouse of the month named: the per-site rows, read through the reader's sites, give what
    the every-site rows give (the return rates aside: a reader of named shops counts the units those shops sold)."""
    sites = ReturnDay.objects.values_list("store_id", "warehouse_id")
    named = Scope(frozenset(s for s, _w in sites if s), frozenset(w for _s, w in sites if w))
    assert not ReturnDay.objects.filter(store_id__isnull=True, warehouse_id__isnull=True).exists()

    def without_rates(sheet):
        return sheet.figures, [[{k: v for k, v in row.items() if k != "rate"} for row in t.rows] for t in sheet.tables]

    together = without_rates(reasons_sheet(scope=EVERYWHERE, filters=OCTOBER))
    assert together == without_rates(reasons_sheet(scope=named, filters=OCTOBER))
    assert together[0] != []
    assert all(together[1])


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_every_site_roll_up_from_the_per_site_rows(october):
    expected = per_site_added_up()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("insights", "0003_shipment_rollups")])
        executor.loader.build_graph()
        executor.migrate([("insights", "0004_reason_days")])
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert every_site() == expected != {}
