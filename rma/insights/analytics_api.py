"""Insights API: the analytics sheets as JSON, the same figures and tables as the pages (rma.insights.sheets)."""

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.permissions import error_responses, request_user
from rma.insights.analytics import Scope, filters_from
from rma.insights.api import ReportReaderRoles, code_parameter, date_parameter, filters_validate
from rma.insights.forms import AnalyticsFilterForm
from rma.insights.refresh import refreshed_at
from rma.insights.sheets import SHEETS, plain
from rma.orders.choices import Category


class SheetSerializer(serializers.Serializer):
    sheet = serializers.ChoiceField(choices=list(SHEETS))
    start = serializers.DateField()
    end = serializers.DateField()
    refreshed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the workers last brought the daily roll-ups up to date."
    )
    figures = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="The headline figures: counts, amounts (strings with two decimals), shares (0-1), days.",
    )
    tables = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField(child=serializers.JSONField(allow_null=True))),
        help_text="Each table's rows, as the page shows them and its CSV gives them.",
    )
    notes = serializers.ListField(child=serializers.CharField(), help_text="Where the figures come from.")


class AnalyticsSheetApi(APIView):
    permission_classes = [ReportReaderRoles]

    @extend_schema(
        operation_id="insights_analytics",
        summary="Return analytics over a period",
        description=(
            "One of the analytics sheets: `rates` (units returned against units sold, by month, category, channel, "
            "shop, product and SKU), `reasons` (top reasons, their monthly trend, the outcome mix and the revenue "
            "kept), `refunds` (days from request to refund: median, 9 in 10, share within 14 days of receipt; cost "
            "per return; value recovered by disposition and grade) or `shipments` (shop shipments and the "
            "discrepancies found). Counts the returns requested in the period with what became of them since, read "
            "from daily roll-ups the workers keep up to date. Shop and warehouse staff see their sites' figures."
        ),
        tags=["insights"],
        parameters=[
            OpenApiParameter("sheet", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(SHEETS)),
            date_parameter("start", "First day (default: the first day of the month eleven months ago)."),
            date_parameter("end", "Last day, included (default: today)."),
            OpenApiParameter(
                "category", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, enum=Category.values
            ),
            code_parameter("store", "A shop's code: its figures only (404 when it is not one of yours)."),
            code_parameter("warehouse", "A warehouse's code: its figures only (404 when it is not one of yours)."),
        ],
        responses={200: SheetSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request, sheet: str) -> Response:
        if sheet not in SHEETS:
            raise Http404
        data = filters_validate(request, AnalyticsFilterForm)
        built = SHEETS[sheet](scope=Scope.of(request_user(request)), filters=filters_from(data))
        body: dict[str, Any] = {
            "sheet": sheet,
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
            "refreshed_at": refreshed_at(),
            "figures": {column.key: plain(value) for column, value in built.figures},
            "tables": {
                table.name: [{key: plain(value) for key, value in row.items()} for row in table.rows]
                for table in built.tables
            },
            "notes": [str(note) for note in built.notes],
        }
        return Response(body)
