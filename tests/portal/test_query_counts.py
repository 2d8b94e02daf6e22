"""The customer's lookup and drop-off step run a fixed number of queries, whatever the number of orders and points."""

import pytest
from django.urls import reverse

from rma.core.reference_memo import reference_memos_load
from rma.returns.models import ReturnRequest
from tests.helpers import queries_of
from tests.locations.factories import DropOffPointFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.portal.helpers import (
    choose_items,
    choose_resolution,
    confirm,
    give_reasons,
    lookup,
    through_drop_off,
)

pytestmark = pytest.mark.django_db
# Pinned: a query more per request shows here; one per order or per point shows in the growth checks.
# The found order's customer is checked against the block list: one query (rma.returns.customer_lists).
LOOKUP_QUERIES = 11
# Session, order, its lines, the reasons, the shop connections, the product's variants (no transaction), and twice
# the policy (3 each): the test's transaction wrote it, so its memo reads it again; a serving process holds it.
RESOLUTION_QUERIES = 12
# Session, order, the nearest points of each of the four kinds (no transaction: the step only reads).
DROP_OFF_QUERIES = 6
# Creating and submitting the return (its carbon estimate, the policy's block and allow list check, the customer's
# history for the risk score (the addresses too many customers share, their orders, their returns:
# rma.returns.customer_history), approval, label request and emails); the same for one item or two.
CONFIRM_QUERIES = 31

KINDS = ("store", "relay_point", "locker", "post_office")


def test_the_lookup_costs_the_same_with_more_orders(client, world, django_assert_num_queries):
    few = queries_of(lambda: lookup(client, number="ml100042"))
    OrderFactory.create_batch(30)
    client.cookies.clear()
    with django_assert_num_queries(few):
        assert lookup(client, number="ML100042").status_code == 302
    assert few == LOOKUP_QUERIES


def _points(count: int, *, near: bool) -> None:
    """`count` points of each kind around Lyon, near the customer or 30–60 km away (outside the first rings)."""
    for index in range(count):
        for kind in KINDS:
            offset = 0.002 * index if near else 0.3 + 0.01 * index
            DropOffPointFactory(kind=kind, latitude=45.76 + offset, longitude=4.84 + offset)


def test_the_drop_off_step_costs_the_same_with_more_points(client, world, django_assert_num_queries):
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
    assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
    assert choose_resolution(client).status_code == 302
    few = queries_of(lambda: client.get(reverse("portal:drop_off")))
    _points(6, near=False)
    _points(6, near=True)
    with django_assert_num_queries(few):
        assert client.get(reverse("portal:drop_off")).status_code == 200
    assert few == DROP_OFF_QUERIES


def test_the_resolution_step_costs_the_same_however_often_the_product_was_sold(
    client, world, settings, django_assert_num_queries
):
    settings.RMA_SHOP_CLIENT = "rma.integrations.shop.client.CatalogueShopClient"
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
    assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
    few = queries_of(lambda: client.get(reverse("portal:resolution")))
    for _ in range(10):
        for size in ("S", "M", "L", "XL"):
            OrderLineFactory(sku=f"CHM-LIN-BLA-{size}", product_ref="CHM-LIN", size=size)
        OrderLineFactory(sku="BOU-FIG")
    with django_assert_num_queries(few):
        page = client.get(reverse("portal:resolution"))
    assert page.status_code == 200
    assert 'value="CHM-LIN-BLA-XL"' in page.content.decode()
    assert few == RESOLUTION_QUERIES


def test_confirming_costs_the_same_for_one_item_or_two(client, world):
    def confirm_count(lines: dict[int, int]) -> int:
        client.cookies.clear()
        assert through_drop_off(client, world, items=lines).status_code == 302
        return queries_of(lambda: confirm(client))

    reference_memos_load()  # as a process that served a request already holds them (those this test wrote aside)
    one = confirm_count({world.shirt.pk: 1})
    two = confirm_count({world.shirt.pk: 1, world.mug.pk: 1})
    assert (one, two) == (CONFIRM_QUERIES, CONFIRM_QUERIES)
    assert ReturnRequest.objects.filter(order=world.order).count() == 2
