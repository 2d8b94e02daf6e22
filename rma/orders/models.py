"""A mirror of the shop's orders: read-mostly, upserted by external id."""

from decimal import Decimal

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from rma.core.models import AddressModel, TimeStampedModel
from rma.orders.choices import Category, Channel, NonReturnableReason


class Order(AddressModel, TimeStampedModel):
    """An order as the shop knows it; the address is the delivery address."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    number = models.CharField(_("order number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    store_code = models.CharField(_("shop code"), max_length=16, blank=True, help_text=_("For in-store sales."))
    customer_email = models.EmailField(_("customer email"), db_index=True)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_phone = models.CharField(_("customer phone"), max_length=32, blank=True)
    locale = models.CharField(_("language"), max_length=8, default="fr")
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    placed_at = models.DateTimeField(_("placed at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # The phone and the delivery address as they are compared (rma.orders.customer_keys), kept by the order upsert
    # and the admin: a customer's orders across emails are found through their indexes.
    phone_key = models.CharField(_("phone, as compared"), max_length=32, blank=True, editable=False)
    address_key = models.CharField(_("address, as compared"), max_length=220, blank=True, editable=False)

    class Meta:
        ordering = ("-placed_at", "-id")
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=("number", "customer_email"), name="orders_order_number_email"),
            # A customer types the number in any case: the lookup compares Upper(number) (rma.orders.selectors).
            models.Index(Upper("number"), name="orders_order_number_upper"),
            # The sales of a day, for the analytics' daily roll-ups (rma.insights.rollups).
            models.Index(fields=("placed_at",), name="orders_order_placed"),
            # A customer's orders across emails, by phone or address; with the email, so that telling whether
            # a key is shared by many customers reads a few index entries (rma.returns.customer_history).
            models.Index(fields=("phone_key", "customer_email"), name="orders_order_phone_key_email"),
            models.Index(fields=("address_key", "customer_email"), name="orders_order_address_key_email"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> Decimal:
        """Sum of what was paid for the lines."""
        return sum((line.unit_price * line.quantity for line in self.lines.all()), Decimal("0.00"))


class OrderLine(TimeStampedModel):
    """One product line of an order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    external_id = models.CharField(_("external line id"), max_length=64)
    sku = models.CharField(_("SKU"), max_length=64, db_index=True)
    product_ref = models.CharField(_("product reference"), max_length=64, blank=True, db_index=True)
    variant_ref = models.CharField(_("variant reference"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, default=Category.OTHER)
    size = models.CharField(_("size"), max_length=16, blank=True)
    colour = models.CharField(_("colour"), max_length=32, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price paid"), max_digits=10, decimal_places=2)
    unit_tax = models.DecimalField(
        _("tax per unit"), max_digits=10, decimal_places=2, default=0, help_text=_("Included in the unit price paid.")
    )
    non_returnable_reason = models.CharField(
        _("not returnable because"), max_length=16, choices=NonReturnableReason.choices, blank=True
    )
    has_serial_number = models.BooleanField(_("has a serial number"), default=False)
    unit_weight_g = models.PositiveIntegerField(
        _("weight per unit (g)"),
        null=True,
        blank=True,
        help_text=_("As the shop publishes it; empty when it publishes none (reports then estimate it)."),
    )
    # Units held by returns that are not cancelled, rejected or expired; kept by the returns
    # services in the same transaction, and bounded by the database.
    quantity_in_returns = models.PositiveIntegerField(_("quantity in returns"), default=0, editable=False)

    class Meta:
        ordering = ("order_id", "id")
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(
                fields=("order", "external_id"), name="%(app_label)s_%(class)s_unique_external_id"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="%(app_label)s_%(class)s_unit_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_in_returns__lte=models.F("quantity")),
                name="%(app_label)s_%(class)s_returns_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"

    @property
    def is_returnable(self) -> bool:
        return not self.non_returnable_reason

    @property
    def quantity_available_for_return(self) -> int:
        return self.quantity - self.quantity_in_returns


class ProductVariant(TimeStampedModel):
    """A SKU as our orders describe it (its product, size and colour), kept by the order upsert from the latest sale:
    the exchange options read this small table, not every order line of the product."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    product_ref = models.CharField(_("product reference"), max_length=64, blank=True, db_index=True)
    size = models.CharField(_("size"), max_length=16, blank=True)
    colour = models.CharField(_("colour"), max_length=32, blank=True)
    weight_g = models.PositiveIntegerField(
        _("weight per unit (g)"), null=True, blank=True, help_text=_("The latest weight a sale of this SKU told.")
    )
    last_sold_at = models.DateTimeField(
        _("last sold at"), help_text=_("When the latest order with this SKU was placed.")
    )

    class Meta:
        ordering = ("sku",)
        verbose_name = _("product variant")
        verbose_name_plural = _("product variants")

    def __str__(self) -> str:
        return self.sku
