"""Warehouse API: reports of destroyed units and of discrepancies in shops' shipments (JSON or CSV)."""

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.pagination import CursorPagination
from rma.warehouse import selectors
from rma.warehouse.api.common import (
    WAREHOUSE_PARAMETER,
    WarehouseRoles,
    paginated,
    validated,
    warehouse_schema,
    warehouses_from,
)
from rma.warehouse.api.serializers import DiscrepancySerializer
from rma.warehouse.choices import DiscrepancyKind
from rma.warehouse.reports import discrepancies_csv_response


class DestroyedPagination(CursorPagination):
    ordering = ("confirmed_at", "id")


class WarehouseDestroyedUnitsReportApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = DestroyedPagination

    class FilterSerializer(serializers.Serializer):
        start = serializers.DateField(required=False, allow_null=True, default=None)
        end = serializers.DateField(required=False, allow_null=True, default=None)

    class OutputSerializer(serializers.Serializer):
        confirmed_at = serializers.DateTimeField()
        warehouse = serializers.CharField(
            source="inspection.return_line.return_request.destination_warehouse.code", default=None
        )
        rma_number = serializers.CharField(source="inspection.return_line.return_request.rma_number")
        sku = serializers.CharField(source="inspection.return_line.order_line.sku")
        name = serializers.CharField(source="inspection.return_line.order_line.name")
        category = serializers.CharField(source="inspection.return_line.order_line.category")
        unit_price = serializers.DecimalField(
            source="inspection.return_line.order_line.unit_price", max_digits=10, decimal_places=2
        )
        grade = serializers.CharField(source="inspection.grade.code", default=None)
        reason = serializers.CharField(source="inspection.return_line.reason.code")
        derogation = serializers.CharField()
        derogation_note = serializers.CharField()
        confirmed_by = serializers.CharField(source="confirmed_by.username", default=None)

    @warehouse_schema(
        operation_id="warehouse_destroyed_units_report",
        summary="Destroyed units, with their legal derogation",
        description="For the annual disclosure of discarded unsold products (EU ESPR art. 24) and AGEC reporting.",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
            WAREHOUSE_PARAMETER,
        ],
        response=OutputSerializer(many=True),
        errors=(400, 401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        # A plain dict: an empty value is then refused like any bad one, not taken for a missing one.
        filters = validated(self.FilterSerializer, request.query_params.dict())
        return paginated(self, request, selectors.destroyed_units(warehouses=warehouses_from(request), **filters))


class CsvRenderer(BaseRenderer):
    """Lets `?format=csv` through content negotiation; the view writes the CSV itself, errors come out as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data, default=str).encode()


class DiscrepancyPagination(CursorPagination):
    ordering = ("created_at", "id")


class WarehouseDiscrepancyReportApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = DiscrepancyPagination
    renderer_classes = [JSONRenderer, CsvRenderer]

    class FilterSerializer(serializers.Serializer):
        start = serializers.DateField(required=False, allow_null=True, default=None)
        end = serializers.DateField(required=False, allow_null=True, default=None)
        store = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
        kind = serializers.ChoiceField(choices=DiscrepancyKind.choices, required=False, default="")

    @warehouse_schema(
        operation_id="warehouse_discrepancy_report",
        summary="Discrepancies found in shops' shipments, by shop and period",
        description=(
            "Filter by the date they were recorded (`start`, `end`), the shop's code (`store`) and `kind`. "
            "`?format=csv` (or `Accept: text/csv`) answers the whole selection as CSV."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
            OpenApiParameter("store", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, enum=DiscrepancyKind.values
            ),
            WAREHOUSE_PARAMETER,
        ],
        response=DiscrepancySerializer(many=True),
        errors=(400, 401, 403, 404),
    )
    def get(self, request: Request) -> Response | HttpResponse:
        # A plain dict: an empty value is then refused like any bad one, not taken for a missing one.
        filters = validated(self.FilterSerializer, request.query_params.dict())
        queryset = selectors.discrepancies_report(warehouses=warehouses_from(request), **filters)
        if request.accepted_renderer.format == "csv":
            return discrepancies_csv_response(discrepancies=queryset)
        return paginated(self, request, queryset, serializer_class=DiscrepancySerializer)
