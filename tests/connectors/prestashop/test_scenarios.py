"""What a scenario written from PrestaShop's docs would do: post to the webhook address (PrestaShop has no webhooks:
refused, as JSON, nothing stored), let beat's poll read an XML-only shop, see an order come back older."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from rma.connectors.models import InboxDelivery, ShopOrder
from rma.connectors.platforms import connector_for
from rma.connectors.tasks import shops_poll_task
from rma.orders.models import Order
from tests.connectors.prestashop.shop import order_add

pytestmark = pytest.mark.django_db


def sync(**options):
    out = StringIO()
    call_command("shop_sync", "ps-eu", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'<?xml version="1.0"?><prestashop><order><id>5</id></order></prestashop>', "application/xml"),
        (b'{"order": {"id": 5}}', "application/json"),
        (b"", "text/plain"),
    ],
)
def test_whatever_is_posted_to_a_prestashop_webhook_address_is_refused_as_json(connection, body, content_type):
    response = Client().post(f"/webhooks/shops/{connection.public_id}/", data=body, content_type=content_type)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not InboxDelivery.objects.exists()


def test_beats_poll_reads_a_shop_that_answers_only_xml(connection, fake):
    fake.always_xml = True
    sync(since="2026-11-01")  # nothing yet: an empty XML list
    order_add(fake, 5, refunded={2: 1})
    order_add(fake, 6, date_upd="2026-11-05 17:00:00", state="6")
    assert shops_poll_task() == 2
    assert not any(hit.as_json for hit in fake.hits)
    mug = Order.objects.get(external_id="ps-eu:5").lines.get(external_id="502")
    assert mug.non_returnable_reason == "refunded"
    assert ShopOrder.objects.count() == 2


def test_an_order_read_again_in_an_older_version_changes_nothing(connection, fake):
    """The poll reads an inclusive interval and may meet an older copy (a replica, a restore): the newer stays."""
    order_add(fake, 5, date_upd="2026-11-05 17:00:00", refunded={2: 1})
    sync(since="2026-11-01")
    order = fake.data["orders"][5]
    order["date_upd"] = "2026-11-05 16:00:00"
    fake.data["order_details"][502]["product_quantity_refunded"] = "0"
    assert "stale 1" in sync(since="2026-11-01")
    mug = Order.objects.get(external_id="ps-eu:5").lines.get(external_id="502")
    assert mug.non_returnable_reason == "refunded"
    link = ShopOrder.objects.get(order_ref="5")
    assert link.platform_updated_at == datetime(2026, 11, 5, 17, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_webservice_without_the_details_still_gives_the_orders(connection, fake, caplog):
    """order_details, order_histories, combinations… only add to an order: without them (a key without those
    permissions, a webservice without those resources) the orders come in, without what they add."""
    order_add(fake, 5, refunded={2: 1})
    order_add(fake, 6, date_upd="2026-11-05 16:50:00")
    fake.missing = {"order_details", "order_histories", "combinations", "products"}
    assert "created 2." in sync(since="2026-11-01")
    order = Order.objects.get(external_id="ps-eu:5")
    assert order.lines.count() == 2
    assert order.delivered_at is None
    for resource in fake.missing:  # asked once per run, not once per order
        assert len(fake.calls("GET", resource)) <= 1, resource
    assert "order_details cannot be read" in caplog.text
    fake.missing = {"customers"}  # but no customer, no e-mail: not imported, and said
    output = sync(since="2026-11-01")
    assert "failed 2" in output
    assert 'Resource of type "customers" does not exists' in output


def test_a_webservice_ignoring_filters_never_mixes_orders_up(connection, fake):
    """Our filters are applied again on our side: another order's row, history, message or stock never counts."""
    from tests.connectors.prestashop.test_money import REFERENCE, refund_for, stock

    order_add(fake, 4, date_upd="2026-11-05 16:00:00", delivered_at="2026-11-03 12:00:00", refunded={1: 2})
    order_add(fake, 5)
    fake.ignores = {"filter"}
    connector = connector_for(connection)
    data = connector.order_fetch(order_ref="5")
    assert data is not None
    assert data.order_ref == "5"
    assert [line.refunded_quantity for line in data.lines] == [0, 0]
    assert data.delivered_at == datetime(2026, 11, 4, 11, tzinfo=ZoneInfo("Europe/Paris"))
    fake.add("messages", {"id_order": "4", "message": f"RMA R-9: refund {REFERENCE}: credit slip #77."})
    record = connector.refund_create(refund=refund_for(data))
    assert (record.ref, record.created) == ("1", True)
    assert (stock(fake, 1, 2), stock(fake, 1, 0), stock(fake, 1, 3)) == (6, 8, 3)


def test_orders_listed_without_their_rows_take_them_from_order_details(connection, fake):
    order_add(fake, 5, refunded={2: 1})
    fake.data["orders"][5].pop("associations")
    data = connector_for(connection).order_fetch(order_ref="5")
    assert data is not None
    assert [(line.line_ref, line.sku, line.quantity, line.refunded_quantity) for line in data.lines] == [
        ("501", "demo_1-M-WHT", 2, 0),
        ("502", "demo_11", 1, 1),
    ]


def test_the_docs_xml_documents_through_the_backfill_to_our_order(connection, fake):
    """An XML-only shop whose delivery address is getting-started.md's GET /api/addresses/1 as printed: the backfill
    makes our order with that address and the lines, prices and refunded units of the order."""
    from pathlib import Path

    docs = Path(__file__).parent / "payloads" / "docs"
    fake.always_xml = True
    order_add(fake, 5, id_address_delivery="1", refunded={2: 1})
    fake.raw[("GET", "addresses", "1")] = (200, "text/xml", (docs / "address.xml").read_bytes())
    assert "created 1." in sync(since="2026-11-01")
    order = Order.objects.get(external_id="ps-eu:5")
    assert (order.address_line1, order.address_line2, order.postcode, order.city, order.country) == (
        "16, Main street",
        "2nd floor",
        "75002",
        "Paris",
        "FR",
    )
    assert (order.customer_email, order.customer_phone, order.currency) == (
        "marie.dupont@example.com",
        "0102030405",
        "EUR",
    )
    shirt, mug = order.lines.order_by("external_id")
    assert (shirt.sku, shirt.quantity, str(shirt.unit_price), shirt.size, shirt.colour) == (
        "demo_1-M-WHT",
        2,
        "36.00",
        "M",
        "White",
    )
    assert mug.non_returnable_reason == "refunded"
