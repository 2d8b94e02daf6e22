"""Admin for the returns reference data: reason codes and return policies."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rma.core.forms import NUMBER_FORMFIELD_OVERRIDES
from rma.returns.models import PolicyFee, PolicyWindowOverride, ReasonCode, ReturnPolicy


@admin.register(ReasonCode)
class ReasonCodeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "label_fr",
        "label_en",
        "responsibility",
        "legal_basis",
        "requires_photo",
        "free_return",
        "position",
        "is_active",
    )
    list_editable = ("position", "is_active")
    list_filter = ("responsibility", "legal_basis", "requires_photo", "free_return", "is_active")
    search_fields = ("code", "label_fr", "label_en")
    readonly_fields = ("created_at", "updated_at")


class PolicyWindowOverrideInline(admin.TabularInline):
    model = PolicyWindowOverride
    fields = ("category", "channel", "window_days")
    extra = 0


class PolicyFeeInline(admin.TabularInline):
    model = PolicyFee
    fields = ("responsibility", "drop_off_method", "amount")
    formfield_overrides = NUMBER_FORMFIELD_OVERRIDES
    extra = 0


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "is_default",
        "window_days",
        "conformity_window_days",
        "auto_approve",
        "review_order_value_above",
        "returnless_refund_below",
        "free_exchanges",
        "store_credit_moment",
        "store_credit_bonus_percent",
    )
    list_filter = ("is_default", "auto_approve", "free_exchanges")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (PolicyWindowOverrideInline, PolicyFeeInline)
    formfield_overrides = NUMBER_FORMFIELD_OVERRIDES
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "is_default",
                    "window_days",
                    "conformity_window_days",
                    "free_exchanges",
                    "exchange_price_difference_allowed",
                    "tracking_late_after_days",
                )
            },
        ),
        (
            _("Review"),
            {
                "fields": (
                    "auto_approve",
                    "review_order_value_above",
                    "review_recent_returns",
                    "review_recent_returns_days",
                    "returnless_refund_below",
                )
            },
        ),
        (
            _("Store credit"),
            {"fields": ("store_credit_moment", "store_credit_bonus_percent", "store_credit_validity_days")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
