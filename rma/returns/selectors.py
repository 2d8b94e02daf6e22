"""Reads of returns, scoped to what each role may see."""

import uuid
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from rma.core import roles
from rma.core.ids import uuid_parse
from rma.core.prefetched import prefetched_set
from rma.core.prepared import prepared_models
from rma.core.reference_memo import ReferenceMemo
from rma.locations.models import DropOffPoint, Store, Warehouse
from rma.orders.models import Order, OrderLine
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReasonCode, ReturnEvent, ReturnLine, ReturnPhoto, ReturnRequest
from rma.returns.models.requests import REVIEW_QUEUE_ORDER

# Whoever asks: a signed-in user or an anonymous visitor.
AnyUser = User | AnonymousUser


@cache
def _has_label_relation() -> bool:
    """Whether the shipping app's Label (a reverse one-to-one named `label`) is installed."""
    try:
        ReturnRequest._meta.get_field("label")
    except FieldDoesNotExist:
        return False
    return True


def _with_related(queryset: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    """Everything an API representation of returns reads, in a fixed number of queries."""
    related = ["order", "drop_off_point", "destination_warehouse", "store"]
    if _has_label_relation():
        related.append("label")
    return queryset.select_related(*related).prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line", "reason").order_by("id")),
        Prefetch("lines__photos", queryset=ReturnPhoto.objects.order_by("id")),
    )


def stores_of_staff(*, user: AnyUser) -> QuerySet[Store]:
    """The active shops a user works in (Store.staff)."""
    if not user.is_authenticated:
        return Store.objects.none()
    return Store.objects.filter(staff=user, is_active=True)


def return_request_qs_for_store_staff(*, user: AnyUser) -> QuerySet[ReturnRequest]:
    """What a shop's staff see of returns: their shops' own (created at their counter, dropped off at their shop,
    handed in there or sent back in their shipments: each of these sets the return's shop). All for superusers."""
    queryset = ReturnRequest.objects.all()
    if user.is_authenticated and user.is_superuser:
        return queryset
    if roles.STORE_STAFF not in roles.user_roles(user):
        return queryset.none()
    return queryset.filter(store__in=stores_of_staff(user=user).values("pk"))


def return_request_scope(*, user: AnyUser) -> QuerySet[ReturnRequest]:
    """The returns a user may see: all for superusers, agents and integrations; their sites' for site staff."""
    queryset = ReturnRequest.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if roles.has_global_scope(user):
        return queryset
    user_roles = roles.user_roles(user)
    scope = Q()
    if roles.STORE_STAFF in user_roles:
        scope |= Q(pk__in=return_request_qs_for_store_staff(user=user).values("pk"))
    if roles.WAREHOUSE_STAFF in user_roles:
        scope |= Q(destination_warehouse__in=Warehouse.objects.filter(staff=user).values("pk"))
    if not scope:
        return queryset.none()
    return queryset.filter(scope)


# What a list's rows read of the related rows (rma.returns.api.representations): a page of 50 returns builds some
# 500 model instances, and the order's, the point's and the label's other columns only cost time to load.
_LIST_RELATED_COLUMNS = (
    "order__external_id",
    "order__number",
    "drop_off_point__name",
    "drop_off_point__kind",
    "drop_off_point__carrier",
    "drop_off_point__carrier_point_id",
    "drop_off_point__address_line1",
    "drop_off_point__address_line2",
    "drop_off_point__postcode",
    "drop_off_point__city",
    "destination_warehouse__code",
    "store__code",
)
_LIST_LABEL_COLUMNS = ("label__carrier", "label__status", "label__tracking_number")


def return_request_list(*, user: AnyUser) -> QuerySet[ReturnRequest]:
    """The returns in the user's scope, newest first, with sites and label loaded (the columns lists show); their
    lines come from `return_line_rows`, for the page's returns only."""
    own = [field.name for field in ReturnRequest._meta.concrete_fields]
    related = _LIST_RELATED_COLUMNS + (_LIST_LABEL_COLUMNS if _has_label_relation() else ())
    return (
        _with_related(return_request_scope(user=user))
        .prefetch_related(None)
        .only(*own, *related)
        .order_by("-created_at", "-id")
    )


class PhotoRow(NamedTuple):
    id: int
    content_type: str
    created_at: datetime


class LineRow(NamedTuple):
    """A return's line as the API shows it, with its order line's and reason's columns."""

    order_line: str  # the order line's external id
    sku: str
    name: str
    unit_price: Decimal | None
    quantity: int
    reason_code: str
    reason_label_fr: str
    reason_label_en: str
    comment: str
    exchange_sku: str
    photos: list[PhotoRow]


def return_line_rows(*, return_request_ids: list[int]) -> dict[int, list[LineRow]]:
    """The lines of these returns with their photos, by return id, in the order they were written: two queries.

    Plain rows, not model instances: a page of 50 returns has some 90 lines, each read as a line, its order line
    and its reason (and a related manager per line for its photos), which cost a list several times its SQL."""
    if not return_request_ids:
        return {}
    lines = list(
        ReturnLine.objects.filter(return_request__in=return_request_ids)
        .order_by("id")
        .values_list(
            "id",
            "return_request_id",
            "order_line__external_id",
            "order_line__sku",
            "order_line__name",
            "order_line__unit_price",
            "quantity",
            "reason__code",
            "reason__label_fr",
            "reason__label_en",
            "comment",
            "exchange_sku",
        )
    )
    photos: dict[int, list[PhotoRow]] = {}
    if lines:
        found = ReturnPhoto.objects.filter(return_line__in=[line[0] for line in lines]).order_by("id")
        for photo_id, line_id, content_type, created_at in found.values_list(
            "id", "return_line_id", "content_type", "created_at"
        ):
            photos.setdefault(line_id, []).append(PhotoRow(photo_id, content_type, created_at))
    rows: dict[int, list[LineRow]] = {}
    for line_id, return_request_id, *columns in lines:
        row = LineRow._make([*columns, photos.get(line_id, [])])
        rows.setdefault(return_request_id, []).append(row)
    return rows


def line_row(line: ReturnLine) -> LineRow:
    """A line loaded as a model instance (order line, reason and photos with it), as `return_line_rows` gives it."""
    order_line, reason = line.order_line, line.reason
    return LineRow(
        order_line=order_line.external_id,
        sku=order_line.sku,
        name=order_line.name,
        unit_price=order_line.unit_price,
        quantity=line.quantity,
        reason_code=reason.code,
        reason_label_fr=reason.label_fr,
        reason_label_en=reason.label_en,
        comment=line.comment,
        exchange_sku=line.exchange_sku,
        photos=[PhotoRow(photo.pk, photo.content_type, photo.created_at) for photo in line.photos.all()],
    )


def return_request_get(*, user: AnyUser, public_id: str | uuid.UUID) -> ReturnRequest | None:
    """One return in the user's scope with its lines and timeline, or None (also for a malformed id)."""
    parsed = uuid_parse(public_id)
    if parsed is None:
        return None
    queryset = _with_related(return_request_scope(user=user)).prefetch_related(
        Prefetch("events", queryset=ReturnEvent.objects.order_by("created_at", "id"))
    )
    return queryset.filter(public_id=parsed).first()


def return_request_get_alone(*, user: AnyUser, public_id: str | uuid.UUID) -> ReturnRequest | None:
    """One return in the user's scope, without its related rows (for endpoints about something of the return's),
    or None (also for a malformed id)."""
    parsed = uuid_parse(public_id)
    if parsed is None:
        return None
    return return_request_scope(user=user).filter(public_id=parsed).first()


def return_photo_get(*, user: AnyUser, public_id: str | uuid.UUID, photo_id: int) -> ReturnPhoto | None:
    """A customer's photo of a return in the user's scope (shop, warehouse, agents, integrations), or None."""
    parsed = uuid_parse(public_id)
    if parsed is None:
        return None
    return (
        ReturnPhoto.objects.filter(
            pk=photo_id,
            return_line__return_request__public_id=parsed,
            return_line__return_request__in=return_request_scope(user=user),
        )
        .select_related("return_line__return_request")
        .first()
    )


def return_photo_get_for_customer(*, public_id: str | uuid.UUID, photo_id: int) -> ReturnPhoto | None:
    """A photo of the return with this public id; the caller has checked the customer's session owns it."""
    parsed = uuid_parse(public_id)
    if parsed is None:
        return None
    return ReturnPhoto.objects.filter(pk=photo_id, return_line__return_request__public_id=parsed).first()


def return_line_get(*, return_request: ReturnRequest, order_line: str) -> ReturnLine | None:
    """The line of a return for the order line with this external id, or None."""
    return (
        ReturnLine.objects.filter(return_request=return_request, order_line__external_id=order_line)
        .select_related("order_line", "reason")
        .first()
    )


# The statements of a return's creation through the API, compiled once per process and prepared once per database
# session (rma.core.prepared): compiling them took longer than running them.
ORDERS_BY_REFERENCE = "rma_orders_by_reference"
ORDER_LINES = "rma_order_lines"
DROP_OFF_POINT = "rma_drop_off_point"


def _orders_by_reference(*, references: list[str]) -> QuerySet[Order]:
    return Order.objects.filter(Q(external_id__any=references) | Q(number__any=references))[:2]


def _lines_of(*, orders: list[int]) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__id__any=orders)


def order_get_by_reference(*, reference: str) -> Order | None:
    """The order with this external id, else with this number; lines loaded."""
    reference = reference.strip()
    if not reference:
        return None
    candidates = prepared_models(ORDERS_BY_REFERENCE, Order, _orders_by_reference, references=[reference])
    order = next((order for order in candidates if order.external_id == reference), None)
    if order is None and candidates:
        order = candidates[0]
    if order is not None:
        lines = prepared_models(ORDER_LINES, OrderLine, _lines_of, orders=[order.pk])
        for line in lines:
            line.order = order
        prefetched_set(instance=order, name="lines", rows=lines)
    return order


def order_get(*, external_id: str) -> Order | None:
    """The order with this external id, lines loaded."""
    if "\x00" in external_id:  # PostgreSQL refuses NUL characters in text: no such order
        return None
    return Order.objects.prefetch_related("lines").filter(external_id=external_id).first()


def reason_code_list() -> QuerySet[ReasonCode]:
    """The reasons a customer may choose, in display order."""
    return ReasonCode.objects.filter(is_active=True).order_by("position", "code")


_reason_codes = ReferenceMemo(
    "returns.reason_codes", lambda: {reason.code: reason for reason in ReasonCode.objects.all()}, models=[ReasonCode]
)


def reason_codes_by_code(*, codes: list[str]) -> dict[str, ReasonCode]:
    """Reason codes (active or not) by their code; kept in memory between requests (rma.core.reference_memo)."""
    every = _reason_codes.get()
    return {code: every[code] for code in set(codes) if code in every}


def _points_with_their_shop(*, ids: list[int]) -> QuerySet[DropOffPoint]:
    return DropOffPoint.objects.select_related("store__default_warehouse").filter(pk__any=ids)


def drop_off_point_get(*, pk: int) -> DropOffPoint | None:
    """A drop-off point with what choosing the destination warehouse reads."""
    found = prepared_models(DROP_OFF_POINT, DropOffPoint, _points_with_their_shop, ids=[pk])
    return found[0] if found else None


def store_get(*, code: str) -> Store | None:
    return Store.objects.filter(code=code).first()


def stores_of(*, user: AnyUser) -> list[Store]:
    """The active shops a user works at."""
    return list(stores_of_staff(user=user))


# ---- the review queue


def return_requests_needing_review() -> QuerySet[ReturnRequest]:
    """Returns waiting for an agent's decision, the longest waiting first, with what the queue shows.

    The filter and order are those of the partial index `returns_review_queue` (REVIEW_QUEUE_ORDER), so a page
    reads its own rows in order. Lines are counted by a sub-query of each row shown: a Count() over a join with
    the lines would group every waiting return before the page's limit (and in the paginator's count). Only the
    columns the queue and its customers' histories read are loaded (rma.returns.customer_history).
    """
    lines = ReturnLine.objects.filter(return_request=OuterRef("pk")).order_by().values("return_request")
    line_count = Subquery(lines.annotate(n=Count("*")).values("n"), output_field=IntegerField())
    return (
        ReturnRequest.objects.filter(status=ReturnStatus.NEEDS_REVIEW)
        .select_related("order")
        .only(
            "public_id",
            "rma_number",
            "status",
            "contact_email",
            "contact_name",
            "currency",
            "refund_estimate",
            "review_reason",
            "submitted_at",
            "created_at",
            "order__number",
            "order__customer_email",
            "order__address_key",
            "order__phone_key",
        )
        .annotate(line_count=Coalesce(line_count, 0))
        .order_by(*REVIEW_QUEUE_ORDER)
    )
