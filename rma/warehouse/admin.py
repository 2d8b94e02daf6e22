"""Admin for the warehouse: grading and disposition reference data, and read-only views of what was received
and found (arrivals, shops' cartons and their counts, shipment discrepancies, inspections, refunds, store credits)."""

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rma.core.exceptions import DomainError
from rma.returns.admin.mixins import ReadOnlyAdminMixin
from rma.warehouse.choices import StoreCreditStatus
from rma.warehouse.models import (
    Arrival,
    CartonReceipt,
    ChecklistItem,
    CountedItem,
    Discrepancy,
    Disposition,
    DispositionRule,
    ExchangeRequest,
    Grade,
    GradeScale,
    Inspection,
    InspectionPhoto,
    Refund,
    StoreCredit,
    StoreCreditRedemption,
    UnexpectedParcel,
)
from rma.warehouse.models.credits import store_credit_code_normalize
from rma.warehouse.services.credits import store_credit_cancel

# ---- Reference data, edited by hand


class GradeInline(admin.TabularInline):
    model = Grade
    fields = (
        "position",
        "code",
        "label_fr",
        "label_en",
        "recovery_percent",
        "deducts",
        "signals_wear",
        "description_fr",
    )
    extra = 0


@admin.register(GradeScale)
class GradeScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "category")
    search_fields = ("name", "category")
    readonly_fields = ("created_at", "updated_at")
    inlines = (GradeInline,)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "label_fr", "label_en", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("code", "label_fr", "label_en")
    readonly_fields = ("created_at", "updated_at")


@admin.register(DispositionRule)
class DispositionRuleAdmin(admin.ModelAdmin):
    list_display = (
        "position",
        "category",
        "grade_code",
        "reason",
        "min_age_days",
        "max_age_days",
        "disposition",
        "is_active",
        "note",
    )
    list_display_links = ("position",)
    list_editable = ("is_active",)
    list_select_related = ("reason",)
    list_filter = ("disposition", "category", "is_active")
    search_fields = ("grade_code", "reason__code", "note")
    readonly_fields = ("created_at", "updated_at")


# ---- What the warehouse recorded: written by its services only


@admin.register(Arrival)
class ArrivalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("scanned_code", "warehouse", "return_request", "carton", "received_by", "created_at")
    list_select_related = ("warehouse", "return_request", "carton", "received_by")
    list_filter = ("warehouse",)
    search_fields = ("scanned_code", "return_request__rma_number", "carton__barcode", "note")
    search_help_text = _("Scanned code, RMA number or note.")
    date_hierarchy = "created_at"


@admin.register(UnexpectedParcel)
class UnexpectedParcelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("scanned_code", "warehouse", "reason", "matched_return", "created_at", "matched_at")
    list_select_related = ("warehouse", "matched_return")
    list_filter = ("reason", ("matched_return", admin.EmptyFieldListFilter), "warehouse")
    search_fields = ("scanned_code", "matched_return__rma_number", "note")
    search_help_text = _("Scanned code, RMA number or note.")
    date_hierarchy = "created_at"


class CountedItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CountedItem
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[CountedItem]:
        return super().get_queryset(request).select_related("return_request", "counted_by")


@admin.register(CartonReceipt)
class CartonReceiptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("carton", "shipment", "warehouse", "received_by", "received_at", "counted_by", "counted_at")
    list_select_related = ("carton", "shipment", "warehouse", "received_by", "counted_by")
    list_filter = ("warehouse", ("counted_at", admin.EmptyFieldListFilter))
    search_fields = ("carton__barcode", "carton__tracking_number", "shipment__number")
    search_help_text = _("Carton barcode, tracking number or shipment number.")
    date_hierarchy = "received_at"
    inlines = (CountedItemInline,)


@admin.register(Discrepancy)
class DiscrepancyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("shipment", "carton", "kind", "sku", "rma_number", "quantity", "warehouse", "created_at")
    list_select_related = ("shipment", "carton", "warehouse")
    list_filter = ("kind", "warehouse", "shipment__store")
    search_fields = ("shipment__number", "carton__barcode", "sku", "rma_number")
    search_help_text = _("Shipment number, carton barcode, SKU or RMA number.")
    date_hierarchy = "created_at"


class InspectionPhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InspectionPhoto
    fields = ("picture", "content_type", "created_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[InspectionPhoto]:
        return super().get_queryset(request).select_related("inspection__return_line__return_request")

    @admin.display(description=_("image"))
    def picture(self, obj: InspectionPhoto) -> str:
        # Served by a view that checks the viewer's scope: photos are never at a public media URL.
        public_id = obj.inspection.return_line.return_request.public_id
        url = reverse("warehouse:inspection-photo", kwargs={"public_id": public_id, "photo_id": obj.pk})
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj.image.name.rsplit("/", 1)[-1]
        )


class DispositionInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Disposition
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Disposition]:
        return super().get_queryset(request).select_related("rule__reason", "confirmed_by")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "return_line", "condition", "grade", "serial_number", "inspected_by", "inspected_at")
    list_select_related = ("return_line__order_line", "grade", "inspected_by")
    list_filter = ("condition", "grade__scale")
    search_fields = ("return_line__return_request__rma_number", "return_line__order_line__sku", "serial_number")
    search_help_text = _("RMA number, SKU or serial number.")
    date_hierarchy = "inspected_at"
    inlines = (InspectionPhotoInline, DispositionInline)


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("inspection", "kind", "suggested_kind", "overridden", "derogation", "confirmed_by", "confirmed_at")
    list_select_related = ("inspection", "confirmed_by")
    list_filter = ("kind", "overridden", "derogation")
    search_fields = ("inspection__return_line__return_request__rma_number", "inspection__serial_number")
    search_help_text = _("RMA number or serial number.")
    date_hierarchy = "confirmed_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("return_request", "amount", "currency", "method", "status", "released_by", "released_at")
    list_select_related = ("return_request", "released_by")
    list_filter = ("method", "status", "currency")
    search_fields = ("return_request__rma_number", "idempotency_key")
    search_help_text = _("RMA number or idempotency key.")
    date_hierarchy = "released_at"


@admin.register(ExchangeRequest)
class ExchangeRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("return_request", "requested_by", "requested_at")
    list_select_related = ("return_request", "requested_by")
    search_fields = ("return_request__rma_number", "idempotency_key")
    search_help_text = _("RMA number or idempotency key.")
    date_hierarchy = "requested_at"


class StoreCreditStatusFilter(admin.SimpleListFilter):
    """The status as the shop sees it: an active credit past its expiry date is expired."""

    title = _("status now")
    parameter_name = "status_now"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in StoreCreditStatus.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[StoreCredit]) -> QuerySet[StoreCredit]:
        now = timezone.now()
        unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        active = Q(status=StoreCreditStatus.ACTIVE)
        match self.value():
            case StoreCreditStatus.ACTIVE:
                return queryset.filter(active & unexpired)
            case StoreCreditStatus.EXPIRED:
                return queryset.filter(active & ~unexpired)
            case None:
                return queryset
            case value:
                return queryset.filter(status=value)


class StoreCreditRedemptionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StoreCreditRedemption
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[StoreCreditRedemption]:
        return super().get_queryset(request).select_related("redeemed_by")


@admin.register(StoreCredit)
class StoreCreditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lists show only the code's last 4 characters; the full code is on a credit's own page."""

    list_display = (
        "masked_code",
        "return_request",
        "amount",
        "balance",
        "currency",
        "current_status",
        "moment",
        "expires_at",
        "created_at",
    )
    list_select_related = ("return_request",)
    list_filter = (StoreCreditStatusFilter, "moment", "currency")
    search_fields = ("return_request__rma_number",)
    search_help_text = _("The full code or an RMA number.")
    date_hierarchy = "created_at"
    inlines = (StoreCreditRedemptionInline,)
    actions = ("cancel",)

    @admin.display(description=_("code"))
    def masked_code(self, obj: StoreCredit) -> str:
        return obj.masked_code

    @admin.display(description=_("status now"))
    def current_status(self, obj: StoreCredit) -> str:
        return str(StoreCreditStatus(obj.current_status()).label)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[StoreCredit], search_term: str
    ) -> tuple[QuerySet[StoreCredit], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = store_credit_code_normalize(search_term)
        if code:
            found = found | queryset.filter(code=code)
        return found, may_have_duplicates

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("warehouse.change_storecredit")

    @admin.action(description=_("Cancel the selected store credits"), permissions=["cancel"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[StoreCredit]) -> None:
        cancelled = 0
        for credit in queryset:
            try:
                store_credit_cancel(store_credit=credit)
            except DomainError as exc:
                self.message_user(request, f"{credit.masked_code}: {exc.message}", messages.WARNING)
            else:
                cancelled += 1
        self.message_user(
            request,
            ngettext("%(count)d store credit cancelled.", "%(count)d store credits cancelled.", cancelled)
            % {"count": cancelled},
        )
