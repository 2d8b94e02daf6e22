import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from rma.orders.models import Order, OrderLine
from rma.orders.services import OrderDataError, order_upsert
from rma.returns.drop_offs import DropOffChoice
from rma.returns.services import ReturnLineInput, return_request_create
from tests.locations.factories import DropOffPointFactory
from tests.returns.factories import ReasonCodeFactory, ReturnPolicyFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "external_id": "shop-1001",
    "number": "ML-1001",
    "channel": "web",
    "customer_email": "Helene.Dupont@Example.FR",
    "customer_name": "Hélène Dupont",
    "placed_at": "2026-11-01T10:00:00+01:00",
    "delivered_at": "2026-11-03T15:00:00+01:00",
    "address": {"address_line1": "4 quai de la Fosse", "postcode": "44000", "city": "Nantes", "country": "fr"},
    "lines": [
        {
            "external_id": "1",
            "sku": "CHM-LIN-BLA-M",
            "name": "Chemise en lin",
            "category": "apparel",
            "quantity": 2,
            "unit_price": "49.90",
        },
        {
            "external_id": "2",
            "sku": "SER-HYD-30",
            "name": "Sérum",
            "category": "beauty",
            "quantity": 1,
            "unit_price": "19.00",
            "final_sale": True,
        },
    ],
}


def test_creates_then_reports_unchanged():
    first = order_upsert(data=PAYLOAD)
    assert first.outcome == "created"
    order = first.order
    assert order.customer_email == "helene.dupont@example.fr"
    assert order.country == "FR"
    assert [line.non_returnable_reason for line in order.lines.all()] == ["", "final_sale"]
    stamp = Order.objects.get().updated_at
    assert order_upsert(data=PAYLOAD).outcome == "unchanged"
    assert Order.objects.get().updated_at == stamp
    assert OrderLine.objects.count() == 2


def test_updates_changed_fields_and_lines():
    order_upsert(data=PAYLOAD)
    changed = copy.deepcopy(PAYLOAD)
    changed["customer_name"] = "Hélène Dupont-Martin"
    changed["lines"][0]["quantity"] = 3
    changed["lines"].append(
        {"external_id": "3", "sku": "PLD-LAI", "quantity": 1, "unit_price": "89", "category": "home"}
    )
    assert order_upsert(data=changed).outcome == "updated"
    order = Order.objects.get()
    assert order.customer_name == "Hélène Dupont-Martin"
    assert list(order.lines.values_list("external_id", "quantity")) == [("1", 3), ("2", 1), ("3", 1)]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.pop("external_id"), "external_id is required"),
        (lambda p: p.update(customer_email="nobody"), "customer_email"),
        (lambda p: p.update(placed_at="yesterday"), "placed_at is not a date-time"),
        (lambda p: p.update(placed_at="2026-02-30T10:00:00"), "placed_at is not a date-time"),
        (lambda p: p.update(address="4 quai de la Fosse"), "address must be an object"),
        (lambda p: p.update(locale=["fr"]), "locale must be a string"),
        (lambda p: p.update(lines=[]), "at least one line"),
        (lambda p: p.update(channel="fax"), "Unknown channel"),
        (lambda p: p["lines"][0].update(quantity=-1), "quantity must be at least 1"),
        (lambda p: p["lines"][0].update(unit_price="abc"), "must be numbers"),
    ],
)
def test_bad_payloads_are_refused_with_a_message_and_write_nothing(mutate, message):
    payload = copy.deepcopy(PAYLOAD)
    mutate(payload)
    with pytest.raises(OrderDataError) as excinfo:
        order_upsert(data=payload)
    assert message in excinfo.value.message
    assert Order.objects.count() == 0


def test_a_line_in_a_return_cannot_be_removed_or_shrunk_below_it():
    ReturnPolicyFactory()
    # Delivered two days ago, so that the return window is open whatever the day the test runs.
    delivered = copy.deepcopy(PAYLOAD)
    delivered["delivered_at"] = (timezone.now() - timedelta(days=2)).isoformat()
    order = order_upsert(data=delivered).order
    line = order.lines.get(external_id="1")
    return_request_create(
        order=order,
        lines=[ReturnLineInput(order_line=line, quantity=2, reason=ReasonCodeFactory())],
        drop_off=DropOffChoice(method="relay_point", point=DropOffPointFactory()),
    )
    shrunk = copy.deepcopy(delivered)
    shrunk["lines"][0]["quantity"] = 1
    with pytest.raises(OrderDataError, match="below what is already being returned"):
        order_upsert(data=shrunk)
    removed = copy.deepcopy(delivered)
    removed["lines"] = removed["lines"][1:]
    with pytest.raises(OrderDataError, match="part of a return"):
        order_upsert(data=removed)
    assert order.lines.count() == 2


def test_the_same_number_under_another_external_id_is_refused():
    order_upsert(data=PAYLOAD)
    with pytest.raises(OrderDataError, match="belongs to another external id"):
        order_upsert(data={**PAYLOAD, "external_id": "shop-9999"})


def test_lines_removed_together_are_all_kept_when_one_of_them_is_in_a_return():
    ReturnPolicyFactory()
    delivered = copy.deepcopy(PAYLOAD)
    delivered["delivered_at"] = (timezone.now() - timedelta(days=2)).isoformat()
    delivered["lines"].append({"external_id": "3", "sku": "PLD-LAI", "quantity": 1, "unit_price": "89"})
    order = order_upsert(data=delivered).order
    return_request_create(
        order=order,
        lines=[ReturnLineInput(order_line=order.lines.get(external_id="3"), quantity=1, reason=ReasonCodeFactory())],
        drop_off=DropOffChoice(method="relay_point", point=DropOffPointFactory()),
    )
    removed = copy.deepcopy(delivered)
    removed["lines"] = removed["lines"][:1]
    with pytest.raises(OrderDataError, match="Line 3 cannot be removed: it is part of a return"):
        order_upsert(data=removed)
    assert sorted(order.lines.values_list("external_id", flat=True)) == ["1", "2", "3"]
    # Without the line in a return, the other one goes.
    removed["lines"] = [delivered["lines"][0], delivered["lines"][2]]
    assert order_upsert(data=removed).outcome == "updated"
    assert sorted(order.lines.values_list("external_id", flat=True)) == ["1", "3"]
