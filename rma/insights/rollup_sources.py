"""What the roll-ups read of the raw tables for a span of days: the returns requested then (their lines, refund,
label, carbon estimate, inspections and dispositions) and the orders placed then, added up per roll-up row in Python
(rma.insights.rollups writes the sums)."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from math import ceil
from typing import Any

from django.conf import settings
from django.db.models import Count, Model, Sum
from django.utils import timezone

from rma.insights.models import (
    CostDay,
    DiscrepancyDay,
    DispositionDay,
    FootprintDay,
    Outcome,
    ReasonDay,
    RecoveryDay,
    RefundDay,
    RefundTimeDay,
    ReturnDay,
    ShipmentDay,
    SkuDay,
)
from rma.locations.models import Store
from rma.orders.models import OrderLine
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnFootprint, ReturnLine, ReturnRequest
from rma.shipping.choices import LabelStatus, ShipmentStatus
from rma.shipping.models import Carton, Shipment, ShipmentItem
from rma.warehouse.models import Discrepancy, Inspection

S = ReturnStatus
WITHDRAWN = frozenset({S.REJECTED, S.CANCELLED, S.EXPIRED})
SETTLED = frozenset({S.REFUNDED, S.EXCHANGED, S.CLOSED})
LEGAL_REFUND_DAYS = 14
ZERO = Decimal("0.00")


class Sums:
    """Rows of one table keyed by their dimensions, each a dict of measures added up."""

    def __init__(self, model: type[Model], measures: tuple[str, ...]) -> None:
        self.model, self.measures = model, measures
        self.rows: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}

    def add(self, dims: dict[str, Any], **values: Any) -> None:
        key = tuple(sorted(dims.items()))
        row = self.rows.setdefault(key, dict.fromkeys(self.measures, 0))
        for name, value in values.items():
            row[name] += value

    def instances(self) -> list[Model]:
        return [self.model(**dict(key), **measures) for key, measures in self.rows.items()]


def sums_empty() -> dict[str, Sums]:
    return {
        "sku": Sums(SkuDay, ("units_sold", "sales", "units_returned", "returned_value")),
        "return": Sums(ReturnDay, ("returns", "units", "value")),
        "reason": Sums(ReasonDay, ("returns", "units", "value")),
        "refund": Sums(RefundDay, ("refunds", "amount")),
        "refund_time": Sums(RefundTimeDay, ("refunds", "amount")),
        "cost": Sums(
            CostDay, ("returns", "labels", "label_cost", "units_handled", "handling_cost", "fees", "deductions")
        ),
        "recovery": Sums(RecoveryDay, ("units", "value", "recovered")),
        "footprint": Sums(FootprintDay, ("returns", "grams", "baseline_g", "greener", "walked")),
        "disposition": Sums(DispositionDay, ("units", "units_published", "published_g")),
        "shipment": Sums(ShipmentDay, ("shipments", "cartons", "units", "received", "with_discrepancies")),
        "discrepancy": Sums(DiscrepancyDay, ("units",)),
    }


def _local_day(moment: datetime) -> Any:
    """The moment's day in the site's time zone (settings.TIME_ZONE, which Django keeps once read, where
    timezone.localdate looks the current zone up on every call: a day's rebuild calls this tens of thousands of
    times)."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def _outcome(status: str, resolution: str, returnless: bool) -> str:
    if status in WITHDRAWN:
        return Outcome.WITHDRAWN
    if returnless:
        return Outcome.RETURNLESS
    return resolution


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _label_cost(carrier: str) -> Decimal:
    costs = settings.RMA_INSIGHTS_LABEL_COST
    return Decimal(costs.get(carrier, costs["default"]))


_HEAD_COLUMNS = (
    "id",
    "created_at",
    "status",
    "resolution",
    "returnless",
    "store_id",
    "destination_warehouse_id",
    "order__channel",
    "fee_amount",
    "received_at",
    "refund__released_at",
    "refund__amount",
    "refund__breakdown",
    "label__carrier",
    "label__status",
)


def _heads_read(start: datetime, end: datetime) -> dict[int, dict[str, Any]]:
    """The returns requested in [start, end), drafts aside, with what the roll-ups need of each."""
    returns = (
        ReturnRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=S.DRAFT)
        .values_list(*_HEAD_COLUMNS)
        .order_by()
    )
    heads: dict[int, dict[str, Any]] = {}
    for row in returns.iterator(chunk_size=2000):
        (pk, created, status, resolution, returnless, store, warehouse, channel, fee) = row[:9]
        received, released, amount, breakdown, carrier, label_status = row[9:]
        heads[pk] = {
            "day": _local_day(created),
            "created": created,
            "store_id": store,
            "warehouse_id": warehouse,
            "channel": channel,
            "outcome": _outcome(status, resolution, returnless),
            "settled": status in SETTLED,
            "fee": fee,
            "received": received,
            "released": released,
            "amount": amount,
            "deductions": _money((breakdown or {}).get("deductions")),
            "label": carrier if carrier and label_status in (LabelStatus.READY, LabelStatus.PENDING) else None,
            "category": "",  # its first line's, once the lines are read
        }
    return heads


def _site(head: dict[str, Any]) -> dict[str, Any]:
    return {"day": head["day"], "store_id": head["store_id"], "warehouse_id": head["warehouse_id"]}


def _lines_read(start: datetime, end: datetime, heads: dict[int, dict[str, Any]], sums: dict[str, Sums]) -> None:
    """The returned units per reason and outcome, and per SKU; sets each return's category (its first line's)."""
    lines = (
        ReturnLine.objects.filter(return_request__created_at__gte=start, return_request__created_at__lt=end)
        .values_list(
            "id",
            "return_request_id",
            "quantity",
            "reason_id",
            "order_line__category",
            "order_line__sku",
            "order_line__product_ref",
            "order_line__unit_price",
        )
        .order_by("return_request_id", "id")
    )
    seen: set[int] = set()
    for _pk, return_id, quantity, reason, category, sku, product, price in lines.iterator(chunk_size=4000):
        head = heads.get(return_id)
        if head is None:  # a draft
            continue
        first = return_id not in seen
        if first:
            seen.add(return_id)
            head["category"] = category
        value = price * quantity
        sums["return"].add(
            {
                **_site(head),
                "category": category,
                "channel": head["channel"],
                "reason_id": reason,
                "outcome": head["outcome"],
                "settled": head["settled"],
            },
            returns=1 if first else 0,
            units=quantity,
            value=value,
        )
        sums["reason"].add(
            {"day": head["day"], "reason_id": reason, "outcome": head["outcome"], "settled": head["settled"]},
            returns=1 if first else 0,
            units=quantity,
            value=value,
        )
        if head["outcome"] != Outcome.WITHDRAWN:
            sums["sku"].add(
                {
                    "day": head["day"],
                    "store_id": head["store_id"],
                    "category": category,
                    "channel": head["channel"],
                    "product_ref": product,
                    "sku": sku,
                },
                units_returned=quantity,
                returned_value=value,
            )


def _money_add(heads: dict[int, dict[str, Any]], handled: dict[int, int], sums: dict[str, Sums]) -> None:
    """What each return cost (label, handling, fees, deductions) and, once refunded, how long its refund took."""
    handling = Decimal(settings.RMA_INSIGHTS_HANDLING_COST)
    for pk, head in heads.items():
        site = {**_site(head), "category": head["category"]}
        if head["outcome"] == Outcome.WITHDRAWN and not head["label"]:
            continue  # given up before costing anything
        units = handled.get(pk, 0)
        sums["cost"].add(
            site,
            returns=1,
            labels=1 if head["label"] else 0,
            label_cost=_label_cost(head["label"]) if head["label"] else ZERO,
            units_handled=units,
            handling_cost=handling * units,
            fees=head["fee"] if head["outcome"] != Outcome.WITHDRAWN else ZERO,
            deductions=head["deductions"],
        )
        if head["released"] is not None:
            waited = (head["released"] - head["created"]).total_seconds() / 86400
            within = None
            if head["received"] is not None:
                within = head["released"] - head["received"] <= timedelta(days=LEGAL_REFUND_DAYS)
            days = max(ceil(waited), 0)
            sums["refund"].add({**site, "days": days, "within_legal": within}, refunds=1, amount=head["amount"])
            sums["refund_time"].add(
                {"day": head["day"], "days": days, "within_legal": within}, refunds=1, amount=head["amount"]
            )


def _inspections_read(
    start: datetime, end: datetime, heads: dict[int, dict[str, Any]], sums: dict[str, Sums]
) -> dict[int, int]:
    """Each inspected unit of those returns, by disposition and grade, and each confirmed disposition by the year of
    its confirmation; returns the units handled per return."""
    units = (
        Inspection.objects.filter(
            return_line__return_request__created_at__gte=start, return_line__return_request__created_at__lt=end
        )
        .values_list(
            "return_line__return_request_id",
            "return_line__order_line__category",
            "return_line__order_line__unit_price",
            "return_line__order_line__unit_weight_g",
            "grade__code",
            "grade__recovery_percent",
            "disposition__kind",
            "disposition__derogation",
            "disposition__confirmed_at",
        )
        .order_by()
    )
    handled: dict[int, int] = defaultdict(int)
    for return_id, category, price, weight_g, grade, percent, kind, derogation, confirmed in units.iterator(
        chunk_size=4000
    ):
        head = heads.get(return_id)
        if head is None:
            continue
        handled[return_id] += 1
        site = {**_site(head), "category": category}
        recovered = (price * (percent or 0) / 100).quantize(Decimal("0.01")) if grade else ZERO
        sums["recovery"].add(
            {**site, "disposition": kind or "", "grade": grade or ""}, units=1, value=price, recovered=recovered
        )
        if confirmed is not None:
            sums["disposition"].add(
                {**site, "year": _local_day(confirmed).year, "kind": kind, "derogation": derogation},
                units=1,
                units_published=0 if weight_g is None else 1,
                published_g=weight_g or 0,
            )
    return handled


def _footprints_read(start: datetime, end: datetime, heads: dict[int, dict[str, Any]], sums: dict[str, Sums]) -> None:
    """The carbon estimates of those returns, but for the returns given up before sending anything."""
    footprints = (
        ReturnFootprint.objects.filter(return_request__created_at__gte=start, return_request__created_at__lt=end)
        .values_list("return_request_id", "method", "factors_version", "grams", "baseline_g", "walkable")
        .order_by()
    )
    for return_id, method, version, grams, baseline_g, walkable in footprints.iterator(chunk_size=4000):
        head = heads.get(return_id)
        if head is None or head["outcome"] == Outcome.WITHDRAWN:
            continue
        sums["footprint"].add(
            {**_site(head), "category": head["category"], "method": method, "factors_version": version},
            returns=1,
            grams=grams,
            baseline_g=baseline_g,
            greener=1 if grams < baseline_g else 0,
            walked=1 if walkable else 0,
        )


def returns_read(start: datetime, end: datetime, sums: dict[str, Sums]) -> None:
    """The returns requested in [start, end), into every roll-up but the sales."""
    heads = _heads_read(start, end)
    if not heads:
        return
    _lines_read(start, end, heads, sums)
    handled = _inspections_read(start, end, heads, sums)
    _money_add(heads, handled, sums)
    _footprints_read(start, end, heads, sums)


def sales_read(start: datetime, end: datetime, sums: dict[str, Sums]) -> None:
    """The order lines placed in [start, end), per SKU; in-store sales under their shop."""
    stores = dict(Store.objects.values_list("code", "id"))
    lines = (
        OrderLine.objects.filter(order__placed_at__gte=start, order__placed_at__lt=end)
        .values_list(
            "order__placed_at",
            "order__store_code",
            "order__channel",
            "category",
            "product_ref",
            "sku",
            "quantity",
            "unit_price",
        )
        .order_by()
    )
    for placed, store_code, channel, category, product, sku, quantity, price in lines.iterator(chunk_size=4000):
        sums["sku"].add(
            {
                "day": _local_day(placed),
                "store_id": stores.get(store_code) if store_code else None,
                "category": category,
                "channel": channel,
                "product_ref": product,
                "sku": sku,
            },
            units_sold=quantity,
            sales=price * quantity,
        )


RECEIVED = frozenset({ShipmentStatus.RECEIVED, ShipmentStatus.RECEIVED_WITH_DISCREPANCIES})


def shipments_read(start: datetime, end: datetime, sums: dict[str, Sums]) -> None:
    """The shipments dispatched in [start, end): their cartons, their units (those still in them), whether they were
    received and with discrepancies, and the units of each discrepancy found."""
    dispatched = {"dispatched_at__gte": start, "dispatched_at__lt": end}
    shipments = Shipment.objects.filter(**dispatched).values_list(
        "id", "dispatched_at", "store_id", "warehouse_id", "status"
    )
    sites: dict[int, dict[str, Any]] = {}
    for pk, moment, store, warehouse, status in shipments.order_by().iterator(chunk_size=2000):
        sites[pk] = {"day": timezone.localdate(moment), "store_id": store, "warehouse_id": warehouse, "category": ""}
        sums["shipment"].add(
            sites[pk],
            shipments=1,
            received=1 if status in RECEIVED else 0,
            with_discrepancies=1 if status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES else 0,
        )
    within = {f"shipment__{name}": value for name, value in dispatched.items()}
    for pk, n in Carton.objects.filter(**within).values_list("shipment_id").annotate(n=Count("id")).order_by():
        sums["shipment"].add(sites[pk], cartons=n)
    items = ShipmentItem.objects.filter(**within, removed_at__isnull=True)
    for pk, n in items.values_list("shipment_id").annotate(n=Sum("quantity")).order_by():
        sums["shipment"].add(sites[pk], units=n or 0)
    found = Discrepancy.objects.filter(**within).values_list("shipment_id", "kind").annotate(n=Sum("quantity"))
    for pk, kind, n in found.order_by():
        sums["discrepancy"].add({**sites[pk], "kind": kind}, units=n or 0)
