"""What a return's admin page shows inline: its lines, timeline, photos and carbon estimate (read-only), and its
internal notes."""

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rma.returns.models import ReturnEvent, ReturnFootprint, ReturnLine, ReturnNote, ReturnPhoto, ReturnRequest

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _PhotoCount(TypedDict):
    photo_count: int


class ReturnLineInline(admin.TabularInline):
    """The lines as the customer chose them; quantities are held on the order, so they are not edited here."""

    model = ReturnLine
    fields = ("order_line", "quantity", "reason", "comment", "photo_count")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnLine]:
        return (
            super().get_queryset(request).select_related("order_line", "reason").annotate(photo_count=Count("photos"))
        )

    def has_add_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False

    @admin.display(description=_("photos"))
    def photo_count(self, obj: "WithAnnotations[ReturnLine, _PhotoCount]") -> int:
        return obj.photo_count


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    fields = ("created_at", "from_status", "to_status", "actor_label", "actor", "reason", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnEvent]:
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    fields = ("picture", "content_type", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnPhoto]:
        return super().get_queryset(request).select_related("return_line__return_request")

    @admin.display(description=_("image"))
    def picture(self, obj: ReturnPhoto) -> str:
        # Served by a view that checks the viewer's scope: photos are never at a public media URL.
        url = reverse(
            "return-photo", kwargs={"public_id": obj.return_line.return_request.public_id, "photo_id": obj.pk}
        )
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj.image.name.rsplit("/", 1)[-1]
        )

    def has_add_permission(self, request: HttpRequest, obj: ReturnLine | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReturnLine | None = None) -> bool:
        return False


class ReturnNoteInline(admin.TabularInline):
    """Internal notes: read by whoever may view them, added by whoever may add them (through return_note_add, in
    ReturnRequestAdmin.save_formset); a note is never changed or deleted. The customer never sees them."""

    model = ReturnNote
    fields = ("body", "author_label", "created_at")
    readonly_fields = ("author_label", "created_at")
    extra = 1
    can_delete = False
    verbose_name = _("internal note (never shown to the customer)")
    verbose_name_plural = _("internal notes (never shown to the customer)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnNote]:
        return super().get_queryset(request).select_related("author")

    def has_view_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return request.user.has_perm("returns.view_returnnote")

    def has_add_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return request.user.has_perm("returns.add_returnnote")

    def has_change_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False


class ReturnFootprintInline(admin.StackedInline):
    """The carbon estimate made when the return was created, with the factors it applied: a record, never edited."""

    model = ReturnFootprint
    fields = (
        ("method", "distance_m", "walkable"),
        ("grams", "carrier_leg_g", "trip_g", "baseline_g"),
        ("car_g_per_km", "trip_share", "walkable_km", "factors_version", "created_at"),
    )
    readonly_fields = tuple(name for row in fields for name in row)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False
