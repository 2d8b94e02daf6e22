"""Row locks, always taken in primary-key order so that two transactions cannot deadlock."""

from django.db.models import QuerySet

from rma.orders.models import OrderLine
from rma.returns.models import ReturnRequest


def return_request_qs_select_for_update() -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.order_by("pk").select_for_update(of=("self",))


def order_lines_qs_select_for_update() -> QuerySet[OrderLine]:
    return OrderLine.objects.order_by("pk").select_for_update(of=("self",))
