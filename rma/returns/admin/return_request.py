"""Admin for returns: a support tool on top of the services, never a second way to change a return's status."""

from contextvars import ContextVar
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rma.core.exceptions import DomainError
from rma.returns.admin.inlines import ReturnEventInline, ReturnFootprintInline, ReturnLineInline, ReturnNoteInline
from rma.returns.admin.transitions import REVIEW_PERMISSION, TRANSITIONS, RejectForm
from rma.returns.drop_offs import DropOffChoice, drop_off_validate
from rma.returns.models import ReturnNote, ReturnPhoto, ReturnRequest
from rma.returns.notes import return_note_add
from rma.returns.states import CANCELLABLE_STATUSES, can_transition

REJECT_TEMPLATE = "admin/returns/returnrequest_reject.html"

# The request of the change page being drawn, for the transition buttons (a display method gets only the object).
_drawing_for: ContextVar[HttpRequest | None] = ContextVar("return_admin_request", default=None)


# What support may correct by hand on a return; everything else (status above all) changes only through the services.
EDITABLE_FIELDS = (
    "contact_email",
    "contact_name",
    "locale",
    "drop_off_point",
    "pickup_date",
    "pickup_slot",
    "destination_warehouse",
    "store",
)


class ReturnRequestAdminForm(forms.ModelForm):
    """Checks a changed drop-off with the same rule as the service that created the return."""

    class Meta:
        model = ReturnRequest
        fields = EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if {"drop_off_point", "pickup_date", "pickup_slot"} & set(self.changed_data):
            instance = self.instance
            choice = DropOffChoice(
                method=instance.drop_off_method,
                point=cleaned.get("drop_off_point", instance.drop_off_point),
                pickup_date=cleaned.get("pickup_date", instance.pickup_date),
                pickup_slot=cleaned.get("pickup_slot", instance.pickup_slot),
            )
            try:
                drop_off_validate(choice=choice)
            except DomainError as exc:
                raise ValidationError(exc.message, code=exc.code) from exc
        return cleaned


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    form = ReturnRequestAdminForm
    list_display = (
        "rma_number",
        "status",
        "order",
        "contact_email",
        "resolution",
        "drop_off_method",
        "drop_off_point",
        "destination_warehouse",
        "refund_estimate",
        "created_at",
        "submitted_at",
    )
    list_select_related = ("order", "drop_off_point", "destination_warehouse")
    list_filter = (
        "status",
        "resolution",
        "drop_off_method",
        "channel",
        "returnless",
        "destination_warehouse",
        "store",
        "created_at",
    )
    search_fields = ("rma_number", "order__number", "order__external_id", "contact_email", "contact_name")
    search_help_text = _("RMA number, order number or shop id, customer email or name.")
    date_hierarchy = "created_at"
    autocomplete_fields = ("drop_off_point",)
    inlines = (ReturnLineInline, ReturnFootprintInline, ReturnEventInline, ReturnNoteInline)
    actions = ("submit_selected", "approve_selected", "reject_selected", "cancel_selected")
    # The Save buttons come first in the form, so Enter in a field saves instead of pressing a transition button.
    save_on_top = True
    editable_fields = EDITABLE_FIELDS
    drop_off_fields = ("drop_off_point", "pickup_date", "pickup_slot")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "rma_number",
                    "status",
                    "transition_buttons",
                    "order",
                    "resolution",
                    "channel",
                    "created_by",
                    "public_id",
                )
            },
        ),
        (_("Customer"), {"fields": ("contact_email", "contact_name", "locale")}),
        (
            _("Drop-off and routing"),
            {
                "fields": (
                    "drop_off_method",
                    "drop_off_point",
                    "pickup_date",
                    "pickup_slot",
                    "store",
                    "destination_warehouse",
                )
            },
        ),
        (_("Money"), {"fields": ("currency", "fee_amount", "refund_estimate", "returnless")}),
        (
            _("Review and deadlines"),
            {"fields": ("review_reason", "submitted_at", "approved_at", "send_by", "created_at", "updated_at")},
        ),
        (_("Photos"), {"fields": ("photos",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A return is created through the portal, the API or a shop counter, where the policy is checked.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        # Deleting would lose the audit trail and the units held on the order: cancel instead.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: ReturnRequest | None = None) -> list[str]:
        readonly = [f.name for f in ReturnRequest._meta.fields if f.name not in self.editable_fields]
        if obj is not None and obj.status not in CANCELLABLE_STATUSES:
            # The parcel has left: where it was dropped off is history.
            readonly += self.drop_off_fields
        return [*readonly, "transition_buttons", "photos"]

    def save_model(self, request: HttpRequest, obj: ReturnRequest, form: forms.ModelForm, change: bool) -> None:
        # Write only the corrected columns: a transition committed meanwhile is never overwritten.
        fields = [name for name in form.changed_data if name in self.editable_fields]
        if fields:
            obj.save(update_fields=[*fields, "updated_at"])

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not ReturnNote:
            super().save_formset(request, form, formset, change)
            return
        # Only new notes, each through the service; existing notes are never changed.
        added = []
        for note_form in formset.forms:
            body = note_form.cleaned_data.get("body", "") if note_form.has_changed() else ""
            if note_form.instance.pk is None and body.strip():
                # The admin lets in signed-in staff only.
                added.append(return_note_add(return_request=form.instance, author=cast(User, request.user), body=body))
        # What the admin's change message reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = added, [], []

    def has_review_permission(self, request: HttpRequest) -> bool:
        """Approve or reject returns under review (agents; superusers)."""
        return request.user.has_perm(REVIEW_PERMISSION)

    def _may(self, request: HttpRequest, permission: str, obj: ReturnRequest | None = None) -> bool:
        if permission == "review":
            return self.has_review_permission(request)
        return self.has_change_permission(request, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        token = _drawing_for.set(request)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()  # while the buttons can still see who is asking
            return response
        finally:
            _drawing_for.reset(token)

    # ---- Read-only displays

    @admin.display(description=_("transitions"))
    def transition_buttons(self, obj: ReturnRequest) -> str:
        buttons = []
        request = _drawing_for.get()
        for name, (label, target, _service, permission) in TRANSITIONS.items():
            if not can_transition(obj.status, target):
                continue
            if request is not None and not self._may(request, permission, obj):
                continue
            url = reverse("admin:returns_returnrequest_transition", args=(obj.pk, name))
            if name == "reject":
                # Rejecting needs a note: a page with a form, reached by a link.
                buttons.append(format_html('<a class="button" href="{}">{}</a>', url, label))
            else:
                buttons.append(
                    format_html(
                        '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>',
                        url,
                        label,
                    )
                )
        if not buttons:
            return gettext("None: this status is final or moves on by itself.")
        return format_html_join(" ", "{}", ((button,) for button in buttons))

    @admin.display(description=_("photos"))
    def photos(self, obj: ReturnRequest) -> str:
        found = ReturnPhoto.objects.filter(return_line__return_request=obj).select_related("return_line__order_line")
        if not found:
            return "-"
        # Served by a view that checks the viewer's scope: photos are never at a public media URL.
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}" target="_blank" rel="noopener">{}</a> ({})',
            (
                (
                    reverse("return-photo", kwargs={"public_id": obj.public_id, "photo_id": photo.pk}),
                    photo.image.name.rsplit("/", 1)[-1],
                    photo.return_line.order_line.sku,
                )
                for photo in found
            ),
        )

    # ---- Transitions: actions on the list, buttons on the change page

    def _apply(
        self,
        request: HttpRequest,
        return_requests: QuerySet[ReturnRequest] | list[ReturnRequest],
        name: str,
        text: str = "",
    ) -> int:
        """Run one transition on each return, each in its own savepoint; report what moved and what was refused."""
        service = TRANSITIONS[name][2]
        done: list[ReturnRequest] = []
        for return_request in return_requests:
            try:
                with transaction.atomic():
                    service(return_request=return_request, actor=request.user, text=text)
            except DomainError as exc:
                self.message_user(
                    request,
                    gettext("%(rma)s was not changed: %(error)s") % {"rma": return_request.rma_number, "error": exc},
                    level=messages.ERROR,
                )
            else:
                done.append(return_request)
        count = len(done)
        if done:
            summary = ", ".join(f"{r.rma_number} → {r.get_status_display()}" for r in done)
            self.message_user(
                request,
                ngettext("%(count)d return changed: %(summary)s.", "%(count)d returns changed: %(summary)s.", count)
                % {"count": count, "summary": summary},
                level=messages.SUCCESS,
            )
        return count

    @admin.action(description=_("Submit the selected draft returns"), permissions=["change"])
    def submit_selected(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._apply(request, queryset.order_by("pk"), "submit")

    @admin.action(description=_("Approve the selected returns"), permissions=["review"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._apply(request, queryset.order_by("pk"), "approve")

    @admin.action(description=_("Reject the selected returns…"), permissions=["review"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        return_requests = list(queryset.order_by("pk"))
        if form.is_bound and form.is_valid():
            self._apply(request, return_requests, "reject", text=form.cleaned_data["note"])
            return None
        return self._reject_page(
            request,
            form=form,
            return_requests=return_requests,
            action="reject_selected",
            cancel_url=reverse("admin:returns_returnrequest_changelist"),
        )

    @admin.action(description=_("Cancel the selected returns"), permissions=["change"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._apply(request, queryset.order_by("pk"), "cancel")

    def _reject_page(
        self,
        request: HttpRequest,
        *,
        form: RejectForm,
        return_requests: list[ReturnRequest],
        action: str,
        cancel_url: str,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject returns"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "return_requests": return_requests,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": cancel_url,
        }
        return TemplateResponse(request, REJECT_TEMPLATE, context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="returns_returnrequest_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        """One transition on one return, from the buttons of its change page."""
        if name not in TRANSITIONS:
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # Django's own "no longer exists" message and redirect, as on the change page; the stubs omit it.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        if not self._may(request, TRANSITIONS[name][3], obj):
            raise PermissionDenied
        change_url = reverse("admin:returns_returnrequest_change", args=(obj.pk,))
        if name == "reject":
            form = RejectForm(request.POST if request.method == "POST" and "apply" in request.POST else None)
            if form.is_bound and form.is_valid():
                self._apply(request, [obj], name, text=form.cleaned_data["note"])
                return HttpResponseRedirect(change_url)
            return self._reject_page(request, form=form, return_requests=[obj], action="", cancel_url=change_url)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._apply(request, [obj], name)
        return HttpResponseRedirect(change_url)
