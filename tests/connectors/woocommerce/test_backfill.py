"""The backfill (``manage.py shop_sync``) pages through WooCommerce's GET /orders modified since a date, by id."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rma.connectors.models import ShopConnection
from rma.orders.models import Order
from tests.connectors.woocommerce.conftest import order_payload

pytestmark = pytest.mark.django_db
SINCE = "2026-11-01T00:00:00+00:00"


@pytest.fixture
def shop_orders(woo, connection):
    """Five paid orders modified one after the other, one unpaid; the backfill reads two per page."""
    ShopConnection.objects.filter(pk=connection.pk).update(options={**connection.options, "page_size": 2})
    for index in range(5):
        woo.add_order(
            order_payload(id=900 + index, number=str(900 + index), date_modified_gmt=f"2026-11-0{index + 2}T08:00:00")
        )
    woo.add_order(order_payload(id=999, number="999", status="pending", date_modified_gmt="2026-11-04T09:00:00"))
    woo.add_order(order_payload(id=800, number="800", date_modified_gmt="2026-10-01T09:00:00"))  # before `since`
    return woo


def _sync(**options) -> str:
    out = StringIO()
    call_command("shop_sync", "woo-eu", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def _order_pages(woo) -> list[str]:
    return [hit.query["page"] for hit in woo.calls("GET", "orders")]


def test_the_backfill_reads_every_page_oldest_update_first_and_a_second_run_changes_nothing(shop_orders):
    output = _sync(since=SINCE)
    assert "5 orders read in 3 pages: created 5." in output
    assert set(Order.objects.values_list("number", flat=True)) == {f"WC-{900 + i}" for i in range(5)}
    first = shop_orders.calls("GET", "orders")[0].query
    assert first == {
        "modified_after": "2026-11-01T00:00:00",
        "dates_are_gmt": "true",
        "orderby": "id",
        "order": "asc",
        "per_page": "2",
        "page": "1",
    }
    assert _order_pages(shop_orders) == ["1", "2", "3"]
    connection = ShopConnection.objects.get(name="woo-eu")
    assert connection.synced_until is not None
    assert (connection.sync_cursor, connection.synced_until.isoformat()) == ("", "2026-11-06T08:00:00+00:00")

    output = _sync(since=SINCE)
    assert "5 orders read in 3 pages: unchanged 5." in output
    assert Order.objects.count() == 5


def test_a_shop_that_pages_with_the_link_header_only_is_read_to_its_last_page(shop_orders):
    shop_orders.links_only = True  # a proxy dropped X-WP-Total and X-WP-TotalPages; Link says rel="next"
    output = _sync(since=SINCE)
    assert "created 5" in output
    assert _order_pages(shop_orders) == ["1", "2", "3"]


def test_an_interrupted_backfill_resumes_at_the_page_it_stopped_at(shop_orders):
    shop_orders.fail("GET", "orders", 500, query={"page": "2"})
    with pytest.raises(CommandError, match="Run the same command again to resume"):
        _sync(since=SINCE)
    assert Order.objects.count() == 2
    assert ShopConnection.objects.get(name="woo-eu").sync_cursor == "2"

    shop_orders.hits.clear()
    output = _sync()
    assert "Resuming the run that stopped" in output
    assert _order_pages(shop_orders) == ["2", "3"]
    assert Order.objects.count() == 5


def test_a_429_is_waited_out_as_its_retry_after_asks(shop_orders):
    shop_orders.fail("GET", "orders", 429, retry_after="1")
    started = time.monotonic()
    output = _sync(since=SINCE)
    assert time.monotonic() - started >= 1.0
    assert "created 5" in output
    assert _order_pages(shop_orders) == ["1", "1", "2", "3"]


def test_wrong_keys_stop_the_backfill_with_the_shops_message(shop_orders):
    ShopConnection.objects.filter(name="woo-eu").update(api_secret="cs_wrong")
    with pytest.raises(CommandError, match="woocommerce_rest_cannot_view"):
        _sync(since=SINCE)
    assert not Order.objects.exists()


def test_keys_are_never_sent_over_plain_http_to_a_real_shop(shop_orders):
    ShopConnection.objects.filter(name="woo-eu").update(shop_url="http://shop.example.com")
    with pytest.raises(CommandError, match="over HTTPS only"):
        _sync(since=SINCE)


def test_keys_sent_in_the_query_never_show_in_an_error(shop_orders):
    ShopConnection.objects.filter(name="woo-eu").update(
        shop_url="http://127.0.0.1:1", options={"auth": "query"}
    )  # nothing listens there: requests' error names the URL with its query
    with pytest.raises(CommandError) as excinfo:
        _sync(since=SINCE)
    assert "consumer_secret=***" in str(excinfo.value)
    assert shop_orders.secret not in str(excinfo.value)
