"""Shopify's order updates list every refund, ours included: only the refunds made in the shop itself make units
not returnable, or the units of our own return would be counted twice."""

import copy

from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import OrderData
from tests.connectors.shopify.fake import payload


def refunded(connection, refunds):
    order = copy.deepcopy(payload("order.json"))
    order["refunds"] = refunds
    data = connector_for(connection).delivery_map(topic="orders/updated", payload=order)
    assert isinstance(data, OrderData)
    return {line.line_ref: line.refunded_quantity for line in data.lines}


def test_our_own_refund_does_not_count_as_refunded_in_the_shop(connection, shop):
    ours = copy.deepcopy(payload("refund.json"))
    ours["note"] = "Return R-ABCD-EFGH (RMA refund 5f0c6a52-8a3e-4c8e-9d1e-0d2b8f1c7a10)"
    ours["refund_line_items"][0]["line_item_id"] = 13001
    in_shop = payload("refund.json")

    assert refunded(connection, [ours, in_shop]) == {"13001": 0, "13002": 1}
    assert refunded(connection, [in_shop]) == {"13001": 0, "13002": 1}
    ours["note"] = "Geste commercial"
    assert refunded(connection, [ours, in_shop]) == {"13001": 1, "13002": 1}
