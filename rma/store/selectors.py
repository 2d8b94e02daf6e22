"""Reads for the shop pages and API: a store user's shops, their shipments and returns, a shipment's totals.

Every read is scoped: store staff see their own shops only (Store.staff), superusers see all shops.
An object outside the scope is "not found" (None), never "forbidden", so that its existence is not told.
"""

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from rma.core import roles
from rma.locations.models import Store
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.models import Carton, Shipment, ShipmentItem

User = AbstractBaseUser | AnonymousUser


def is_store_user(user: User) -> bool:
    """Store staff and superusers may use the shop pages."""
    return bool(user.is_authenticated and (user.is_superuser or roles.STORE_STAFF in roles.user_roles(user)))


def stores_for_user(*, user: User) -> QuerySet[Store]:
    """The active shops a user works in (all of them for a superuser)."""
    if not is_store_user(user):
        return Store.objects.none()
    queryset = Store.objects.filter(is_active=True).select_related("default_warehouse", "drop_off_point")
    if user.is_superuser:
        return queryset.order_by("code")
    return queryset.filter(staff=user).order_by("code")


def store_get_for_user(*, user: User, code: str) -> Store | None:
    return stores_for_user(user=user).filter(code=code).first()


def _uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _active_items() -> QuerySet[ShipmentItem]:
    return (
        ShipmentItem.objects.filter(removed_at__isnull=True)
        .select_related("return_request", "added_by")
        .order_by("created_at", "id")
    )


def shipment_list_for_user(*, user: User, stores: Iterable[Store] | None = None) -> QuerySet[Shipment]:
    """Shipments of the user's shops (optionally narrowed), newest first, with totals annotated."""
    scope = stores_for_user(user=user) if stores is None else stores
    return (
        Shipment.objects.filter(store__in=list(scope))
        .select_related("store", "warehouse")
        .annotate(
            carton_count=Count("cartons", distinct=True),
            item_count=Count("items", filter=Q(items__removed_at__isnull=True), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def shipment_get_for_user(*, user: User, public_id: object) -> Shipment | None:
    """One shipment of the user's shops, with cartons and their current items loaded; None otherwise."""
    parsed = _uuid(public_id)
    if parsed is None:
        return None
    return (
        Shipment.objects.filter(public_id=parsed, store__in=stores_for_user(user=user))
        .select_related("store", "warehouse", "opened_by", "closed_by", "dispatched_by")
        .prefetch_related(
            Prefetch(
                "cartons",
                queryset=Carton.objects.order_by("position").prefetch_related(
                    Prefetch("items", queryset=_active_items())
                ),
            )
        )
        .first()
    )


def return_request_get_for_store(*, user: User, public_id: object) -> ReturnRequest | None:
    """A return handled by one of the user's shops, or not yet tied to any shop (a QR code shown at the counter)."""
    parsed = _uuid(public_id)
    if parsed is None:
        return None
    stores = stores_for_user(user=user)
    return (
        ReturnRequest.objects.filter(Q(store__in=stores) | Q(store__isnull=True), public_id=parsed)
        .select_related("order", "store", "drop_off_point", "destination_warehouse")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("order_line", "reason", "counter_check").order_by("id"),
            )
        )
        .first()
    )


def counter_returns_recent(*, stores: Iterable[Store], limit: int = 20) -> list[ReturnRequest]:
    """The returns most recently checked at these shops' counters."""
    return list(
        ReturnRequest.objects.filter(lines__counter_check__store__in=list(stores))
        .distinct()
        .select_related("order", "store")
        .order_by("-updated_at", "-id")[:limit]
    )


def shipment_totals(*, shipment: Shipment) -> dict[str, int]:
    """Running totals of an open shipment: cartons, scans, units, returns, weight."""
    items = ShipmentItem.objects.filter(shipment=shipment, removed_at__isnull=True)
    agg = items.aggregate(
        scans=Count("id"),
        units=Sum("quantity"),
        returns=Count("return_request", distinct=True),
    )
    weight = Carton.objects.filter(shipment=shipment).aggregate(total=Sum("weight_grams"))["total"]
    return {
        "cartons": Carton.objects.filter(shipment=shipment).count(),
        "scans": agg["scans"] or 0,
        "units": agg["units"] or 0,
        "returns": agg["returns"] or 0,
        "weight_grams": weight or 0,
    }
