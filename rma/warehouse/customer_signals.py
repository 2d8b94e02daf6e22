"""What the warehouse found in a customer's returns, for their history (rma.returns.customer_history): units
graded with a grade that shows wear or use (Grade.signals_wear), and units received without the announced item.
Provided to the returns app by WarehouseConfig.ready, since returns may not read the warehouse's models."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet

from rma.core.prepared import prepared_values
from rma.returns.customer_history import InspectionSignals
from rma.warehouse.choices import UnitCondition
from rma.warehouse.models import Inspection

WITHOUT_ITEM = (UnitCondition.WRONG_ITEM, UnitCondition.MISSING)
SIGNALS = "rma_customer_inspection_signals"  # the name of its prepared statement


def _found_in(*, return_ids: list[int]) -> QuerySet[Inspection, dict[str, Any]]:
    return (
        Inspection.objects.filter(return_line__return_request__id__any=return_ids)
        .values("return_line__return_request_id")
        .annotate(
            worn=Count("id", filter=Q(condition=UnitCondition.RECEIVED, grade__signals_wear=True)),
            unmatched=Count("id", filter=Q(condition__in=WITHOUT_ITEM)),
        )
        .order_by()
    )


def inspection_signals_for_returns(return_ids: list[int]) -> Mapping[int, InspectionSignals]:
    """Per return (of those asked about that have any), its units found worn or used and without their item.
    One grouped query, compiled once per process and prepared once per session on PostgreSQL, as the history's own
    (rma.core.prepared)."""
    rows = prepared_values(SIGNALS, Inspection, _found_in, return_ids=return_ids)
    return {
        row["return_line__return_request_id"]: InspectionSignals(
            units_worn=row["worn"], units_unmatched=row["unmatched"]
        )
        for row in rows
    }
