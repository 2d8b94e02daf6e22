"""A Shopify order, start to finish with the real parts: it comes in by webhook, the customer returns it in the
portal in Chromium, the warehouse inspects it and releases the refund, and Shopify receives exactly one refund."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_transition
from rma.warehouse.models import Refund
from rma.warehouse.services import arrival_register, refund_release, warehouse_reference_data_seed
from tests.connectors.shopify.conftest import connection, fake_shopify, shop  # noqa: F401 - fixtures
from tests.connectors.shopify.fake import payload
from tests.connectors.shopify.test_story import ORDER_REF, assert_one_refund, delivered, send
from tests.helpers import staff_member
from tests.portal.world import build_world
from tests.warehouse.test_refunds import inspect_all
from tests.workers.live import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_shopify_order_returned_in_the_portal_is_refunded_once_in_shopify(
    page: Page,
    live_server,
    live_worker,
    shots,
    settings,
    shop,  # noqa: F811 - fixtures imported above
    connection,  # noqa: F811 - fixtures imported above
):
    settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS = 0.2
    world = build_world()
    warehouse = world.store.default_warehouse
    connection.default_warehouse = warehouse
    connection.save()
    warehouse_reference_data_seed()
    operator = staff_member(warehouse, "alice", "warehouse_staff", first_name="Alice", last_name="Martin")

    # 1. Shopify sends the order, then its delivery, by webhook; the worker maps both.
    now = timezone.now()
    body = {**payload("order.json"), "created_at": (now - timedelta(days=6)).isoformat()}
    body["updated_at"] = body["created_at"]
    shop.orders[ORDER_REF].update(body)
    assert send(connection, "orders/create", body).status == "processed"
    delivery = {**payload("fulfillment_delivered.json"), "updated_at": (now - timedelta(days=3)).isoformat()}
    assert send(connection, "fulfillments/update", delivery).status == "processed"

    # 2. The customer finds the Shopify order in the portal and returns both shirts at a relay point.
    page.goto(live_server.url + "/")
    page.get_by_label(re.compile("Order number")).fill("1001")
    page.get_by_label(re.compile("Email address or")).fill(body["email"])
    page.get_by_role("button", name="Find my order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which items are you returning?")
    shirt = body["line_items"][0]
    page.get_by_role("checkbox", name=re.compile(re.escape(shirt["title"]))).check()
    page.get_by_label("Quantity").first.select_option("2")
    shots(page, "shop-01-items")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Reason").select_option(label="Too small")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Refund to the original payment").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name=re.compile("Tabac de la Guillotière")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm the return").click()
    return_request = ReturnRequest.objects.get(order__external_id=f"maison-lin:{ORDER_REF}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(return_request.rma_number)
    shots(page, "shop-02-confirmed")
    assert return_request.destination_warehouse == warehouse

    # 3. The parcel travels, the warehouse grades one shirt A (back on sale) and one C, and releases the refund.
    wait_for(
        lambda: ReturnRequest.objects.filter(pk=return_request.pk, status=ReturnStatus.LABEL_READY).exists(),
        what="the label made by the worker",
    )
    return_request_transition(return_request=return_request, to=ReturnStatus.IN_TRANSIT)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    inspect_all(return_request, operator, ["A", "C"])
    shop.fail("refundCreate", status=500, times=1)
    refund_release(return_request=return_request, actor=operator)

    # 4. Shopify gets exactly one refund, restocking only the shirt graded A.
    wait_for(lambda: delivered("shop.refund"), what="the refund in Shopify", timeout=20)
    live_worker.idle()
    assert_one_refund(shop, Refund.objects.get(return_request=return_request))
