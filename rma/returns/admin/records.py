"""Admin for what the services write about a return: lines, events, idempotency keys, the requests accepted for
later (read-only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rma.returns.admin.inlines import ReturnPhotoInline
from rma.returns.admin.mixins import ReadOnlyAdminMixin
from rma.returns.models import IdempotencyKey, ReturnEvent, ReturnIntake, ReturnLine


@admin.register(ReturnLine)
class ReturnLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lines are read here with their photos; they change only through the returns services."""

    list_display = ("__str__", "return_request", "order_line", "quantity", "reason", "created_at")
    list_select_related = ("return_request", "order_line", "reason")
    list_filter = ("reason",)
    search_fields = ("return_request__rma_number", "order_line__sku", "order_line__name", "comment")
    search_help_text = _("RMA number, SKU, product name or the customer's comment.")
    inlines = (ReturnPhotoInline,)


@admin.register(ReturnEvent)
class ReturnEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("return_request", "created_at", "from_status", "to_status", "actor_label", "actor")
    list_select_related = ("return_request", "actor")
    list_filter = ("to_status", "from_status")
    search_fields = ("return_request__rma_number", "actor_label", "actor__username", "note")
    search_help_text = _("RMA number, who did it, or the note.")
    date_hierarchy = "created_at"


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key", "scope", "return_request", "created_at")
    list_select_related = ("return_request",)
    search_fields = ("key", "scope", "return_request__rma_number")
    date_hierarchy = "created_at"


@admin.register(ReturnIntake)
class ReturnIntakeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What became of each `POST /returns/` accepted for later: the support tool's answer to an integrator who asks
    why a return was not made (the error is the one their request was answered with)."""

    list_display = ("public_id", "status", "http_status", "actor", "return_request", "attempts", "created_at")
    list_select_related = ("actor", "return_request")
    list_filter = ("status", "http_status")
    search_fields = ("=public_id", "idempotency_key", "actor__username", "return_request__rma_number")
    search_help_text = _("Intake id, Idempotency-Key, who sent it, or the RMA number it made.")
    date_hierarchy = "created_at"
