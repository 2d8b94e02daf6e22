"""Reads for the shop pages and API: a store user's shops, their shipments and returns, a shipment's totals.

Every read is scoped: store staff see their own shops only (Store.staff), superusers see all shops; what they see
of returns is the one rule of rma.returns.selectors.return_request_qs_for_store_staff, as in the returns API.
An object outside the scope is "not found" (None), never "forbidden", so that its existence is not told.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from rma.core import roles
from rma.core.ids import uuid_parse
from rma.core.queries import count_of
from rma.locations.models import Store
from rma.returns.models import ReturnLine, ReturnRequest
from rma.returns.selectors import return_request_qs_for_store_staff, stores_of_staff
from rma.shipping.models import Carton, CounterCheck, Shipment, ShipmentItem

# Whoever asks: a signed-in user or an anonymous visitor.
AnyUser = User | AnonymousUser


def is_store_user(user: AnyUser) -> bool:
    """Store staff and superusers may use the shop pages."""
    return bool(user.is_authenticated and (user.is_superuser or roles.STORE_STAFF in roles.user_roles(user)))


def stores_for_user(*, user: AnyUser) -> QuerySet[Store]:
    """The active shops a user works in (all of them for a superuser)."""
    if not is_store_user(user):
        return Store.objects.none()
    queryset = Store.objects.filter(is_active=True) if user.is_superuser else stores_of_staff(user=user)
    return queryset.select_related("default_warehouse", "drop_off_point").order_by("code")


def store_get_for_user(*, user: AnyUser, code: str) -> Store | None:
    return stores_for_user(user=user).filter(code=code).first()


def _active_items() -> QuerySet[ShipmentItem]:
    return (
        ShipmentItem.objects.filter(removed_at__isnull=True)
        .select_related("return_request", "added_by")
        .order_by("created_at", "id")
    )


def shipment_list_for_user(*, user: AnyUser, stores: Iterable[Store] | None = None) -> QuerySet[Shipment]:
    """Shipments of the user's shops (optionally narrowed), newest first, with totals annotated.

    The totals are sub-queries of each row shown: a Count() over a join with the cartons and items grouped every
    shipment the shops ever sent before the page's limit. For one shop the index `shipping_shipment_store_newest`
    hands the rows over in the list's order, so a page reads its own rows, however many shipments the shop sent."""
    scope = stores_for_user(user=user) if stores is None else stores
    return (
        Shipment.objects.filter(store__in=list(scope))
        .select_related("store", "warehouse")
        .annotate(
            carton_count=count_of(Carton.objects.filter(shipment=OuterRef("pk")), by="shipment"),
            item_count=count_of(
                ShipmentItem.objects.filter(shipment=OuterRef("pk"), removed_at__isnull=True), by="shipment"
            ),
        )
        .order_by("-created_at", "-id")
    )


def shipment_get_for_user(*, user: AnyUser, public_id: object) -> Shipment | None:
    """One shipment of the user's shops, with cartons and their current items loaded; None otherwise."""
    parsed = uuid_parse(public_id)
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


def return_request_get_for_store(*, user: AnyUser, public_id: object) -> ReturnRequest | None:
    """A return of the user's shops (what the returns API shows them too), loaded for the shop pages and API."""
    return _return_request_get(return_request_qs_for_store_staff(user=user), public_id=public_id)


def return_request_get_for_counter(*, user: AnyUser, public_id: object) -> ReturnRequest | None:
    """A return the user's counter may take in: one of their shops', or one not yet tied to any shop (a relay-point
    or locker return the customer brings in, found by its code; once checked, the shop adopts it)."""
    if not is_store_user(user):
        return None
    queryset = ReturnRequest.objects.filter(
        Q(pk__in=return_request_qs_for_store_staff(user=user).values("pk")) | Q(store__isnull=True)
    )
    return _return_request_get(queryset, public_id=public_id)


def _return_request_get(queryset: QuerySet[ReturnRequest], *, public_id: object) -> ReturnRequest | None:
    parsed = uuid_parse(public_id)
    if parsed is None:
        return None
    return (
        queryset.filter(public_id=parsed)
        .select_related("order", "store", "drop_off_point", "destination_warehouse")
        .prefetch_related(
            Prefetch(
                "lines",
                # A checked line shows its check's shop and clerk (the API's ReturnSerializer): one join, not a
                # query each per line.
                queryset=ReturnLine.objects.select_related(
                    "order_line", "reason", "counter_check__store", "counter_check__checked_by"
                ).order_by("id"),
            )
        )
        .first()
    )


def counter_returns_recent(*, stores: Iterable[Store], limit: int = 20) -> list[ReturnRequest]:
    """The returns most recently checked at these shops' counters."""
    return list(counter_returns_recent_qs(stores=stores)[:limit])


def counter_returns_recent_qs(*, stores: Iterable[Store]) -> QuerySet[ReturnRequest]:
    """A check makes its shop the return's (rma.store.services.counter), so the shops' returns are read latest moved
    first through `returns_store_updated`, each kept when one of its lines was checked: a page reads its own rows,
    not every check the shops ever made."""
    checked = CounterCheck.objects.filter(return_line__return_request=OuterRef("pk"))
    return (
        ReturnRequest.objects.filter(store__in=[store.pk for store in stores])
        .filter(Exists(checked))
        .select_related("order", "store")
        .order_by("-updated_at", "-id")
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
