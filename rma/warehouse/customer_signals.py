"""What the warehouse found in a customer's returns, for their history (rma.returns.customer_history): units
graded with a grade that shows wear or use (Grade.signals_wear), and units received without the announced item.
Provided to the returns app by WarehouseConfig.ready, since returns may not read the warehouse's models."""

from collections.abc import Mapping

from django.db.models import Count, Q

from rma.returns.customer_history import InspectionSignals
from rma.warehouse.choices import UnitCondition
from rma.warehouse.models import Inspection

WITHOUT_ITEM = (UnitCondition.WRONG_ITEM, UnitCondition.MISSING)


def inspection_signals_for_returns(return_ids: list[int]) -> Mapping[int, InspectionSignals]:
    """Per return (of those asked about that have any), its units found worn or used and without their item.
    One grouped query."""
    rows = (
        Inspection.objects.filter(return_line__return_request_id__in=return_ids)
        .values("return_line__return_request_id")
        .annotate(
            worn=Count("id", filter=Q(condition=UnitCondition.RECEIVED, grade__signals_wear=True)),
            unmatched=Count("id", filter=Q(condition__in=WITHOUT_ITEM)),
        )
        .order_by()
    )
    return {
        row["return_line__return_request_id"]: InspectionSignals(
            units_worn=row["worn"], units_unmatched=row["unmatched"]
        )
        for row in rows
    }
