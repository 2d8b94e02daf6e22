"""Warehouse API: the boards, returns expected and returns waiting for their refund."""

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.pagination import CursorPagination
from rma.warehouse import selectors
from rma.warehouse.api.common import WAREHOUSE_PARAMETER, WarehouseRoles, paginated, warehouse_schema, warehouses_from


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
        return paginated(self, request, queryset, lambda r: selectors.expected_row(return_request=r))


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
        return paginated(self, request, queryset, lambda r: selectors.refund_due_row(return_request=r))
