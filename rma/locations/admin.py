"""Admin for the physical network: warehouses, shops and drop-off points."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rma.core.forms import NUMBER_FORMFIELD_OVERRIDES
from rma.locations.models import AddressPoint, DropOffPoint, PostcodePlace, Store, Warehouse

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts
    from django_stubs_ext import StrOrPromise

ADDRESS_FIELDS = ("address_line1", "address_line2", "postcode", "city", "country", "latitude", "longitude")
# Typed as the admin expects a fieldset, so the three admins below can share it.
RECORD_FIELDSET: "tuple[StrOrPromise, _FieldOpts]" = (
    _("Record"),
    {"fields": ("created_at", "updated_at"), "classes": ("collapse",)},
)


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "postcode", "city", "email", "phone", "is_active")
    list_filter = ("is_active", "country")
    search_fields = ("code", "name", "postcode", "city", "email")
    search_help_text = _("Code, name, postcode, city or email.")
    filter_horizontal = ("staff",)
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {**NUMBER_FORMFIELD_OVERRIDES, models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("code", "name", "email", "phone", "is_active")}),
        (_("Address"), {"fields": ADDRESS_FIELDS}),
        (_("Staff"), {"fields": ("staff",)}),
        (_("Advance notices"), {"fields": ("notify_email", "notify_webhook_url", "notify_webhook_secret")}),
        RECORD_FIELDSET,
    )


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    formfield_overrides = NUMBER_FORMFIELD_OVERRIDES
    list_display = ("code", "name", "postcode", "city", "default_warehouse", "phone", "is_active")
    list_select_related = ("default_warehouse",)
    list_filter = ("is_active", "default_warehouse", "country")
    search_fields = ("code", "name", "postcode", "city", "email")
    search_help_text = _("Code, name, postcode, city or email.")
    filter_horizontal = ("staff",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "name", "email", "phone", "default_warehouse", "is_active")}),
        (_("Address"), {"fields": ADDRESS_FIELDS}),
        (_("Opening hours"), {"fields": ("opening_hours",)}),
        (_("Staff"), {"fields": ("staff",)}),
        RECORD_FIELDSET,
    )


@admin.register(DropOffPoint)
class DropOffPointAdmin(admin.ModelAdmin):
    formfield_overrides = NUMBER_FORMFIELD_OVERRIDES
    list_display = (
        "name",
        "kind",
        "carrier",
        "carrier_point_id",
        "postcode",
        "city",
        "store",
        "accepts_returns",
        "label_printing",
        "is_active",
    )
    list_select_related = ("store",)
    list_filter = ("kind", "carrier", "accepts_returns", "is_active", "label_printing", "open_24_7")
    search_fields = ("name", "postcode", "city", "carrier_point_id")
    search_help_text = _("Name, postcode, city or the carrier's point id.")
    autocomplete_fields = ("store",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "kind", "carrier", "carrier_point_id", "store", "accepts_returns", "is_active")}),
        (_("Address"), {"fields": ADDRESS_FIELDS}),
        (
            _("Opening and capacity"),
            {
                "fields": (
                    "opening_hours",
                    "closures",
                    "open_24_7",
                    "wheelchair_accessible",
                    "max_weight_kg",
                    "max_dimensions_cm",
                    "compartments",
                    "label_printing",
                )
            },
        ),
        RECORD_FIELDSET,
    )


@admin.register(PostcodePlace)
class PostcodePlaceAdmin(admin.ModelAdmin):
    """Read-only: the rows come from the official postcode file (`manage.py postcodes_import`), and a hand edit
    would be overwritten by the next import."""

    list_display = ("postcode", "name", "commune", "insee_code", "country", "latitude", "longitude")
    list_filter = ("country",)
    search_fields = ("=postcode", "name", "commune", "=insee_code")
    search_help_text = _("Postcode, place, commune or INSEE code.")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PostcodePlace | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PostcodePlace | None = None) -> bool:
        return False


@admin.register(AddressPoint)
class AddressPointAdmin(admin.ModelAdmin):
    """Read-only: the rows come from the Base Adresse Nationale (`manage.py addresses_import`), and a hand edit
    would be overwritten by the next import."""

    list_display = ("postcode", "number", "suffix", "street", "city", "latitude", "longitude")
    search_fields = ("=postcode", "street", "city", "=ban_id")
    search_help_text = _("Postcode, street, city or BAN id.")
    show_full_result_count = False  # millions of rows: no COUNT(*) on each page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AddressPoint | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AddressPoint | None = None) -> bool:
        return False
