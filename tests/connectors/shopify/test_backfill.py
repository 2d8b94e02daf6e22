"""The backfill through the GraphQL Admin API: pages, idempotent, resumable, and patient with rate limits."""

import time
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from rma.connectors.models import ShopConnection
from rma.connectors.platforms import connector_for
from rma.orders.models import Order
from tests.connectors.shopify.fake import FakeShopify, payload

pytestmark = pytest.mark.django_db
SINCE = "2026-10-01"


@pytest.fixture
def many_orders(shop: FakeShopify) -> FakeShopify:
    """120 orders in the shop (#2000…#2119), updated one minute apart, and #1001 updated in September (too old)."""
    shop.orders["5501001"]["updated_at"] = "2026-09-30T10:00:00+02:00"
    start = datetime.fromisoformat("2026-10-05T08:00:00+02:00")
    for index in range(120):
        order = payload("order.json")
        order.update(
            id=6600000 + index,
            name=f"#{2000 + index}",
            email=f"client{index}@example.fr",
            updated_at=(start + timedelta(minutes=index)).isoformat(),
        )
        for line in order["line_items"]:
            line["id"] = line["id"] * 1000 + index
        shop.add_order(order)
    return shop


def sync(**kwargs) -> None:
    call_command("shop_sync", "maison-lin", **kwargs)


def test_pages_through_the_orders_updated_since_the_date(many_orders, connection):
    sync(since=SINCE)
    assert Order.objects.count() == 120
    assert not Order.objects.filter(external_id="maison-lin:5501001").exists()
    calls = many_orders.root_calls("orders")
    assert len(calls) == 3  # 50 + 50 + 20
    assert calls[0]["variables"]["after"] is None
    assert calls[0]["variables"]["query"] == "updated_at:>='2026-09-30T22:00:00Z'"
    assert [c["variables"]["after"] is not None for c in calls[1:]] == [True, True]
    assert "sortKey: UPDATED_AT" in calls[0]["query"]
    order = Order.objects.get(external_id="maison-lin:6600007")
    assert order.number == "2007"
    assert {line.category for line in order.lines.all()} == {"apparel"}
    connection.refresh_from_db()
    assert connection.synced_until == datetime.fromisoformat("2026-10-05T09:59:00+02:00")
    assert connection.sync_cursor == ""


def test_a_second_run_changes_nothing(many_orders, connection, capsys):
    sync(since=SINCE)
    stamps = dict(Order.objects.values_list("external_id", "updated_at"))
    sync(since=SINCE)
    assert dict(Order.objects.values_list("external_id", "updated_at")) == stamps
    assert "unchanged" in capsys.readouterr().out


def test_a_run_stopped_by_a_server_error_resumes_at_the_saved_cursor(many_orders, connection):
    many_orders.fail("orders", status=500, skip=1)
    with pytest.raises(CommandError):
        sync(since=SINCE)
    assert Order.objects.count() == 50
    connection.refresh_from_db()
    saved = connection.sync_cursor
    assert saved
    sync()
    assert Order.objects.count() == 120
    after_failure = many_orders.root_calls("orders")[2:]
    assert after_failure[0]["variables"]["after"] == saved  # not page one again
    assert len(after_failure) == 2


def test_429_retry_after_is_waited_out(many_orders, connection):
    many_orders.fail("orders", status=429, retry_after="1", skip=1)
    started = time.monotonic()
    sync(since=SINCE)
    assert time.monotonic() - started >= 1.0
    assert Order.objects.count() == 120
    assert len(many_orders.root_calls("orders")) == 4  # the refused page asked again


def test_a_throttled_query_waits_for_the_points_it_needs(many_orders, connection):
    # Asked 252 points with 152 available, restored at 100 a second: one second.
    many_orders.fail("orders", throttled=True)
    started = time.monotonic()
    sync(since=SINCE)
    assert time.monotonic() - started >= 1.0
    assert Order.objects.count() == 120
    assert len(many_orders.root_calls("orders")) == 4


def test_a_wrong_token_stops_the_run_with_shopifys_message(many_orders, connection):
    ShopConnection.objects.filter(pk=connection.pk).update(api_key="shpat_revoked")
    with pytest.raises(CommandError) as excinfo:
        sync(since=SINCE)
    assert "Invalid API key or access token" in str(excinfo.value)
    assert not Order.objects.exists()


def test_a_bucket_running_low_slows_the_next_request_down(shop, connection):
    shop.available = 4.0  # fewer points left than a query costs (10), restored at 100 a second
    started = time.monotonic()
    sync(since=SINCE)
    assert time.monotonic() - started >= 2.0  # a second after the page, a second after the order
    assert Order.objects.filter(external_id="maison-lin:5501001").exists()


def test_an_order_with_more_lines_than_a_page_is_read_whole(shop, connection):
    order = shop.orders["5501001"]
    template = order["line_items"][1]
    for index in range(43):
        order["line_items"].append(
            {**template, "id": 14000 + index, "sku": f"FOU-{index:02d}", "discount_allocations": []}
        )
    data = connector_for(connection).order_fetch(order_ref="5501001")
    assert data is not None
    assert len(data.lines) == 45
    assert [line.sku for line in data.lines][-1] == "FOU-42"
    assert len(shop.root_calls("order")) == 2  # the order with its first 40 lines, then the other 5
    assert shop.root_calls("order")[1]["variables"]["after"]
