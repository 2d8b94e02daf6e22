"""Factories for the mirror of the shop's orders."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from rma.orders.customer_keys import order_address_normalize, phone_normalize
from rma.orders.models import Order, OrderLine
from rma.orders.services import product_variants_record


class OrderFactory(DjangoModelFactory[Order]):
    class Meta:
        model = Order

    external_id = factory.Sequence(lambda n: f"shop-{n}")
    # Far from the numbers tests write by hand (ML100042 is the portal world's order), whatever the sequence reached.
    number = factory.Sequence(lambda n: f"ML{700000 + n}")
    customer_email = factory.Sequence(lambda n: f"client{n}@example.fr")
    customer_name = "Chloé Martin"
    customer_phone = ""
    # A street number of its own: orders of different emails at one address are one customer's (its history).
    address_line1 = factory.Sequence(lambda n: f"{n + 1} rue des Lilas")
    postcode = "69003"
    city = "Lyon"
    latitude = 45.7597
    longitude = 4.8422
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=12))
    delivered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    # Written as the order upsert writes them.
    phone_key = factory.LazyAttribute(lambda order: phone_normalize(order.customer_phone))
    address_key = factory.LazyAttribute(
        lambda order: order_address_normalize(line1=order.address_line1, postcode=order.postcode)
    )


class OrderLineFactory(DjangoModelFactory[OrderLine]):
    class Meta:
        model = OrderLine
        skip_postgeneration_save = True

    order = factory.SubFactory(OrderFactory)
    external_id = factory.Sequence(lambda n: f"line-{n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "Chemise en lin"
    category = "apparel"
    quantity = 2
    unit_price = Decimal("49.90")

    @factory.post_generation
    def product_variant(obj: OrderLine, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        """Lines reach us through the order upsert, which keeps the product variants up to date: so do these."""
        if create:
            product_variants_record(lines=[obj])
