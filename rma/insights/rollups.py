"""Building the daily roll-ups (rma.insights.models) from the raw tables, a whole day at a time.

`days_rebuild` replaces the rows of the given days with what the raw tables say now: it reads the returns requested
and the orders placed on those days (a few thousand rows a day), adds them up in Python and writes the sums, in one
transaction, so a reader sees a day's old rows or its new ones, never half of each. `rma.insights.refresh` (a worker
task, every minute) finds the days something happened to since its last run and rebuilds them: the request days of
the returns with new events (a status change, however late: a refund a month after the request rewrites the
request's day) or new inspections, and the days of new orders. A nightly run rebuilds the recent weeks whole, for
the changes that write neither (an inspection's disposition decided later, an order edited on the shop's side).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from math import ceil
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from rma.insights.models import CostDay, Outcome, RecoveryDay, RefundDay, ReturnDay, SkuDay
from rma.locations.models import Store
from rma.orders.models import OrderLine
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.choices import LabelStatus
from rma.warehouse.models import Inspection

S = ReturnStatus
WITHDRAWN = frozenset({S.REJECTED, S.CANCELLED, S.EXPIRED})
SETTLED = frozenset({S.REFUNDED, S.EXCHANGED, S.CLOSED})
LEGAL_REFUND_DAYS = 14
TABLES: tuple[type[Model], ...] = (SkuDay, ReturnDay, RefundDay, CostDay, RecoveryDay)
ZERO = Decimal("0.00")


def _bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(day, time.min, tzinfo=zone), datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=zone
    )


def _spans(days: Iterable[date]) -> Iterator[tuple[date, date]]:
    """Runs of consecutive days, as (first, last): one read of the raw tables per run instead of per day."""
    ordered = sorted(set(days))
    while ordered:
        first = last = ordered.pop(0)
        while ordered and ordered[0] == last + timedelta(days=1):
            last = ordered.pop(0)
        yield first, last


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def _outcome(status: str, resolution: str, returnless: bool) -> str:
    if status in WITHDRAWN:
        return Outcome.WITHDRAWN
    if returnless:
        return Outcome.RETURNLESS
    return resolution


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


class _Sums:
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


def _label_cost(carrier: str) -> Decimal:
    costs = settings.RMA_INSIGHTS_LABEL_COST
    return Decimal(costs.get(carrier, costs["default"]))


def _returns_read(start: datetime, end: datetime, sums: dict[str, _Sums]) -> None:
    """The returns requested in [start, end): their lines, refund, label and inspections."""
    returns = (
        ReturnRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=S.DRAFT)
        .values_list(
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
        .order_by()
    )
    heads: dict[int, dict[str, Any]] = {}
    for (
        pk,
        created,
        status,
        resolution,
        returnless,
        store,
        warehouse,
        channel,
        fee,
        received,
        released,
        amount,
        breakdown,
        carrier,
        label_status,
    ) in returns.iterator(chunk_size=2000):
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
        }
    if not heads:
        return
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
    first_category: dict[int, str] = {}
    for _pk, return_id, quantity, reason, category, sku, product, price in lines.iterator(chunk_size=4000):
        head = heads.get(return_id)
        if head is None:  # a draft
            continue
        first = return_id not in first_category
        first_category.setdefault(return_id, category)
        site = {"day": head["day"], "store_id": head["store_id"], "category": category}
        value = price * quantity
        sums["return"].add(
            {
                **site,
                "warehouse_id": head["warehouse_id"],
                "channel": head["channel"],
                "reason_id": reason,
                "outcome": head["outcome"],
                "settled": head["settled"],
            },
            returns=1 if first else 0,
            units=quantity,
            value=value,
        )
        if head["outcome"] != Outcome.WITHDRAWN:
            sums["sku"].add(
                {**site, "channel": head["channel"], "product_ref": product, "sku": sku},
                units_returned=quantity,
                returned_value=value,
            )
    handled = _inspections_read(start, end, heads, sums)
    handling = Decimal(settings.RMA_INSIGHTS_HANDLING_COST)
    for pk, head in heads.items():
        site = {
            "day": head["day"],
            "store_id": head["store_id"],
            "warehouse_id": head["warehouse_id"],
            "category": first_category.get(pk, ""),
        }
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
            sums["refund"].add(
                {**site, "days": max(ceil(waited), 0), "within_legal": within}, refunds=1, amount=head["amount"]
            )


def _inspections_read(
    start: datetime, end: datetime, heads: dict[int, dict[str, Any]], sums: dict[str, _Sums]
) -> dict[int, int]:
    """Each inspected unit of those returns, by disposition and grade; returns the units handled per return."""
    units = (
        Inspection.objects.filter(
            return_line__return_request__created_at__gte=start, return_line__return_request__created_at__lt=end
        )
        .values_list(
            "return_line__return_request_id",
            "return_line__order_line__category",
            "return_line__order_line__unit_price",
            "grade__code",
            "grade__recovery_percent",
            "disposition__kind",
        )
        .order_by()
    )
    handled: dict[int, int] = defaultdict(int)
    for return_id, category, price, grade, percent, disposition in units.iterator(chunk_size=4000):
        head = heads.get(return_id)
        if head is None:
            continue
        handled[return_id] += 1
        recovered = (price * (percent or 0) / 100).quantize(Decimal("0.01")) if grade else ZERO
        sums["recovery"].add(
            {
                "day": head["day"],
                "store_id": head["store_id"],
                "warehouse_id": head["warehouse_id"],
                "category": category,
                "disposition": disposition or "",
                "grade": grade or "",
            },
            units=1,
            value=price,
            recovered=recovered,
        )
    return handled


def _sales_read(start: datetime, end: datetime, sums: dict[str, _Sums]) -> None:
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


def _empty_sums() -> dict[str, _Sums]:
    return {
        "sku": _Sums(SkuDay, ("units_sold", "sales", "units_returned", "returned_value")),
        "return": _Sums(ReturnDay, ("returns", "units", "value")),
        "refund": _Sums(RefundDay, ("refunds", "amount")),
        "cost": _Sums(
            CostDay, ("returns", "labels", "label_cost", "units_handled", "handling_cost", "fees", "deductions")
        ),
        "recovery": _Sums(RecoveryDay, ("units", "value", "recovered")),
    }


def days_rebuild(days: Iterable[date]) -> int:
    """Replace the roll-up rows of these days with what the raw tables say now; returns the rows written."""
    written = 0
    for first, last in _spans(days):
        start, end = _bounds(first)[0], _bounds(last)[1]
        sums = _empty_sums()
        _returns_read(start, end, sums)
        _sales_read(start, end, sums)
        with transaction.atomic():
            for model in TABLES:
                model._default_manager.filter(day__gte=first, day__lte=last).delete()
            for table in sums.values():
                rows = table.instances()
                table.model._default_manager.bulk_create(rows, batch_size=2000)
                written += len(rows)
    return written


def all_days_rebuild(*, since: date | None = None, chunk_days: int = 31) -> int:
    """Rebuild every day from `since` (or the first order or return) to today, a month at a time."""
    first_order = OrderLine.objects.order_by("order__placed_at").values_list("order__placed_at", flat=True).first()
    first_return = ReturnRequest.objects.order_by("created_at").values_list("created_at", flat=True).first()
    starts = [_local_day(moment) for moment in (first_order, first_return) if moment is not None]
    if since is None and not starts:
        return 0
    day, today, written = since or min(starts), timezone.localdate(), 0
    while day <= today:
        last = min(day + timedelta(days=chunk_days - 1), today)
        written += days_rebuild(day + timedelta(days=offset) for offset in range((last - day).days + 1))
        day = last + timedelta(days=1)
    return written
