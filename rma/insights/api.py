"""Insights API: the footprint report's figures as JSON (the page and its CSV: rma.insights.views)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.permissions import error_responses, request_user, role_permission
from rma.core.exceptions import UnknownReference
from rma.insights.analytics import Scope, filters_from
from rma.insights.footprint import FootprintFigures, footprint_report
from rma.insights.forms import AnalyticsFilterForm, ReportFilterForm
from rma.locations.choices import DropOffMethod
from rma.orders.choices import Category

ReportReaderRoles = role_permission(roles.AGENT, roles.INTEGRATION, roles.STORE_STAFF, roles.WAREHOUSE_STAFF)


class FiguresSerializer(serializers.Serializer):
    returns = serializers.IntegerField()
    grams_co2e = serializers.IntegerField(help_text="The estimates added up.")
    baseline_grams_co2e = serializers.IntegerField(help_text="The same parcels, had all been collected at home.")
    saved_grams_co2e = serializers.IntegerField(help_text="baseline - estimate (negative: more than the baseline).")
    greener = serializers.IntegerField(help_text="Returns estimated below their home-pickup baseline.")
    greener_share = serializers.FloatField()
    walked = serializers.IntegerField(help_text="Returns dropped off within walking distance.")


class MonthFiguresSerializer(FiguresSerializer):
    month = serializers.CharField(help_text="YYYY-MM, in the site's time zone.")


class MethodFiguresSerializer(FiguresSerializer):
    method = serializers.ChoiceField(choices=DropOffMethod.choices)


class FootprintReportSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    total = FiguresSerializer()
    by_month = MonthFiguresSerializer(many=True)
    by_method = MethodFiguresSerializer(many=True)
    factor_sets = serializers.ListField(child=serializers.CharField())
    sources = serializers.ListField(child=serializers.CharField())


def _figures(figures: FootprintFigures, **key: str) -> dict[str, Any]:
    return {
        **key,
        "returns": figures.returns,
        "grams_co2e": figures.grams,
        "baseline_grams_co2e": figures.baseline_g,
        "saved_grams_co2e": figures.saved_g,
        "greener": figures.greener,
        "greener_share": round(figures.greener_share, 4),
        "walked": figures.walked,
    }


def filters_validate(request: Request, form_class: type[ReportFilterForm]) -> dict[str, Any]:
    """The report's filters from the query, or a 400 (a bad or empty value) or a 404 (a site not the caller's)."""
    user = request_user(request)
    names = list(form_class.base_fields)
    # A filter given empty is refused like any bad value, not taken for one left out.
    blank = [name for name in names if name in request.query_params and not request.query_params[name].strip()]
    if blank:
        raise ValidationError({name: [_("This field may not be blank.")] for name in blank})
    form = form_class(request.query_params.dict(), user=user)
    if not form.is_valid():
        unknown = {
            name: [str(error.message) % (error.params or {}) for error in errors]
            for name, errors in form.errors.as_data().items()
            if name in ("store", "warehouse") and any(error.code == "invalid_choice" for error in errors)
        }
        if unknown:  # a code that is none of the caller's sites: as unknown as a code that does not exist
            raise UnknownReference(_("Unknown shop or warehouse."), extra=unknown)
        raise ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): [str(error) for error in errors]
                for name, errors in form.errors.items()
            }
        )
    return form.cleaned_data


def date_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False, description=description)


def code_parameter(name: str, description: str) -> OpenApiParameter:
    schema = {"type": "string", "minLength": 1, "maxLength": 16}
    return OpenApiParameter(name, schema, OpenApiParameter.QUERY, required=False, description=description)


class FootprintReportApi(APIView):
    permission_classes = [ReportReaderRoles]

    @extend_schema(
        operation_id="insights_footprint",
        summary="Carbon footprint of returns over a period",
        description=(
            "The carbon estimates stored when each return was created, added up by month and by drop-off method, "
            "against the same parcels all collected at home. Returns that sent nothing back (draft, rejected, "
            "cancelled, expired) are left out. Shop and warehouse staff see their sites' returns only."
        ),
        tags=["insights"],
        parameters=[
            date_parameter("start", "First day (default: the first day of the month eleven months ago)."),
            date_parameter("end", "Last day, included (default: today)."),
            OpenApiParameter(
                "category",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=Category.values,
                description="The returns whose first line is of this category only.",
            ),
            code_parameter("store", "A shop's code: its returns only (404 when it is not one of yours)."),
            code_parameter(
                "warehouse", "A warehouse's code: the returns sent there only (404 when it is not one of yours)."
            ),
        ],
        responses={200: FootprintReportSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        data = filters_validate(request, AnalyticsFilterForm)
        report = footprint_report(scope=Scope.of(user), filters=filters_from(data))
        body = {
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
            "total": _figures(report.total),
            "by_month": [_figures(figures, month=month.strftime("%Y-%m")) for month, figures in report.months],
            "by_method": [_figures(figures, method=method) for method, figures in report.methods],
            "factor_sets": report.versions,
            "sources": list(settings.RMA_CARBON_FACTORS_SOURCES),
        }
        return Response(body)
