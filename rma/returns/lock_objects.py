"""Row locks, always taken in primary-key order so that two transactions cannot deadlock."""

from django.db.models import QuerySet

from rma.core.prepared import prepared_models
from rma.orders.models import OrderLine
from rma.returns.models import ReturnRequest


def return_request_qs_select_for_update() -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.order_by("pk").select_for_update(of=("self",))


def order_lines_qs_select_for_update() -> QuerySet[OrderLine]:
    return OrderLine.objects.order_by("pk").select_for_update(of=("self",))


ORDER_LINES_LOCKED = "rma_order_lines_locked"


def _order_lines_locked(*, ids: list[int]) -> QuerySet[OrderLine]:
    return order_lines_qs_select_for_update().filter(pk__any=ids)


def order_lines_select_for_update(*, ids: list[int]) -> list[OrderLine]:
    """These order lines, locked: one statement, compiled once per process and prepared once per database session
    (rma.core.prepared), as every return's creation takes it."""
    return prepared_models(ORDER_LINES_LOCKED, OrderLine, _order_lines_locked, ids=ids)
