"""A retailer's shop platform, what it sent us, and which of its orders each of ours is."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.connectors.choices import InboxStatus, Platform
from rma.core.models import PublicIdModel, TimeStampedModel
from rma.core.secrets import env_secret
from rma.orders.choices import Channel

SECRET_FIELDS = ("api_key", "api_secret", "webhook_secret")


class ShopConnection(PublicIdModel, TimeStampedModel):
    """One shop on one platform: where it is, how we authenticate, and what its orders become here.

    Secrets are stored here or, when ``secrets_env_prefix`` is set, read from the environment
    (``<PREFIX>_API_KEY``, ``<PREFIX>_API_SECRET``, ``<PREFIX>_WEBHOOK_SECRET``), which then wins.
    """

    name = models.SlugField(
        _("name"),
        max_length=40,
        unique=True,
        help_text=_("Short name used on the command line and in order ids (e.g. eu-shop)."),
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    shop_url = models.URLField(
        _("shop URL"), help_text=_("https://example.myshopify.com, or the WooCommerce or PrestaShop site's address.")
    )
    api_key = models.CharField(
        _("API key or token"),
        max_length=500,
        blank=True,
        help_text=_("Shopify: Admin API access token. WooCommerce: consumer key. PrestaShop: webservice key."),
    )
    api_secret = models.CharField(
        _("API secret"), max_length=500, blank=True, help_text=_("WooCommerce: consumer secret.")
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=500,
        blank=True,
        help_text=_("Shopify: the app's client secret. WooCommerce: the secret of its webhooks."),
    )
    secrets_env_prefix = models.CharField(
        _("secrets from the environment"),
        max_length=60,
        blank=True,
        help_text=_(
            "e.g. RMA_SHOP_EU: reads RMA_SHOP_EU_API_KEY, RMA_SHOP_EU_API_SECRET, RMA_SHOP_EU_WEBHOOK_SECRET."
        ),
    )
    api_version = models.CharField(
        _("API version"), max_length=20, blank=True, help_text=_("Empty: the version the connector was built for.")
    )
    channel = models.CharField(_("sales channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    order_number_prefix = models.CharField(
        _("order number prefix"),
        max_length=8,
        blank=True,
        help_text=_("Put before the shop's order numbers, when several shops could use the same numbers."),
    )
    default_warehouse = models.ForeignKey(
        "locations.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default warehouse"),
    )
    location_ref = models.CharField(
        _("restock location"),
        max_length=100,
        blank=True,
        help_text=_("The platform's location that restocked items go back to (Shopify location id)."),
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_(
            'Platform options, e.g. {"category_map": {"T-shirts": "apparel"}, "gift_cards": false} (see the README).'
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # The backfill and the polling resume from here: the cursor of the page being read, and the newest
    # platform update time fully read.
    sync_cursor = models.CharField(_("sync cursor"), max_length=500, blank=True, editable=False)
    sync_since = models.DateTimeField(_("sync started from"), null=True, blank=True, editable=False)
    synced_until = models.DateTimeField(_("synced until"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ("name",)
        verbose_name = _("shop connection")
        verbose_name_plural = _("shop connections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(platform__in=Platform.values), name="%(app_label)s_%(class)s_platform_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    def credential(self, name: str) -> str:
        """A secret (``api_key``, ``api_secret`` or ``webhook_secret``): from the environment when a prefix is
        set and the variable exists, else from the database."""
        if name not in SECRET_FIELDS:
            raise ValueError(f"Not a secret field: {name}")
        return env_secret(prefix=self.secrets_env_prefix, name=name) or str(getattr(self, name))

    @property
    def base_url(self) -> str:
        return self.shop_url.rstrip("/")


class InboxDelivery(TimeStampedModel):
    """One webhook delivery a platform sent us, stored as received before it is answered; mapped later."""

    connection = models.ForeignKey(
        ShopConnection, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("connection")
    )
    delivery_id = models.CharField(_("platform delivery id"), max_length=200)
    topic = models.CharField(_("topic"), max_length=100, db_index=True)
    body = models.TextField(_("body as received"))
    status = models.CharField(
        _("status"), max_length=16, choices=InboxStatus.choices, default=InboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("order")
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("received webhook")
        verbose_name_plural = _("received webhooks")
        constraints = [
            models.UniqueConstraint(
                fields=("connection", "delivery_id"), name="%(app_label)s_%(class)s_unique_delivery"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InboxStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.delivery_id}"


class ShopOrder(TimeStampedModel):
    """Which platform order one of our orders is, with the platform ids that refunds need."""

    connection = models.ForeignKey(
        ShopConnection, on_delete=models.PROTECT, related_name="orders", verbose_name=_("connection")
    )
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="shop_link", verbose_name=_("order")
    )
    order_ref = models.CharField(_("platform order id"), max_length=100)
    platform_updated_at = models.DateTimeField(_("updated in the shop at"), null=True, blank=True)
    extra = models.JSONField(_("platform ids"), default=dict, blank=True)

    class Meta:
        ordering = ("-id",)
        verbose_name = _("shop order")
        verbose_name_plural = _("shop orders")
        constraints = [
            models.UniqueConstraint(fields=("connection", "order_ref"), name="%(app_label)s_%(class)s_unique_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.connection.name}:{self.order_ref}"


class ShopSku(TimeStampedModel):
    """A SKU a connected shop sold, with the platform's product and variant ids from its latest sale there: which
    platform to ask about a SKU's variants, without reading every order line that sold it."""

    connection = models.ForeignKey(
        ShopConnection, on_delete=models.CASCADE, related_name="skus", verbose_name=_("connection")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    product_ref = models.CharField(_("platform product id"), max_length=64, blank=True)
    variant_ref = models.CharField(_("platform variant id"), max_length=64, blank=True)
    last_sold_at = models.DateTimeField(
        _("last sold at"), help_text=_("When the latest order with this SKU was placed.")
    )

    class Meta:
        ordering = ("sku", "connection_id")
        verbose_name = _("SKU sold by a shop")
        verbose_name_plural = _("SKUs sold by shops")
        constraints = [
            models.UniqueConstraint(fields=("connection", "sku"), name="%(app_label)s_%(class)s_unique_sku"),
        ]
        indexes = [
            # The latest sale of a SKU, whichever shop made it (rma.connectors.stock).
            models.Index("sku", models.F("last_sold_at").desc(), name="connectors_shopsku_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.connection_id}:{self.sku}"
