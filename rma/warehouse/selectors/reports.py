"""Warehouse reports: destroyed units, and discrepancies found in shops' shipments."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from rma.locations.models import Store, Warehouse
from rma.shipping.models import Shipment
from rma.warehouse.choices import DispositionKind
from rma.warehouse.models import Discrepancy, Disposition

__all__ = [
    "destroyed_units",
    "destroyed_totals",
    "stores_shipping_to",
    "discrepancies_report",
    "discrepancies_by_shop",
]


def _day_start(day: date) -> datetime:
    """The first moment of a day in the site's time zone: a period's bounds compared with a timestamp's index, where
    `__date` compares each row's day."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# ---- reports


def destroyed_units(
    *, warehouses: QuerySet[Warehouse] | list[Warehouse], start: date | None = None, end: date | None = None
) -> QuerySet[Disposition]:
    """Units confirmed for destruction (with their derogation), for the ESPR art. 24 annual disclosure."""
    qs = Disposition.objects.filter(
        kind=DispositionKind.DESTROY,
        inspection__return_line__return_request__destination_warehouse__in=warehouses,
    ).select_related(
        "inspection__grade",
        "inspection__return_line__order_line",
        "inspection__return_line__reason",
        "inspection__return_line__return_request__destination_warehouse",
        "confirmed_by",
    )
    if start is not None:
        qs = qs.filter(confirmed_at__gte=_day_start(start))
    if end is not None:
        qs = qs.filter(confirmed_at__lt=_day_start(end + timedelta(days=1)))
    return qs.order_by("confirmed_at", "id")  # the order of warehouse_destroyed_units


def destroyed_totals(*, units: QuerySet[Disposition]) -> list[tuple[str, str, int]]:
    """Units per category and derogation, (category, derogation, units), in one grouped statement."""
    grouped = (
        units.order_by()
        .values_list("inspection__return_line__order_line__category", "derogation")
        .annotate(units=Count("id"))
    )
    return [(category, derogation, count) for category, derogation, count in grouped]


# ---- discrepancy reports


def stores_shipping_to(*, warehouses: QuerySet[Warehouse] | list[Warehouse]) -> QuerySet[Store]:
    """The shops that sent shipments to these warehouses (the report's shop filter): a probe of
    shipping_shipment_store_wh a shop, where joining them with their shipments read every one."""
    shipped = Shipment.objects.filter(store=OuterRef("pk"), warehouse__in=warehouses)
    return Store.objects.filter(Exists(shipped)).order_by("code")


def discrepancies_report(
    *,
    warehouses: QuerySet[Warehouse] | list[Warehouse],
    start: date | None = None,
    end: date | None = None,
    store: str = "",
    kind: str = "",
) -> QuerySet[Discrepancy]:
    """Discrepancies found at these warehouses, by the date they were recorded, optionally for one shop and kind."""
    qs = Discrepancy.objects.filter(warehouse__in=warehouses).select_related(
        "shipment__store", "carton", "warehouse", "created_by"
    )
    if start is not None:
        qs = qs.filter(created_at__gte=_day_start(start))
    if end is not None:
        qs = qs.filter(created_at__lt=_day_start(end + timedelta(days=1)))
    if store:
        qs = qs.filter(shipment__store__code=store)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("created_at", "id")


def discrepancies_by_shop(*, discrepancies: QuerySet[Discrepancy]) -> list[dict[str, Any]]:
    """Totals per shop and kind: how many discrepancies, how many units, over how many shipments."""
    return list(
        discrepancies.order_by()
        .values("shipment__store__code", "shipment__store__name", "kind")
        .annotate(count=Count("id"), units=Sum("quantity"), shipments=Count("shipment", distinct=True))
        .order_by("shipment__store__code", "kind")
    )
