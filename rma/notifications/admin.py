"""Admin for the outbox: see what was sent, what failed and why, and replay. Rows are never edited by hand."""

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rma.core.exceptions import DomainError
from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_message_replay


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    change_form_template = "admin/notifications/outboxmessage/change_form.html"
    list_display = (
        "id",
        "created_at",
        "channel",
        "topic",
        "destination",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "error_excerpt",
    )
    list_display_links = ("id", "topic")
    list_filter = ("status", "channel", "topic")
    search_fields = ("destination", "topic", "dedupe_key", "delivery_id")
    date_hierarchy = "created_at"
    list_per_page = 100
    actions = ("replay",)
    fieldsets = (
        (None, {"fields": ("status", "channel", "topic", "destination", "locale", "secret_ref")}),
        (
            _("Delivery"),
            {"fields": ("attempts", "next_attempt_at", "enqueued_at", "delivered_at", "last_error_block")},
        ),
        (_("Identity"), {"fields": ("dedupe_key", "delivery_id", "created_at", "updated_at")}),
        (_("Payload"), {"fields": ("payload_block",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: OutboxMessage | None = None) -> list[str]:
        fields = [f.name for f in self.model._meta.fields if not f.primary_key]
        return [*fields, "last_error_block", "payload_block"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        # A saved form would write a stale status over a worker's; rows change only through the services.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        """Replaying needs the model's change permission, although the admin never edits a row."""
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @admin.display(description=_("last error"))
    def error_excerpt(self, obj: OutboxMessage) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.display(description=_("last error"))
    def last_error_block(self, obj: OutboxMessage) -> str:
        return format_html('<pre style="white-space: pre-wrap; margin: 0;">{}</pre>', obj.last_error or "—")

    @admin.display(description=_("payload"))
    def payload_block(self, obj: OutboxMessage) -> str:
        text = json.dumps(obj.payload, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap; margin: 0;">{}</pre>', text)

    # ---- Replay

    def _replay(self, request: HttpRequest, messages_to_replay: list[OutboxMessage]) -> tuple[int, list[str]]:
        replayed, refused = 0, []
        for message in messages_to_replay:
            try:
                outbox_message_replay(message_id=message.pk)
            except DomainError as exc:
                refused.append(exc.message)
            else:
                replayed += 1
        return replayed, refused

    def _report(self, request: HttpRequest, replayed: int, refused: list[str]) -> None:
        if replayed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message is pending again and was handed to the workers.",
                    "%(count)d messages are pending again and were handed to the workers.",
                    replayed,
                )
                % {"count": replayed},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description=_("Replay (send again from the first attempt)"), permissions=("replay",))
    def replay(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        replayed, refused = self._replay(request, list(queryset.order_by("id")))
        self._report(request, replayed, refused)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/replay/",
                self.admin_site.admin_view(self.replay_view),
                name="{}_{}_replay".format(*info),
            ),
            *super().get_urls(),
        ]

    def replay_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST from the change page's "Replay" button."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        message = self.get_object(request, object_id)
        if message is None:
            raise Http404(gettext("No such outbox message."))
        if not self.has_replay_permission(request, message):
            raise PermissionDenied
        replayed, refused = self._replay(request, [message])
        self._report(request, replayed, refused)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[message.pk])
        )

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        obj = context.get("original")
        context["can_replay"] = (
            obj is not None and obj.status != OutboxStatus.DELIVERED and self.has_replay_permission(request, obj)
        )
        return super().render_change_form(request, context, *args, **kwargs)
