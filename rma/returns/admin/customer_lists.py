"""Admin for the block and allow lists: entries change through the services (each change audited), the audit is
read-only."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rma.returns.admin.mixins import ReadOnlyAdminMixin
from rma.returns.customer_lists import (
    ENTRY_FIELDS,
    customer_list_entry_create,
    customer_list_entry_delete,
    customer_list_entry_update,
)
from rma.returns.models import CustomerListChange, CustomerListEntry


class ExpiredFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expired"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("In force")), ("yes", _("Expired"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CustomerListEntry]) -> QuerySet[CustomerListEntry]:
        expired = Q(expires_at__lte=timezone.now())
        if self.value() == "yes":
            return queryset.filter(expired)
        if self.value() == "no":
            return queryset.exclude(expired)
        return queryset


@admin.register(CustomerListEntry)
class CustomerListEntryAdmin(admin.ModelAdmin):
    """Who is on the block and allow lists; adding, changing and removing go through rma.returns.customer_lists."""

    list_display = ("value", "kind", "match", "reason", "expires_at", "added_by", "created_at")
    list_select_related = ("added_by",)
    list_filter = ("kind", "match", ExpiredFilter)
    search_fields = ("value", "normalized_value", "reason", "added_by__username")
    search_help_text = _("The value (as typed or as compared), the reason, or who added it.")
    fields = ("kind", "match", "value", "reason", "expires_at", "normalized_value", "added_by", "created_at")
    readonly_fields = ("normalized_value", "added_by", "created_at")
    date_hierarchy = "created_at"

    def save_model(self, request: HttpRequest, obj: CustomerListEntry, form: ModelForm, change: bool) -> None:
        data = {field: form.cleaned_data[field] for field in ENTRY_FIELDS if field in form.cleaned_data}
        if not change:
            created = customer_list_entry_create(**data, actor=request.user)
            obj.pk, obj.normalized_value, obj.added_by = created.pk, created.normalized_value, created.added_by
            return
        stored = CustomerListEntry.objects.select_related("added_by").get(pk=obj.pk)
        customer_list_entry_update(entry=stored, data=data, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: CustomerListEntry) -> None:
        customer_list_entry_delete(entry=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CustomerListEntry]) -> None:
        # One audit row each: the bulk action would delete them in one statement, unrecorded.
        for entry in queryset.select_related("added_by"):
            customer_list_entry_delete(entry=entry, actor=request.user)


@admin.register(CustomerListChange)
class CustomerListChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit of the lists: every addition, change and removal, with the entry before and after."""

    list_display = ("created_at", "action", "value", "entry_pk", "actor_label")
    list_filter = ("action",)
    search_fields = ("value", "actor_label")
    search_help_text = _("The entry's value, or who made the change.")
    date_hierarchy = "created_at"
