"""Warehouse API: the boards, returns expected and returns waiting for their refund."""

from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.pagination import CursorPagination
from rma.core.api.values import PageValues, text
from rma.returns.models import ReturnRequest
from rma.warehouse import selectors
from rma.warehouse.api.common import WAREHOUSE_PARAMETER, WarehouseRoles, warehouse_schema, warehouses_from


class ExpectedPagination(CursorPagination):
    ordering = ("since", "id")


class RowReturnSerializer(serializers.Serializer):
    """The return of a board row, flattened."""

    public_id = serializers.UUIDField(source="return_request.public_id")
    rma_number = serializers.CharField(source="return_request.rma_number")
    status = serializers.CharField(source="return_request.status")
    resolution = serializers.CharField(source="return_request.resolution")
    order_number = serializers.CharField(source="return_request.order.number")
    destination_warehouse = serializers.CharField(source="return_request.destination_warehouse.code", default=None)


class WarehouseExpectedListApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = ExpectedPagination

    class OutputSerializer(RowReturnSerializer):
        tracking_number = serializers.CharField()
        since = serializers.DateTimeField()
        age_days = serializers.IntegerField()
        late = serializers.BooleanField()
        at_dock = serializers.BooleanField(help_text="The carrier reports the parcel delivered here; not scanned yet.")

    @warehouse_schema(
        operation_id="warehouse_expected_list",
        summary="Returns expected at your warehouses",
        description="In transit, or approved and heading here; oldest first, with age and a late flag.",
        parameters=[WAREHOUSE_PARAMETER],
        response=OutputSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.returns_expected(warehouses=warehouses_from(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, self) or []
        values, now = PageValues(), timezone.now()
        rows = [expected_json(selectors.expected_row(return_request=r, now=now), values) for r in page]
        return paginator.get_paginated_response(rows)


class AwaitingPagination(CursorPagination):
    ordering = ("received_at", "id")


class WarehouseAwaitingRefundListApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = AwaitingPagination

    class OutputSerializer(RowReturnSerializer):
        received_at = serializers.DateTimeField()
        refund_due_by = serializers.DateTimeField(source="due_by")
        days_left = serializers.IntegerField()
        due_soon = serializers.BooleanField()
        overdue = serializers.BooleanField()

    @warehouse_schema(
        operation_id="warehouse_awaiting_refund_list",
        summary="Received returns waiting for inspection or refund",
        description="With the legal refund deadline (14 days from receipt, EU) and flags when it is close or past.",
        parameters=[WAREHOUSE_PARAMETER],
        response=OutputSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.returns_awaiting_refund(warehouses=warehouses_from(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, self) or []
        values, now = PageValues(), timezone.now()
        rows = [refund_due_json(selectors.refund_due_row(return_request=r, now=now), values) for r in page]
        return paginator.get_paginated_response(rows)


# The rows of the two lists, as their OutputSerializers write them (the schema is generated from those), by plain
# functions: through the serializers' fields, a page of 50 rows cost more than its SQL (rma.core.api.values).


def _return_json(return_request: ReturnRequest) -> dict[str, Any]:
    """RowReturnSerializer's fields."""
    warehouse = return_request.destination_warehouse
    return {
        "public_id": str(return_request.public_id),
        "rma_number": text(return_request.rma_number),
        "status": text(return_request.status),
        "resolution": text(return_request.resolution),
        "order_number": text(return_request.order.number),
        "destination_warehouse": None if warehouse is None else text(warehouse.code),
    }


def expected_json(row: selectors.ExpectedRow, values: PageValues) -> dict[str, Any]:
    """WarehouseExpectedListApi.OutputSerializer's fields."""
    return {
        **_return_json(row.return_request),
        "tracking_number": text(row.tracking_number),
        "since": values.datetime(row.since),
        "age_days": int(row.age_days),
        "late": bool(row.late),
        "at_dock": bool(row.at_dock),
    }


def refund_due_json(row: selectors.RefundDueRow, values: PageValues) -> dict[str, Any]:
    """WarehouseAwaitingRefundListApi.OutputSerializer's fields."""
    return {
        **_return_json(row.return_request),
        "received_at": values.datetime(row.received_at),
        "refund_due_by": values.datetime(row.due_by),
        "days_left": int(row.days_left),
        "due_soon": bool(row.due_soon),
        "overdue": bool(row.overdue),
    }
