"""The exchange rules: another variant of the same product, known, in stock when stock is known, at the same price."""

from decimal import Decimal

import pytest

from rma.returns.choices import Resolution
from rma.returns.exchanges import ExchangeRefused, exchange_check, exchange_choices
from rma.returns.models import ReturnRequest
from rma.returns.services import ReturnLineInput, return_request_create
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt(db):
    """A linen shirt of the demo catalogue (the test settings' shop client), size M, 59.90."""
    return OrderLineFactory(sku="CHM-LIN-BLA-M", product_ref="CHM-LIN", unit_price=Decimal("59.90"), quantity=2)


@pytest.fixture
def reader(db):
    """An e-reader of the catalogue, 8 GB at 129.00 (the 32 GB one costs 159.00)."""
    return OrderLineFactory(
        sku="LIS-NUM-8GO", product_ref="LIS-NUM", category="electronics", unit_price=Decimal("129.00")
    )


def refusal_code(**kwargs) -> str:
    with pytest.raises(ExchangeRefused) as excinfo:
        exchange_check(**kwargs)
    return excinfo.value.code


def test_another_size_of_the_same_product_at_the_same_price_is_accepted(shirt, policy):
    variant = exchange_check(order_line=shirt, exchange_sku="CHM-LIN-BLA-L", policy=policy)
    assert (variant.sku, variant.size, variant.price) == ("CHM-LIN-BLA-L", "L", Decimal("59.90"))


@pytest.mark.parametrize(
    ("sku", "code"),
    [
        ("", "exchange_sku_required"),
        ("CHM-LIN-BLA-M", "exchange_sku_required"),  # the item returned itself
        ("NO-SUCH-SKU", "exchange_unknown_sku"),
        ("TSH-BIO-BLA-M", "exchange_other_product"),  # a T-shirt for a shirt
    ],
)
def test_an_exchange_for_anything_else_is_refused_with_its_code(shirt, policy, sku, code):
    assert refusal_code(order_line=shirt, exchange_sku=sku, policy=policy) == code


def test_a_product_seen_only_in_orders_is_known_through_them(policy):
    mug = OrderLineFactory(sku="MUG-RED", product_ref="MUG")
    OrderLineFactory(sku="MUG-BLUE", product_ref="MUG")
    OrderLineFactory(sku="PLATE-RED", product_ref="PLATE")
    assert exchange_check(order_line=mug, exchange_sku="MUG-BLUE", policy=policy).sku == "MUG-BLUE"
    assert refusal_code(order_line=mug, exchange_sku="PLATE-RED", policy=policy) == "exchange_other_product"


def test_a_dearer_variant_is_refused_with_both_prices_unless_the_policy_allows_it(reader, policy):
    with pytest.raises(ExchangeRefused) as excinfo:
        exchange_check(order_line=reader, exchange_sku="LIS-NUM-32GO", policy=policy)
    assert excinfo.value.code == "exchange_price_differs"
    assert "159.00" in excinfo.value.message
    assert "129.00" in excinfo.value.message
    assert exchange_choices(order_line=reader, policy=policy) == []

    policy.exchange_price_difference_allowed = True
    policy.save(update_fields=["exchange_price_difference_allowed"])
    assert exchange_check(order_line=reader, exchange_sku="LIS-NUM-32GO", policy=policy).price == Decimal("159.00")
    assert [v.sku for v in exchange_choices(order_line=reader, policy=policy)] == ["LIS-NUM-32GO"]


def test_with_a_stock_source_an_unavailable_variant_is_out_of_stock(shirt, policy, fake_shop):
    fake_shop.products["CHM-LIN"] = [
        {"sku": "CHM-LIN-BLA-M", "size": "M", "colour": "blanc", "available": True, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-L", "size": "L", "colour": "blanc", "available": False, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-XL", "size": "XL", "colour": "blanc", "available": True, "price": "64.90"},
        {"sku": "CHM-LIN-BLA-S", "size": "S", "colour": "blanc", "available": True, "price": "59.90"},
    ]
    assert refusal_code(order_line=shirt, exchange_sku="CHM-LIN-BLA-L", policy=policy) == "exchange_out_of_stock"
    assert refusal_code(order_line=shirt, exchange_sku="CHM-LIN-BLA-XL", policy=policy) == "exchange_price_differs"
    assert exchange_check(order_line=shirt, exchange_sku="CHM-LIN-BLA-S", policy=policy).sku == "CHM-LIN-BLA-S"
    assert [v.sku for v in exchange_choices(order_line=shirt, policy=policy)] == ["CHM-LIN-BLA-S"]
    assert fake_shop.requests[0].startswith("/products/CHM-LIN/variants?sku=CHM-LIN-BLA-M")


def test_a_shop_that_cannot_be_asked_confirms_no_exchange(shirt, policy, fake_shop):
    fake_shop.down = True
    assert refusal_code(order_line=shirt, exchange_sku="CHM-LIN-BLA-L", policy=policy) == "exchange_unavailable"
    assert exchange_choices(order_line=shirt, policy=policy) == []


def test_creating_a_return_applies_the_rules_to_every_line(shirt, reader, policy, reason, relay):
    from rma.returns.drop_offs import DropOffChoice

    reader.order = shirt.order
    reader.save(update_fields=["order"])
    with pytest.raises(ExchangeRefused) as excinfo:
        return_request_create(
            order=shirt.order,
            lines=[
                ReturnLineInput(order_line=shirt, quantity=1, reason=reason, exchange_sku="CHM-LIN-BLA-L"),
                ReturnLineInput(order_line=reader, quantity=1, reason=reason, exchange_sku="LIS-NUM-32GO"),
            ],
            drop_off=DropOffChoice(method="relay_point", point=relay),
            resolution=Resolution.EXCHANGE,
        )
    assert excinfo.value.code == "exchange_price_differs"
    assert excinfo.value.http_status == 422
    assert excinfo.value.extra["lines"] == {
        reader.external_id: {"code": "exchange_price_differs", "message": excinfo.value.message}
    }
    assert not ReturnRequest.objects.exists()
