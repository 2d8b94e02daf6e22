"""What the shop says about a product's variants (other sizes and colours), for exchanges.

Two clients share one interface: ``HttpShopClient`` asks the shop's API when ``RMA_SHOP_API_URL`` is set;
otherwise ``RMA_SHOP_CLIENT`` names the client class, by default ``CatalogueShopClient``, which derives the
variants from what we know locally: the SKUs of the same product seen in orders (``orders.ProductVariant``).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class ShopUnavailable(Exception):
    """The shop could not be asked (network error, timeout, bad answer)."""


@dataclass(frozen=True)
class Variant:
    sku: str
    size: str
    colour: str
    available: bool
    # The shop's price for the variant, when the client knows it (exchanges are checked against it).
    price: Decimal | None = None


@runtime_checkable
class ShopClient(Protocol):
    # Whether ``available`` comes from a real stock source; when False, every known variant is reported available
    # and no page may say that a variant is in stock.
    stock_known: bool

    def variants_available(self, *, product_ref: str, sku: str) -> list[Variant]:
        """Every variant of the product of ``sku`` (including ``sku`` itself), with its availability."""
        ...

    def variant_for_sku(self, *, sku: str) -> Variant | None:
        """The size and colour of ``sku``, or None when nothing is known of it."""
        ...


def order_line_variant(*, sku: str) -> Variant | None:
    """The size and colour of ``sku`` as the orders recorded them (availability unknown: reported True)."""
    from rma.orders.models import ProductVariant  # the integrations package loads before the apps

    seen = ProductVariant.objects.filter(sku=sku).values_list("size", "colour").first()
    return Variant(sku, seen[0], seen[1], True) if seen is not None else None


def order_line_variants(*, product_ref: str) -> list[Variant]:
    """The variants of a product seen in orders, by SKU (availability unknown: reported True).

    Read from the product variants the order upsert keeps (one row per SKU), not from the order lines: the cost
    does not grow with the orders.
    """
    from rma.orders.models import ProductVariant  # the integrations package loads before the apps

    if not product_ref:
        return []
    seen = ProductVariant.objects.filter(product_ref=product_ref).order_by("sku").values_list("sku", "size", "colour")
    return [Variant(sku, size, colour, True) for sku, size, colour in seen[:200]]


def variants_sorted(variants: Iterable[Variant]) -> list[Variant]:
    """Variants by colour, then size (XS before S before M…, 38 before 39), then SKU."""
    return sorted(variants, key=lambda v: (v.colour, _size_key(v.size), v.sku))


class CatalogueShopClient:
    """Variants from local knowledge: the SKUs of the same product seen in orders.

    It cannot see stock, so every variant it knows of is reported as available.
    """

    stock_known = False
    # The variants of a page's lines read at once (variants_read_ahead), by (product_ref, sku).
    read_ahead: dict[tuple[str, str], list[Variant]] | None = None

    def variants_read_ahead(self, *, lines: Iterable[tuple[str, str]]) -> None:
        """Read the variants of several lines' products, each line's (product_ref, sku), in one query for the calls
        of variants_available that follow (a line without a product reference is found by its SKU)."""
        from django.db.models import Q

        from rma.orders.models import ProductVariant  # the integrations package loads before the apps

        lines = list(lines)
        known = {product_ref for product_ref, _sku in lines if product_ref}
        missing = {sku for product_ref, sku in lines if not product_ref}
        found_refs = ProductVariant.objects.filter(sku__in=missing).exclude(product_ref="").values("product_ref")
        rows = (
            ProductVariant.objects.filter(
                Q(product_ref__in=known) | Q(sku__in=missing) | Q(product_ref__in=found_refs)
            )
            .order_by("sku")
            .values_list("product_ref", "sku", "size", "colour")
        )
        ref_of_sku: dict[str, str] = {}
        by_ref: dict[str, list[Variant]] = {}
        for product_ref, sku, size, colour in rows:
            ref_of_sku[sku] = product_ref
            if product_ref:
                by_ref.setdefault(product_ref, []).append(Variant(sku, size, colour, True))
        self.read_ahead = {
            (product_ref, sku): variants_sorted(by_ref.get(product_ref or ref_of_sku.get(sku, ""), [])[:200])
            for product_ref, sku in lines
        }

    def variants_available(self, *, product_ref: str, sku: str) -> list[Variant]:
        if self.read_ahead is not None and (product_ref, sku) in self.read_ahead:
            return self.read_ahead[(product_ref, sku)]
        if not product_ref:
            from rma.orders.models import ProductVariant  # the integrations package loads before the apps

            product_ref = ProductVariant.objects.filter(sku=sku).values_list("product_ref", flat=True).first() or ""
        return variants_sorted(order_line_variants(product_ref=product_ref))

    def variant_for_sku(self, *, sku: str) -> Variant | None:
        return order_line_variant(sku=sku)


class HttpShopClient:
    """Asks the shop: ``GET {base_url}/products/{product_ref}/variants?sku=...`` answering
    ``{"variants": [{"sku", "size", "colour", "available", "price"}]}`` (or the bare list; ``price`` optional)."""

    stock_known = True

    def __init__(
        self, *, base_url: str, token: str = "", timeout: float = 3.0, session: requests.Session | None = None
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()

    def variants_available(self, *, product_ref: str, sku: str) -> list[Variant]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = f"{self.base_url}/products/{quote(product_ref or sku, safe='')}/variants"
        try:
            response = self.session.get(url, params={"sku": sku}, headers=headers, timeout=self.timeout)
            response.raise_for_status()
            payload = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ShopUnavailable(str(exc)) from exc
        rows = payload.get("variants") if isinstance(payload, dict) else payload
        if not isinstance(rows, list):
            raise ShopUnavailable("unexpected answer from the shop")
        variants = []
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("sku"), str) or not row["sku"]:
                continue
            variants.append(
                Variant(
                    sku=row["sku"][:64],
                    size=str(row.get("size") or "")[:16],
                    colour=str(row.get("colour") or row.get("color") or "")[:32],
                    available=row.get("available") is True,
                    price=_price(row.get("price")),
                )
            )
        return variants

    def variant_for_sku(self, *, sku: str) -> Variant | None:
        """The shop's API has no question for one SKU: what our order lines say of it."""
        return order_line_variant(sku=sku)


def _price(value: object) -> Decimal | None:
    """A price the shop gave (a JSON string or number), or None when it gave none or nonsense."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        price = Decimal(str(value))
    except ArithmeticError:
        return None
    return price.quantize(Decimal("0.01")) if price.is_finite() and price >= 0 else None


ShopClientProvider = Callable[[], "ShopClient | None"]
_providers: list[ShopClientProvider] = []


def shop_client_provider_register(provider: ShopClientProvider) -> None:
    """Let an app offer a client (rma.connectors: the connected shop platforms); it answers None when it has none."""
    if provider not in _providers:
        _providers.append(provider)


def shop_client_get() -> ShopClient:
    """The HTTP client when ``RMA_SHOP_API_URL`` is set; else the first client a registered provider offers (the
    shop platforms connected in the admin); else an instance of the class ``RMA_SHOP_CLIENT`` names.

    The portal asks it for exchange options (``variants_available``) and for a SKU's size and colour
    (``variant_for_sku``).
    """
    base_url = settings.RMA_SHOP_API_URL
    if base_url:
        return HttpShopClient(
            base_url=base_url, token=settings.RMA_SHOP_API_TOKEN, timeout=settings.RMA_SHOP_API_TIMEOUT
        )
    for provider in _providers:
        client = provider()
        if client is not None:
            return client
    client_class = import_string(settings.RMA_SHOP_CLIENT)
    return client_class()


_SIZE_ORDER = {size: index for index, size in enumerate(("XXS", "XS", "S", "M", "L", "XL", "XXL", "TU"))}


def _size_key(size: str) -> tuple[int, float, str]:
    if size in _SIZE_ORDER:
        return (0, _SIZE_ORDER[size], size)
    try:
        return (1, float(size.replace(",", ".")), size)
    except ValueError:
        return (2, 0.0, size)


def exchange_options(*, client: ShopClient, product_ref: str, sku: str) -> list[Variant]:
    """The variants a customer may ask for instead of ``sku``: same product, another SKU, available.

    A shop that cannot be reached offers no exchange rather than failing the page.
    """
    try:
        variants = client.variants_available(product_ref=product_ref, sku=sku)
    except ShopUnavailable:
        logger.warning("shop variants unavailable for a product; exchange not offered")
        return []
    return [v for v in variants if v.available and v.sku != sku]
