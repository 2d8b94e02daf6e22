"""The demo's customers and orders: deterministic, relative to the start of today (Europe/Paris)."""

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rma.demo import geography as geo
from rma.orders.choices import Channel
from rma.orders.models import Order
from rma.returns import policy as return_policy

ORDER_COUNT = 500
ORDER_DAYS = 60
CUSTOMER_COUNT = 300
CUSTOMER_ORDER_PREFIX = "ML-2611-"
EXTERNAL_ID_PREFIX = "demo-order-"
# Every 40th order (from the 18th) is a big basket worth more than the review threshold, placed 3 to 21 days ago.
BIG_BASKET_EVERY, BIG_BASKET_OFFSET = 40, 17
BIG_BASKET_TOTAL = Decimal("850.00")

# Small accessories the catalogue lacks: worth less than returning them costs (returnless refunds).
ACCESSORIES: tuple[dict[str, Any], ...] = (
    {
        "product_ref": "LAC-COT",
        "name": "Lacets en coton ciré",
        "category": "footwear",
        "non_returnable_reason": "",
        "has_serial": False,
        "variants": [
            {"sku": f"LAC-COT-{code}-{length}", "size": f"{length} cm", "colour": colour, "price": "4.90"}
            for code, colour in (("NOI", "noir"), ("MRN", "marron"))
            for length in (90, 120)
        ],
    },
    {
        "product_ref": "POR-CUI",
        "name": "Porte-clés en cuir",
        "category": "other",
        "non_returnable_reason": "",
        "has_serial": False,
        "variants": [
            {"sku": f"POR-CUI-{code}", "size": "", "colour": colour, "price": "7.50"}
            for code, colour in (("CAM", "camel"), ("NOI", "noir"))
        ],
    },
)


def ascii_slug(text: str) -> str:
    """ "Chloé" -> "chloe", "Le Gall" -> "legall": for demo email addresses."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


@dataclass(frozen=True)
class Customer:
    first_name: str
    last_name: str
    email: str
    phone: str
    locale: str
    address_line1: str
    postcode: str
    city: str
    latitude: float
    longitude: float

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class DemoOrders:
    """The payloads of the demo orders, for ``order_upsert``: the same every time for the same seed and day."""

    def __init__(self, *, rng: random.Random) -> None:
        self.rng = rng

    def customers(self) -> list[Customer]:
        rng = self.rng
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < CUSTOMER_COUNT:
            pairs.add((rng.choice(geo.FIRST_NAMES), rng.choice(geo.LAST_NAMES)))
        customers = []
        for first, last in sorted(pairs):
            city = rng.choice(geo.CITIES)
            customers.append(
                Customer(
                    first_name=first,
                    last_name=last,
                    email=f"{ascii_slug(first)}.{ascii_slug(last)}@example.fr",
                    phone="+33 6 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4)),
                    locale="en" if rng.random() < 0.05 else "fr",
                    address_line1=f"{rng.randint(1, 160)} {rng.choice(geo.STREET_NAMES)}",
                    postcode=city.postcode,
                    city=city.name,
                    latitude=round(city.latitude + rng.uniform(-0.02, 0.02), 5),
                    longitude=round(city.longitude + rng.uniform(-0.03, 0.03), 5),
                )
            )
        return customers

    def payloads(self) -> list[dict[str, Any]]:
        rng = self.rng
        customers = self.customers()
        # Start of today in Paris, in UTC: the same run twice a day computes the same dates.
        anchor = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
        products = [*geo.PRODUCT_CATALOGUE, *ACCESSORIES]
        weights = [1 if product["non_returnable_reason"] else 3 for product in products]
        expensive = [product for product in geo.PRODUCT_CATALOGUE if Decimal(product["base_price"]) >= 99]
        shop_codes = [shop["code"] for shop in geo.SHOPS]
        payloads = []
        for index in range(ORDER_COUNT):
            customer = rng.choice(customers)
            big_basket = index % BIG_BASKET_EVERY == BIG_BASKET_OFFSET
            roll = rng.random()
            channel = Channel.WEB if roll < 0.8 else Channel.STORE if roll < 0.92 else Channel.MARKETPLACE
            if big_basket:
                channel = Channel.WEB
                days_ago = 3 + 1.5 * (index // BIG_BASKET_EVERY)
                placed_at = anchor - timedelta(days=days_ago) + timedelta(hours=rng.uniform(8, 22))
            else:
                placed_at = anchor - timedelta(seconds=rng.randint(3600, ORDER_DAYS * 86400))
            if channel == Channel.STORE:
                # Paid and taken home at the counter, during opening hours.
                placed_at = placed_at.replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59))
                delivered_at = placed_at
            else:
                delivered_at = placed_at + timedelta(days=rng.randint(1, 5), hours=rng.uniform(0, 8))
                if delivered_at >= anchor:
                    delivered_at = None  # still on its way
            lines = self.order_lines(products=products, weights=weights, expensive=expensive, big=big_basket)
            external_id = f"{EXTERNAL_ID_PREFIX}{index + 1:05d}"
            payloads.append(
                {
                    "external_id": external_id,
                    "number": f"{CUSTOMER_ORDER_PREFIX}{4001 + index:06d}",
                    "channel": channel,
                    "store_code": rng.choice(shop_codes) if channel == Channel.STORE else "",
                    "customer_email": customer.email,
                    "customer_name": customer.name,
                    "customer_phone": customer.phone,
                    "locale": customer.locale,
                    "currency": "EUR",
                    "placed_at": placed_at,
                    "delivered_at": delivered_at,
                    "address_line1": customer.address_line1,
                    "address_line2": "",
                    "postcode": customer.postcode,
                    "city": customer.city,
                    "country": "FR",
                    "latitude": customer.latitude,
                    "longitude": customer.longitude,
                    "lines": [
                        line | {"external_id": f"{external_id}-{number}"} for number, line in enumerate(lines, 1)
                    ],
                }
            )
        return payloads

    def order_lines(
        self, *, products: list[dict], weights: list[int], expensive: list[dict], big: bool
    ) -> list[dict[str, Any]]:
        rng = self.rng
        chosen: dict[str, tuple[dict, dict]] = {}
        big_quantity = 1
        if big:
            total = Decimal("0.00")
            while total <= BIG_BASKET_TOTAL and len(chosen) < 4:
                product = rng.choice(expensive)
                variant = rng.choice(product["variants"])
                if variant["sku"] not in chosen:
                    chosen[variant["sku"]] = (product, variant)
                    total += Decimal(variant["price"])
            if total <= BIG_BASKET_TOTAL:
                big_quantity = 2  # two of each: a gift for the whole family
        else:
            for _ in range(rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]):
                product = rng.choices(products, weights=weights)[0]
                variant = rng.choice(product["variants"])
                chosen[variant["sku"]] = (product, variant)
        lines = []
        for product, variant in chosen.values():
            price = Decimal(variant["price"])
            if not big and not product["non_returnable_reason"] and rng.random() < 0.15:
                price = (price * Decimal("0.80")).quantize(Decimal("0.01"))  # bought during the sales
            lines.append(
                {
                    "sku": variant["sku"],
                    "product_ref": product["product_ref"],
                    "name": product["name"],
                    "category": product["category"],
                    "size": variant["size"],
                    "colour": variant["colour"],
                    "quantity": big_quantity if big else 2 if rng.random() < 0.12 else 1,
                    "unit_price": price,
                    "non_returnable_reason": product["non_returnable_reason"],
                    "has_serial_number": product["has_serial"],
                }
            )
        return lines


def orders_to_try(*, limit: int = 2) -> list[tuple[Order, int]]:
    """Recently delivered web orders without returns, with the number of lines a customer can still return."""
    policy = return_policy.policy_get_default()
    since = timezone.now() - timedelta(days=10)
    recent = (
        Order.objects.filter(
            external_id__startswith=EXTERNAL_ID_PREFIX,
            channel=Channel.WEB,
            delivered_at__gte=since,
            return_requests__isnull=True,
        )
        .prefetch_related("lines")
        .order_by("-delivered_at", "number")
    )
    threshold = policy.review_order_value_above
    found = []
    for order in recent:
        if threshold is not None and order.total > threshold:
            continue  # would go to review: not the smoothest first try
        eligible = 0
        for line in order.lines.all():
            line.order = order
            eligible += return_policy.line_eligibility(policy=policy, line=line).eligible
        if eligible:
            found.append((order, eligible))
    # Orders with several returnable lines first (the customer sees a choice), most recent first.
    found.sort(key=lambda item: item[1] < 2)
    return found[:limit]


def orders_for_returns() -> list[Order]:
    """Delivered demo orders (not from shops) without returns, but for those offered to try the portal."""
    orders = (
        Order.objects.filter(
            external_id__startswith=EXTERNAL_ID_PREFIX, delivered_at__isnull=False, return_requests__isnull=True
        )
        .exclude(channel=Channel.STORE)
        .prefetch_related("lines")
        .order_by("number")
    )
    # Leave the most recent deliveries alone: they are the ones offered to try the portal.
    kept_for_customers = {order.pk for order, _count in orders_to_try(limit=4)}
    return [order for order in orders if order.pk not in kept_for_customers]
