"""The backfill and the polling: pages over date_upd, idempotent, resumable, rate limits waited out."""

import time
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from rma.connectors.models import ShopConnection, ShopOrder
from rma.connectors.sync import connection_sync, connections_poll
from rma.connectors.tasks import shops_poll_task
from rma.orders.models import Order
from tests.connectors.prestashop.shop import order_add

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def five_orders(fake):
    for order_id, minute in zip(range(1, 6), (10, 11, 11, 12, 13), strict=True):
        order_add(fake, order_id, date_upd=f"2026-11-05 16:{minute:02d}:00")


def sync(name="ps-eu", **options):
    out = StringIO()
    call_command("shop_sync", name, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def order_calls(fake):
    return [hit.query for hit in fake.calls("GET", "orders")]


def test_the_backfill_pages_over_date_upd_oldest_first(connection, fake):
    five_orders(fake)
    order_add(fake, 6, date_upd="2026-10-01 08:00:00")  # older than --since: not read
    output = sync(since="2026-11-01")
    assert "5 orders read in 3 pages: created 5." in output
    assert sorted(Order.objects.values_list("external_id", flat=True)) == [f"ps-eu:{n}" for n in range(1, 6)]
    first, second, third = order_calls(fake)
    assert first["filter[date_upd]"].startswith("[2026-11-01 00:00:00,")  # shop time (Europe/Paris)
    assert (first["date"], first["sort"], first["display"], first["limit"]) == (
        "1",
        "[date_upd_ASC,id_ASC]",
        "full",
        "0,2",
    )
    # Each next page starts at the last date read, skipping the orders of that date already read.
    assert (second["filter[date_upd]"][:20], second["limit"]) == ("[2026-11-05 16:11:00", "1,2")
    assert (third["filter[date_upd]"][:20], third["limit"]) == ("[2026-11-05 16:12:00", "1,2")
    connection.refresh_from_db()
    assert (connection.sync_cursor, connection.sync_since) == ("", None)
    assert connection.synced_until == datetime(2026, 11, 5, 16, 13, tzinfo=PARIS)


def test_a_second_run_creates_nothing(connection, fake):
    five_orders(fake)
    sync(since="2026-11-01")
    assert "5 orders read in 3 pages: unchanged 5." in sync(since="2026-11-02")
    assert Order.objects.count() == ShopOrder.objects.count() == 5


def test_a_run_stopped_by_a_500_resumes_at_the_saved_cursor(connection, fake):
    five_orders(fake)
    fake.fail("GET", "orders", 500, skip=1)  # the second page fails
    with pytest.raises(CommandError, match="Run the same command again"):
        sync(since="2026-11-01")
    connection.refresh_from_db()
    assert connection.sync_cursor == "2026-11-05 16:11:00|1"
    assert Order.objects.count() == 2
    before = len(order_calls(fake))
    assert "Resuming" in sync()
    resumed = order_calls(fake)[before:]
    assert [q["limit"] for q in resumed] == ["1,2", "1,2"]  # from the saved page on, not from the start
    assert Order.objects.count() == 5


def test_an_order_updated_during_the_run_is_not_lost(connection, fake):
    """A bare offset would skip an order when an earlier one moves to the end of the list; the date cursor
    does not."""
    five_orders(fake)

    def touch_first(report):
        if report.pages == 1:
            fake.data["orders"][1]["date_upd"] = "2026-11-05 17:00:00"

    connection_sync(connection=connection, since=datetime(2026, 11, 1, tzinfo=PARIS), progress=touch_first)
    assert Order.objects.count() == 5
    connection.refresh_from_db()
    assert connection.synced_until == datetime(2026, 11, 5, 17, 0, tzinfo=PARIS)


def test_too_many_requests_are_waited_out(connection, fake):
    five_orders(fake)
    fake.fail("GET", "orders", 429, skip=1, retry_after="1")
    started = time.monotonic()
    assert "5 orders read in 3 pages" in sync(since="2026-11-01")
    assert time.monotonic() - started >= 1.0
    assert [hit.status for hit in fake.calls("GET", "orders")] == [200, 429, 200, 200]


def test_a_bad_order_is_reported_and_the_others_are_read(connection, fake):
    five_orders(fake)
    fake.data["customers"][3]["email"] = ""
    order_add(fake, 9, date_upd="2026-11-05 16:30:00", id_customer="4", id_address_delivery="0")
    fake.add("customers", {"id": 4, "email": "paul@example.com", "firstname": "Paul", "lastname": "Roy"})
    output = sync(since="2026-11-01")
    assert "created 1, failed 5" in output
    assert "not imported: 1: MappingError: Order 1: its customer has no e-mail address." in output
    # Once the customer is fixed in the shop, the same command reads them in.
    fake.data["customers"][3]["email"] = "marie.dupont@example.com"
    assert "created 5, unchanged 1" in sync(since="2026-11-01")


def test_the_poll_reads_what_changed_since_the_last_run(connection, fake):
    five_orders(fake)
    sync(since="2026-11-01")
    order_add(fake, 7, date_upd="2026-11-06 09:00:00")
    fake.data["orders"][3]["date_upd"] = "2026-11-06 09:30:00"
    fake.data["orders"][3]["current_state"] = "6"
    before = len(order_calls(fake))
    assert shops_poll_task() == 3  # the last order of the previous run again (the interval is inclusive), 7, 3
    assert order_calls(fake)[before]["filter[date_upd]"].startswith("[2026-11-05 16:13:00,")
    assert Order.objects.count() == 6
    assert ShopOrder.objects.get(order_ref="3").platform_updated_at == datetime(2026, 11, 6, 9, 30, tzinfo=PARIS)
    ShopConnection.objects.update(enabled=False)
    assert connections_poll() == 0


@pytest.mark.parametrize("ignored", [{"sort"}, {"limit"}, {"sort", "limit"}, {"display"}])
def test_a_webservice_ignoring_sort_or_limit_still_gives_every_order_once(connection, fake, ignored):
    """Ids in another order than dates: a server that does not sort is paged by offset; one that does not limit
    answers everything at once, and the run ends there; one that lists ids only has each order read by its id."""
    for order_id, minute in zip(range(1, 6), (13, 10, 12, 11, 10), strict=True):
        order_add(fake, order_id, date_upd=f"2026-11-05 16:{minute:02d}:00")
    fake.ignores = ignored
    assert "created 5." in sync(since="2026-11-01")
    assert Order.objects.count() == 5
    connection.refresh_from_db()
    assert connection.synced_until == datetime(2026, 11, 5, 16, 13, tzinfo=PARIS)
    assert len([hit for hit in fake.calls("GET", "orders") if not hit.object_id]) <= 4
