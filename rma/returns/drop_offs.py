"""Where a return may be dropped off, and which warehouse it then goes to."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.locations.choices import DropOffMethod
from rma.locations.models import DropOffPoint, Warehouse
from rma.locations.selectors import distance_km, warehouses_active
from rma.orders.models import Order
from rma.returns import policy as return_policy


@dataclass(frozen=True)
class DropOffChoice:
    method: str
    point: DropOffPoint | None = None
    pickup_date: date | None = None
    pickup_slot: str = ""
    errors: list[str] = field(default_factory=list)


def drop_off_validate(*, choice: DropOffChoice) -> None:
    """Check a drop-off choice: the method exists, the point matches it and takes returns, the pickup is possible."""
    method = choice.method
    if method not in DropOffMethod.values:
        raise DomainError(_("Unknown drop-off method."), code="invalid_drop_off")
    if method == DropOffMethod.HOME_PICKUP:
        if choice.point is not None:
            raise DomainError(_("A home pickup has no drop-off point."), code="invalid_drop_off")
        today = timezone.localdate()
        if choice.pickup_date is None or choice.pickup_date <= today:
            raise DomainError(_("Choose a pickup date from tomorrow on."), code="invalid_pickup_date")
        if choice.pickup_date.isoweekday() == 7:
            raise DomainError(_("There are no pickups on Sundays."), code="invalid_pickup_date")
        if (choice.pickup_date - today).days > 14:
            raise DomainError(_("Choose a pickup date within the next two weeks."), code="invalid_pickup_date")
        if choice.pickup_slot not in return_policy.PICKUP_SLOTS:
            raise DomainError(_("Choose one of the pickup time slots."), code="invalid_pickup_slot")
        return
    point = choice.point
    if point is None:
        raise DomainError(_("Choose where you will drop the parcel off."), code="invalid_drop_off")
    if point.kind != return_policy.DROP_OFF_KIND_FOR_METHOD[DropOffMethod(method)]:
        raise DomainError(_("This drop-off point does not match the chosen method."), code="invalid_drop_off")
    if not (point.is_active and point.accepts_returns):
        raise DomainError(_("This drop-off point does not take returns at the moment."), code="invalid_drop_off")


# Apps above returns may name the warehouse an order's returns go to (rma.connectors: the default warehouse of the
# shop connection the order came from); registered in their AppConfig.ready.
OrderWarehouse = Callable[[Order], "Warehouse | None"]
_order_warehouses: list[OrderWarehouse] = []


def order_warehouse_provide(provider: OrderWarehouse) -> None:
    """Let `provider` name the warehouse of an order's returns (None: it has no say for that order)."""
    if provider not in _order_warehouses:
        _order_warehouses.append(provider)


def destination_warehouse_for(*, point: DropOffPoint | None, order: Order) -> Warehouse | None:
    """The shop's own warehouse for a shop drop-off, else the warehouse the order's origin names (a shop
    connection's default warehouse), else the active warehouse nearest the parcel."""
    store = point.store if point is not None else None
    if store is not None and store.default_warehouse_id:
        return store.default_warehouse
    for provider in _order_warehouses:
        named = provider(order)
        if named is not None and named.is_active:
            return named
    warehouses = warehouses_active()
    origin = point if point is not None and point.latitude is not None else order
    latitude, longitude = origin.latitude, origin.longitude
    located = [(w.latitude, w.longitude, w) for w in warehouses if w.latitude is not None and w.longitude is not None]
    if latitude is None or longitude is None or not located:
        return warehouses[0] if warehouses else None
    return min(located, key=lambda spot: distance_km(latitude, longitude, spot[0], spot[1]))[2]
