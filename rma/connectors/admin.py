"""Admin → Shop connections: the connections (secrets write-only), the webhooks received, and the orders linked."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rma.connectors.inbox import deliveries_reprocess
from rma.connectors.models import SECRET_FIELDS, InboxDelivery, ShopConnection, ShopOrder, ShopSku
from rma.connectors.platforms.base import PlatformError
from rma.connectors.sync import connection_check
from rma.connectors.tasks import connection_sync_task, inbox_delivery_enqueue
from rma.core.queue import enqueue_on_commit


class ShopConnectionForm(forms.ModelForm):
    """Secrets are typed in, never shown back: an empty field keeps the secret already stored."""

    shop_url = forms.URLField(
        label=_("shop URL"), assume_scheme="https", help_text=ShopConnection._meta.get_field("shop_url").help_text
    )

    class Meta:
        model = ShopConnection
        fields = (
            "name",
            "platform",
            "shop_url",
            "enabled",
            "channel",
            "order_number_prefix",
            "api_key",
            "api_secret",
            "webhook_secret",
            "secrets_env_prefix",
            "api_version",
            "default_warehouse",
            "location_ref",
            "options",
        )
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRET_FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            field = self.fields[name]
            field.required = False
            if self.instance.pk and getattr(self.instance, name):
                field.help_text = _("Stored. Leave empty to keep it; type a new one to replace it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in SECRET_FIELDS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(ShopConnection)
class ShopConnectionAdmin(admin.ModelAdmin):
    form = ShopConnectionForm
    list_display = ("name", "platform", "shop_url", "channel", "default_warehouse", "enabled", "synced_until")
    list_filter = ("platform", "enabled")
    search_fields = ("name", "shop_url")
    readonly_fields = ("webhook_url", "secrets_status", "synced_until", "sync_since", "sync_cursor")
    actions = ("answers_check", "sync")
    fieldsets = (
        (None, {"fields": ("name", "platform", "shop_url", "enabled", "channel", "order_number_prefix")}),
        (
            _("Credentials"),
            {"fields": ("api_key", "api_secret", "webhook_secret", "secrets_env_prefix", "secrets_status")},
        ),
        (
            _("Shop"),
            {"fields": ("api_version", "default_warehouse", "location_ref", "options", "webhook_url")},
        ),
        (_("Sync"), {"fields": ("synced_until", "sync_since", "sync_cursor")}),
    )

    @admin.display(description=_("webhook address"))
    def webhook_url(self, obj: ShopConnection) -> str:
        if not obj.pk:
            return "—"
        path = reverse("connectors:webhook", kwargs={"public_id": obj.public_id})
        return settings.RMA_PUBLIC_BASE_URL.rstrip("/") + path

    @admin.action(description=_("Check that the selected shops answer with these credentials"))
    def answers_check(self, request: HttpRequest, queryset: QuerySet[ShopConnection]) -> None:
        for connection in queryset:
            try:
                count = connection_check(connection=connection)
            except PlatformError as exc:
                self.message_user(
                    request,
                    _("Shop %(name)s does not answer as it should: %(error)s")
                    % {"name": connection.name, "error": exc.message[:300]},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                _("Shop %(name)s answers: %(count)d order(s) changed in the last hour.")
                % {"name": connection.name, "count": count},
                messages.SUCCESS,
            )

    @admin.action(description=_("Read the orders changed since the last sync, in the background"))
    def sync(self, request: HttpRequest, queryset: QuerySet[ShopConnection]) -> None:
        started = [connection for connection in queryset if connection.enabled]
        for connection in started:
            enqueue_on_commit(connection_sync_task, connection.pk)
        self.message_user(
            request,
            _("Sync started for: %(names)s.") % {"names": ", ".join(c.name for c in started) or "—"},
            messages.SUCCESS if started else messages.WARNING,
        )

    @admin.display(description=_("secrets"))
    def secrets_status(self, obj: ShopConnection) -> str:
        """Which secrets are set and where from, never their value."""
        parts = []
        for name in SECRET_FIELDS:
            value = obj.credential(name) if obj.pk else ""
            from_env = bool(obj.secrets_env_prefix) and value and value != getattr(obj, name)
            parts.append(f"{name}: {'environment' if from_env else 'stored' if value else 'missing'}")
        return " · ".join(parts)


@admin.register(InboxDelivery)
class InboxDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "connection", "topic", "delivery_id", "status", "attempts", "order_link")
    list_filter = ("status", "connection", "topic")
    search_fields = ("delivery_id", "topic", "error")
    readonly_fields = (
        "connection",
        "delivery_id",
        "topic",
        "body",
        "status",
        "attempts",
        "error",
        "processed_at",
        "order",
        "created_at",
        "updated_at",
    )
    actions = ("reprocess",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("order"))
    def order_link(self, obj: InboxDelivery) -> str:
        if obj.order_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]), obj.order_id
        )

    @admin.action(description=_("Process the selected failed or pending webhooks again"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboxDelivery]) -> None:
        again = deliveries_reprocess(delivery_ids=list(queryset.values_list("pk", flat=True)))
        for pk in again:
            inbox_delivery_enqueue(pk)
        count = len(again)
        self.message_user(
            request,
            ngettext("%(n)d webhook handed to the worker again.", "%(n)d webhooks handed to the worker again.", count)
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(ShopOrder)
class ShopOrderAdmin(admin.ModelAdmin):
    list_display = ("order", "connection", "order_ref", "platform_updated_at")
    list_filter = ("connection",)
    search_fields = ("order_ref", "order__number")
    readonly_fields = ("connection", "order", "order_ref", "platform_updated_at", "extra", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ShopSku)
class ShopSkuAdmin(admin.ModelAdmin):
    """Kept from the platforms' orders (which shop to ask about a SKU's variants): to look at, not to edit."""

    list_display = ("sku", "connection", "product_ref", "variant_ref", "last_sold_at")
    list_filter = ("connection",)
    list_select_related = ("connection",)
    search_fields = ("sku", "product_ref")
    readonly_fields = ("connection", "sku", "product_ref", "variant_ref", "last_sold_at", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ShopSku | None = None) -> bool:
        return False
