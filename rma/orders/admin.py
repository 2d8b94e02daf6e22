"""Admin for the mirror of the shop's orders: a support tool to look orders up and fix a line by hand."""

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rma.core.forms import NUMBER_FORMFIELD_OVERRIDES
from rma.orders.customer_keys import order_contact_keys
from rma.orders.models import Order, OrderLine, ProductVariant

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _LineCount(TypedDict):
    line_count: int


ORDER_LINE_FIELDS = (
    "external_id",
    "sku",
    "product_ref",
    "name",
    "category",
    "size",
    "colour",
    "quantity",
    "unit_price",
    "non_returnable_reason",
    "has_serial_number",
    "unit_weight_g",
    "quantity_in_returns",
)


class OrderLineAdminForm(forms.ModelForm):
    """The database refuses fewer units than are in returns; say so on the field rather than fail on save."""

    class Meta:
        model = OrderLine
        fields = ORDER_LINE_FIELDS[:-1]

    def clean_quantity(self) -> int:
        quantity = self.cleaned_data["quantity"]
        held = self.instance.quantity_in_returns
        if quantity is not None and quantity < held:
            raise ValidationError(
                ngettext(
                    "%(held)d unit of this line is in a return: the quantity cannot be lower.",
                    "%(held)d units of this line are in returns: the quantity cannot be lower.",
                    held,
                ),
                code="below_quantity_in_returns",
                params={"held": held},
            )
        return quantity


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    form = OrderLineAdminForm
    fields = ORDER_LINE_FIELDS
    # Kept by the returns services in the same transaction as the return: never typed in.
    readonly_fields = ("quantity_in_returns",)
    formfield_overrides = NUMBER_FORMFIELD_OVERRIDES
    extra = 0
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "external_id",
        "channel",
        "customer_email",
        "customer_name",
        "line_count",
        "placed_at",
        "delivered_at",
    )
    list_filter = ("channel", "placed_at", "delivered_at", "currency", "country")
    search_fields = ("number", "external_id", "customer_email", "customer_name", "store_code")
    search_help_text = _("Order number, shop id, customer email or name, shop code.")
    date_hierarchy = "placed_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = (OrderLineInline,)
    fieldsets = (
        (None, {"fields": ("number", "external_id", "channel", "store_code", "placed_at", "delivered_at")}),
        (_("Customer"), {"fields": ("customer_email", "customer_name", "customer_phone", "locale", "currency")}),
        (
            _("Delivery address"),
            {"fields": ("address_line1", "address_line2", "postcode", "city", "country", "latitude", "longitude")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).annotate(line_count=Count("lines"))

    @admin.display(description=_("lines"), ordering="line_count")
    def line_count(self, obj: "WithAnnotations[Order, _LineCount]") -> int:
        return obj.line_count

    def save_model(self, request: HttpRequest, obj: Order, form: ModelForm, change: bool) -> None:
        # The compared phone and address follow what was typed (a customer's history finds orders through them).
        keys = order_contact_keys(
            customer_phone=obj.customer_phone, address_line1=obj.address_line1, postcode=obj.postcode
        )
        changed_keys = [name for name, value in keys.items() if getattr(obj, name) != value]
        for name in changed_keys:
            setattr(obj, name, keys[name])
        if change:
            if form.changed_data:
                obj.save(update_fields=[*form.changed_data, *changed_keys, "updated_at"])
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool) -> None:
        """Save only the edited columns of existing lines, so quantity_in_returns is never written back stale."""
        formset.save(commit=False)
        for line in formset.deleted_objects:
            line.delete()
        for line in formset.new_objects:
            line.save()
        for line, changed in formset.changed_objects:
            line.save(update_fields=[*changed, "updated_at"])
        formset.save_m2m()


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    formfield_overrides = NUMBER_FORMFIELD_OVERRIDES
    list_display = (
        "sku",
        "name",
        "order",
        "category",
        "quantity",
        "quantity_in_returns",
        "unit_price",
        "non_returnable_reason",
    )
    list_select_related = ("order",)
    list_filter = ("category", "non_returnable_reason", "has_serial_number")
    search_fields = ("sku", "product_ref", "name", "external_id", "order__number", "order__customer_email")
    search_help_text = _("SKU, product reference, name, line id, order number or customer email.")
    form = OrderLineAdminForm
    autocomplete_fields = ("order",)
    fields = ("order", *ORDER_LINE_FIELDS, "created_at", "updated_at")
    readonly_fields = ("quantity_in_returns", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: OrderLine, form: ModelForm, change: bool) -> None:
        if change:
            if form.changed_data:
                obj.save(update_fields=[*form.changed_data, "updated_at"])
            return
        super().save_model(request, obj, form, change)


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    """Kept by the order upsert from the latest sale of each SKU (the exchange options): to look at, not to edit."""

    list_display = ("sku", "product_ref", "size", "colour", "weight_g", "last_sold_at")
    search_fields = ("sku", "product_ref")
    readonly_fields = ("sku", "product_ref", "size", "colour", "weight_g", "last_sold_at", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ProductVariant | None = None) -> bool:
        return False
