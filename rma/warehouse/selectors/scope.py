"""Who works in which warehouse, and what each may see."""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet

from rma.core import roles
from rma.locations.models import Warehouse
from rma.returns.models import ReturnRequest
from rma.warehouse.models import Arrival, UnexpectedParcel

__all__ = [
    "AnyUser",
    "is_warehouse_user",
    "warehouses_for_user",
    "returns_in_scope",
    "return_request_get_for_warehouse",
    "return_request_detail_for_warehouse",
    "unexpected_parcel_get_for_warehouse",
]

# Whoever asks: a signed-in user or an anonymous visitor.
AnyUser = User | AnonymousUser


def is_warehouse_user(user: AnyUser) -> bool:
    """Superusers and holders of the warehouse role."""
    return bool(user.is_authenticated and (user.is_superuser or roles.WAREHOUSE_STAFF in roles.user_roles(user)))


def warehouses_for_user(*, user: AnyUser) -> QuerySet[Warehouse]:
    """The warehouses an operator works in (every warehouse for a superuser)."""
    if not user.is_authenticated:
        return Warehouse.objects.none()
    if user.is_superuser:
        return Warehouse.objects.all()
    if roles.WAREHOUSE_STAFF not in roles.user_roles(user):
        return Warehouse.objects.none()
    return Warehouse.objects.filter(staff=user)


def returns_in_scope(*, user: AnyUser) -> QuerySet[ReturnRequest]:
    """Returns headed to one of the operator's warehouses."""
    if user.is_authenticated and user.is_superuser:
        return ReturnRequest.objects.all()
    return ReturnRequest.objects.filter(destination_warehouse__in=warehouses_for_user(user=user))


def _return_in_warehouse_scope(
    *, user: AnyUser, public_id: UUID, warehouses: list[Warehouse] | None
) -> QuerySet[ReturnRequest]:
    """The return with this public id if the operator may see it: `warehouses`, when the caller has read them
    already (a page's request.warehouses), are compared as values instead of a sub-query joining two tables."""
    in_scope = (
        returns_in_scope(user=user)
        if warehouses is None or user.is_superuser
        else ReturnRequest.objects.filter(destination_warehouse__in=[warehouse.pk for warehouse in warehouses])
    )
    return in_scope.filter(public_id=public_id)


def return_request_get_for_warehouse(
    *, user: AnyUser, public_id: UUID, warehouses: list[Warehouse] | None = None
) -> ReturnRequest | None:
    """One return in the operator's scope, with its order and warehouse; None otherwise.

    What the actions (inspect, confirm, release, note) and the API's detail read: a statement of three tables (five
    with the scope's sub-query). Its page reads more with return_request_detail_for_warehouse."""
    return (
        _return_in_warehouse_scope(user=user, public_id=public_id, warehouses=warehouses)
        .select_related("order", "destination_warehouse")
        .first()
    )


def return_request_detail_for_warehouse(
    *, user: AnyUser, public_id: UUID, warehouses: list[Warehouse] | None = None
) -> ReturnRequest | None:
    """One return in the operator's scope with what its page shows: order, label, refund, exchange request, and its
    arrival with its carton, shipment and who received it; None otherwise.

    Two statements of five and four tables, not one of ten (twelve with the scope's sub-query): PostgreSQL tries
    every order of joining a statement's tables, and at 570,000 returns it planned that one-row read in 4 to 6 ms
    and ran it in 0.13 ms. The two now plan in 0.7 and 0.1 ms."""
    return (
        _return_in_warehouse_scope(user=user, public_id=public_id, warehouses=warehouses)
        .select_related("order", "label", "refund", "exchange_request")
        .prefetch_related(
            Prefetch("arrival", queryset=Arrival.objects.select_related("carton", "shipment", "received_by"))
        )
        .first()
    )


def unexpected_parcel_get_for_warehouse(*, user: AnyUser, pk: int) -> UnexpectedParcel | None:
    """One unexpected parcel at one of the operator's warehouses, or None."""
    return (
        UnexpectedParcel.objects.select_related("warehouse", "matched_return", "created_by")
        .filter(warehouse__in=warehouses_for_user(user=user), pk=pk)
        .first()
    )
