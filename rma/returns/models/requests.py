"""Return requests: the request, its lines, photos, audit trail, internal notes and idempotency keys."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rma.core.formatting import choice_label
from rma.core.models import PublicIdModel, TimeStampedModel
from rma.locations.choices import DropOffMethod
from rma.returns.choices import (
    AWAITING_REFUND_STATUSES,
    EXPECTED_STATUSES,
    CreationChannel,
    Resolution,
    ReturnStatus,
)

# Crockford-like alphabet without look-alikes (0/O, 1/I/L, U): easy to read out at a counter.
RMA_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def rma_number_new() -> str:
    """A readable, random RMA number such as R-7KQ2-M9XD."""
    chars = "".join(secrets.choice(RMA_ALPHABET) for _ in range(8))
    return f"R-{chars[:4]}-{chars[4:]}"


# The agents' review queue, the longest waiting first (rma.returns.selectors.return_requests_needing_review); the
# partial index `returns_review_queue` holds the waiting returns in this order.
REVIEW_QUEUE_ORDER = (F("submitted_at").asc(nulls_first=True), F("created_at").asc(), F("id").asc())


class ReturnRequestQuerySet(models.QuerySet):
    def with_contact_email(self, email: str) -> "ReturnRequestQuerySet":
        """Returns of this email in any case, compared as the index `returns_contact_lower_created` is written."""
        return self.alias(contact_email_lower=Lower("contact_email")).filter(
            contact_email_lower=Lower(models.Value(email))
        )

    def with_details(self) -> "ReturnRequestQuerySet":
        return self.select_related(
            "order", "drop_off_point", "destination_warehouse", "store", "created_by"
        ).prefetch_related("lines__order_line", "lines__reason", "events__actor")


class ReturnRequest(PublicIdModel, TimeStampedModel):
    """A customer's request to send goods back, from draft to refund."""

    rma_number = models.CharField(_("RMA number"), max_length=16, unique=True, default=rma_number_new, editable=False)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="return_requests", verbose_name=_("order")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReturnStatus.choices,
        default=ReturnStatus.DRAFT,
        db_index=False,  # `returns_status_created` starts with it: a second index would only slow writes
    )
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, default=Resolution.REFUND
    )
    drop_off_method = models.CharField(_("drop-off method"), max_length=16, choices=DropOffMethod.choices)
    drop_off_point = models.ForeignKey(
        "locations.DropOffPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_requests",
        verbose_name=_("drop-off point"),
    )
    pickup_date = models.DateField(_("pickup date"), null=True, blank=True)
    pickup_slot = models.CharField(_("pickup slot"), max_length=16, blank=True)
    destination_warehouse = models.ForeignKey(
        "locations.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_requests",
        verbose_name=_("destination warehouse"),
        db_index=False,  # `returns_dest_status_moved` starts with it: a second index would only slow writes
    )
    store = models.ForeignKey(
        "locations.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_requests",
        verbose_name=_("shop handling it"),
    )
    contact_email = models.EmailField(_("contact email"))
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    locale = models.CharField(_("language"), max_length=8, default="fr")
    channel = models.CharField(
        _("created through"), max_length=16, choices=CreationChannel.choices, default=CreationChannel.PORTAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    fee_amount = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    refund_estimate = models.DecimalField(
        _("refund estimate"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    returnless = models.BooleanField(_("refund without return"), default=False)
    review_reason = models.CharField(_("why it needs review"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    send_by = models.DateTimeField(_("to be sent by"), null=True, blank=True)
    # Stored by the one transition service so that boards order and filter on an indexed column instead of
    # looking up the latest event of every row.
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now, editable=False)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, editable=False)

    objects = ReturnRequestQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReturnStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(fee_amount__gte=0), name="%(app_label)s_%(class)s_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(refund_estimate__gte=0), name="%(app_label)s_%(class)s_refund_not_negative"
            ),
        ]
        indexes = [
            # The returns requested on a day, for the analytics' daily roll-ups (rma.insights.rollups).
            models.Index(fields=("created_at",), name="returns_created"),
            models.Index(fields=("contact_email", "created_at"), name="returns_contact_created"),
            # The API's case-insensitive filter compares Lower(contact_email) (rma.returns.api.listing).
            models.Index(Lower("contact_email"), F("created_at"), name="returns_contact_lower_created"),
            # The API's list by status, newest first (rma.returns.api.listing): a page reads its own rows in order.
            models.Index(fields=("status", "created_at", "id"), name="returns_status_created"),
            # A warehouse's returns by status (API filters, the board's lists for several warehouses).
            models.Index(
                fields=("destination_warehouse", "status", "status_changed_at"), name="returns_dest_status_moved"
            ),
            # The board's two lists for one warehouse, already in their order: a page reads its own rows only.
            # Their conditions are the lists' filters (rma.warehouse.selectors.boards), so the planner can use them.
            # The expected list's index also holds what its figures read of each row (its status and send-by date,
            # after `id`, which leaves the order as it is): its count reads the index and none of the rows, which lie
            # scattered over a large table (rma.warehouse.selectors.board_counts).
            models.Index(
                fields=("destination_warehouse", "status_changed_at", "id", "status", "send_by"),
                condition=models.Q(status__in=EXPECTED_STATUSES, returnless=False),
                name="returns_expected_covering",
            ),
            models.Index(
                fields=("destination_warehouse", "received_at", "id"),
                condition=models.Q(status__in=AWAITING_REFUND_STATUSES),
                name="returns_awaiting_board",
            ),
            # The agents' review queue, in its order: a page reads its own rows, however many returns wait.
            models.Index(
                *REVIEW_QUEUE_ORDER,
                condition=models.Q(status=ReturnStatus.NEEDS_REVIEW),
                name="returns_review_queue",
            ),
            # A shop's returns, the latest moved first (rma.store.selectors.counter_returns_recent); only the returns
            # a shop handles, a small share of all.
            models.Index(
                "store", "updated_at", "id", condition=models.Q(store__isnull=False), name="returns_store_updated"
            ),
        ]
        permissions = [("review_returnrequest", _("Can approve or reject returns under review"))]

    def __str__(self) -> str:
        return self.rma_number

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # replaces the one Django generates
        """The status in the reader's language; lists show it on every row (see `choice_label`)."""
        return choice_label(ReturnStatus, self.status)


class ReturnLine(TimeStampedModel):
    """Some units of one order line, with the customer's reason."""

    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.ForeignKey(
        "returns.ReasonCode", on_delete=models.PROTECT, related_name="+", verbose_name=_("reason")
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    exchange_sku = models.CharField(
        _("exchange for SKU"), max_length=64, blank=True, help_text=_("Another size or colour of the same product.")
    )

    class Meta:
        ordering = ("return_request_id", "id")
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(
                fields=("return_request", "order_line"), name="%(app_label)s_%(class)s_unique_order_line"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line.sku} × {self.quantity}"


def return_photo_path(instance: "ReturnPhoto", filename: str) -> str:
    return (
        f"returns/photos/{instance.return_line.return_request.public_id}/{secrets.token_hex(8)}.{instance.extension}"
    )


class ReturnPhoto(TimeStampedModel):
    """A picture the customer sent with a line (checked to be a real image)."""

    return_line = models.ForeignKey(
        ReturnLine, on_delete=models.CASCADE, related_name="photos", verbose_name=_("line")
    )
    image = models.FileField(_("image"), upload_to=return_photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)

    class Meta:
        ordering = ("return_line_id", "id")
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self) -> str:
        return self.image.name

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}.get(
            self.content_type, "bin"
        )


class ReturnEvent(models.Model):
    """One line of a return's audit trail: who moved it from what to what, when, and why."""

    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("return")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=100, blank=True)
    from_status = models.CharField(_("from"), max_length=16, choices=ReturnStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ReturnStatus.choices)
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(
        _("reason given to the customer"),
        blank=True,
        help_text=_("Shown on the tracking page and in the email; the note is not."),
    )

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("return event")
        verbose_name_plural = _("return events")

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    @property
    def customer_reason(self) -> str:
        """What the customer is told about this move: its reason (a rejection made before reasons had their own
        field kept it in the note, which was then written for the customer)."""
        if self.reason.strip() or self.to_status != ReturnStatus.REJECTED:
            return self.reason.strip()
        return self.note.strip()


class ReturnNote(models.Model):
    """An internal note on a return, for agents, warehouse operators and admins: never shown to the customer."""

    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="notes", verbose_name=_("return")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_label = models.CharField(_("by"), max_length=150, blank=True)
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="%(app_label)s_%(class)s_body_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.author_label}: {self.body[:40]}"


class IdempotencyKey(models.Model):
    """Remembers which return a client's Idempotency-Key created, so a retried POST gets it back."""

    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64, help_text=_("Who sent it (user id)."))
    request_fingerprint = models.CharField(max_length=64)
    # The key is claimed (inserted) before the return is made, in the same transaction: empty only until that
    # transaction commits, so a concurrent request with the same key waits on the unique index, then replays.
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [models.UniqueConstraint(fields=("scope", "key"), name="%(app_label)s_%(class)s_unique_key")]

    def __str__(self) -> str:
        return self.key
