"""Admin for labels and shop-to-warehouse shipments: read-only rows written by the services, plus label retry."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rma.core.exceptions import DomainError
from rma.core.queue import enqueue_on_commit
from rma.returns.admin.mixins import ReadOnlyAdminMixin
from rma.shipping import admin_accounts  # noqa: F401 - registers the carrier accounts' admin
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Carton, CounterCheck, Label, Shipment, ShipmentItem, TrackingEvent
from rma.shipping.selectors import label_formats
from rma.shipping.services import label_retry
from rma.shipping.tasks import label_generate_task
from rma.shipping.tracking_tasks import label_track_task


class TrackingEventInline(admin.TabularInline):
    """The carrier's events for the label, as stored (read-only)."""

    model = TrackingEvent
    extra = 0
    can_delete = False
    fields = ("at", "status", "code", "description", "location", "source")
    readonly_fields = fields
    ordering = ("-at",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Label)
class LabelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "tracking_number",
        "return_request",
        "carrier",
        "account",
        "status",
        "tracking_status",
        "tracking_alert",
        "attempts",
        "error_code",
        "last_error",
        "created_at",
    )
    list_select_related = ("return_request", "account")
    list_filter = ("status", "carrier", "account", "error_code", "tracking_status", "tracking_alert")
    inlines = (TrackingEventInline,)
    search_fields = ("tracking_number", "return_request__rma_number")
    search_help_text = _("Tracking number or RMA number.")
    date_hierarchy = "created_at"
    actions = ("generate_again", "track_now")
    readonly_fields = ("files",)

    @admin.display(description=_("files"))
    def files(self, obj: Label) -> str:
        # The staff download views check the viewer's scope; there is no public media URL.
        # Only the formats that exist: a carrier's own label may come in some of them only.
        pdf = reverse("label-pdf", kwargs={"public_id": obj.public_id})
        zpl = reverse("label-zpl", kwargs={"public_id": obj.public_id})
        links = {"pdf": (f"{pdf}?size=a6", "PDF A6"), "pdf_4x6": (f"{pdf}?size=4x6", "PDF 4×6"), "zpl": (zpl, "ZPL")}
        present = [links[kind] for kind in label_formats(label=obj)]
        if not present:
            return "-"
        return format_html_join(" · ", '<a href="{}">{}</a>', present)

    def has_generate_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("shipping.change_label")

    @admin.action(description=_("Generate again (failed labels)"), permissions=("generate_again",))
    def generate_again(self, request: HttpRequest, queryset: QuerySet[Label]) -> None:
        queued, refused = 0, []
        for label in queryset.order_by("pk"):
            try:
                label_retry(label=label)
                enqueue_on_commit(label_generate_task, label.pk)
            except DomainError as exc:
                refused.append(f"{label}: {exc.message}")
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d label is being generated again.", "%(count)d labels are being generated again.", queued
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    def has_track_now_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("shipping.change_label")

    @admin.action(description=_("Ask the carrier for tracking now (ready labels)"), permissions=("track_now",))
    def track_now(self, request: HttpRequest, queryset: QuerySet[Label]) -> None:
        ready = list(
            queryset.filter(status=LabelStatus.READY, tracking_number__isnull=False).values_list("pk", flat=True)
        )
        for label_id in ready:
            enqueue_on_commit(label_track_task, label_id)
        self.message_user(
            request,
            ngettext(
                "The carrier is asked about %(count)d label.",
                "The carrier is asked about %(count)d labels.",
                len(ready),
            )
            % {"count": len(ready)},
            messages.SUCCESS if ready else messages.WARNING,
        )


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("label", "at", "status", "code", "description", "location", "source")
    list_select_related = ("label",)
    list_filter = ("status", "source")
    search_fields = ("label__tracking_number", "label__return_request__rma_number", "code")
    search_help_text = _("Tracking number, RMA number or the carrier's code.")
    date_hierarchy = "at"


class CartonInline(admin.TabularInline):
    model = Carton
    extra = 0
    can_delete = False
    fields = ("barcode", "position", "weight_grams", "tracking_number")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "store", "warehouse", "status", "created_at")
    list_select_related = ("store", "warehouse")
    list_filter = ("status", "store", "warehouse")
    search_fields = ("number", "cartons__barcode")
    date_hierarchy = "created_at"
    inlines = (CartonInline,)


@admin.register(Carton)
class CartonAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("barcode", "shipment", "position", "weight_grams", "tracking_number")
    list_select_related = ("shipment",)
    search_fields = ("barcode", "tracking_number", "shipment__number")


@admin.register(ShipmentItem)
class ShipmentItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("shipment", "carton", "kind", "sku", "quantity", "return_request")
    list_select_related = ("shipment", "carton", "return_request")
    list_filter = ("kind",)
    search_fields = ("sku", "shipment__number", "carton__barcode", "return_request__rma_number")


@admin.register(CounterCheck)
class CounterCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("return_line", "store", "condition", "accepted", "created_at")
    list_select_related = ("return_line__return_request", "return_line__order_line", "store")
    list_filter = ("accepted", "condition", "store")
    search_fields = ("return_line__return_request__rma_number",)
