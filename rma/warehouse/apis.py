"""Warehouse API: scan, expected list, inspect a unit, confirm its disposition, release the refund, reports.

Same permissions as the pages: warehouse operators (and superusers) only, each within their warehouses.
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import error_response, error_responses, role_permission
from rma.core.exceptions import DomainError
from rma.locations.models import Warehouse
from rma.returns.models import ReturnRequest
from rma.warehouse import selectors
from rma.warehouse.choices import Derogation, DispositionKind, UnitCondition
from rma.warehouse.models import Disposition, Grade, Inspection, UnexpectedParcel
from rma.warehouse.services import (
    arrival_register,
    disposition_confirm,
    disposition_suggest,
    inspection_record,
    refund_compute,
    refund_release,
    return_request_find_by_code,
    unexpected_parcel_match,
)

WarehouseRoles = role_permission(roles.WAREHOUSE_STAFF)

PUBLIC_ID_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The return's public id."
)
WAREHOUSE_PARAMETER = OpenApiParameter(
    "warehouse",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="A warehouse code, to narrow the list to one of your warehouses.",
)


def _warehouses(request: Request) -> list[Warehouse]:
    """The caller's warehouses, narrowed to ?warehouse=<code> when given."""
    warehouses = list(selectors.warehouses_for_user(user=request.user))
    code = request.query_params.get("warehouse")
    if code:
        warehouses = [w for w in warehouses if w.code == code]
        if not warehouses:
            raise Http404
    return warehouses


def _warehouse_for_scan(request: Request, code: str) -> Warehouse:
    warehouses = list(selectors.warehouses_for_user(user=request.user))
    if code:
        for warehouse in warehouses:
            if warehouse.code == code:
                return warehouse
        raise ValidationError({"warehouse": [_("Not one of your warehouses.")]})
    if len(warehouses) == 1:
        return warehouses[0]
    if not warehouses:
        raise DomainError(_("You are not assigned to any warehouse."), code="no_warehouse")
    raise ValidationError({"warehouse": [_("You work in several warehouses: say which one (its code).")]})


def _unit_or_404(return_request: ReturnRequest, line_id: int, unit: int) -> selectors.Unit:
    return selectors.unit_get(return_request=return_request, line_id=line_id, unit_index=unit - 1)


# ---- shared output shapes


class ReturnSummarySerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    rma_number = serializers.CharField()
    status = serializers.CharField()
    resolution = serializers.CharField()
    order_number = serializers.CharField(source="order.number")
    destination_warehouse = serializers.CharField(source="destination_warehouse.code", default=None)


class UnexpectedParcelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    warehouse = serializers.CharField(source="warehouse.code")
    scanned_code = serializers.CharField()
    reason = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    matched_return = serializers.CharField(source="matched_return.rma_number", default=None)


class GradeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    recovery_percent = serializers.IntegerField()
    deducts = serializers.BooleanField()


class DispositionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    suggested_kind = serializers.CharField()
    rule = serializers.IntegerField(source="rule.position", default=None)
    overridden = serializers.BooleanField()
    override_reason = serializers.CharField()
    derogation = serializers.CharField()
    derogation_note = serializers.CharField()
    confirmed_by = serializers.CharField(source="confirmed_by.username", default=None)
    confirmed_at = serializers.DateTimeField()


class InspectionSerializer(serializers.Serializer):
    condition = serializers.CharField()
    grade = serializers.CharField(source="grade.code", default=None)
    checklist = serializers.DictField(child=serializers.BooleanField())
    notes = serializers.CharField()
    serial_number = serializers.CharField()
    photos = serializers.SerializerMethodField()
    inspected_by = serializers.CharField(source="inspected_by.username", default=None)
    inspected_at = serializers.DateTimeField()

    def get_photos(self, inspection: Inspection) -> list[str]:
        return [photo.image.url for photo in inspection.photos.all()]


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rule = serializers.IntegerField(source="rule.position", default=None)


class UnitSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(source="line.pk")
    unit = serializers.IntegerField(source="number")
    sku = serializers.CharField(source="line.order_line.sku")
    name = serializers.CharField(source="line.order_line.name")
    category = serializers.CharField(source="line.order_line.category")
    has_serial_number = serializers.BooleanField(source="line.order_line.has_serial_number")
    reason = serializers.CharField(source="line.reason.code")
    inspection = InspectionSerializer(allow_null=True)
    disposition = DispositionSerializer(allow_null=True)
    suggestion = serializers.SerializerMethodField()

    def get_suggestion(self, unit: selectors.Unit) -> dict[str, Any] | None:
        if not unit.needs_disposition:
            return None
        suggestion = disposition_suggest(inspection=unit.inspection, rules=self.context.get("rules"))
        return SuggestionSerializer(suggestion).data if suggestion.kind else None


class RefundComputationSerializer(serializers.Serializer):
    currency = serializers.CharField()
    method = serializers.CharField()
    gross = serializers.DecimalField(max_digits=10, decimal_places=2)
    deductions = serializers.DecimalField(max_digits=10, decimal_places=2)
    fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    accepted_units = serializers.IntegerField()
    complete = serializers.BooleanField()
    units = serializers.ListField(child=serializers.DictField())


class RefundSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField()
    idempotency_key = serializers.CharField()
    breakdown = serializers.JSONField()
    released_by = serializers.CharField(source="released_by.username", default=None)
    released_at = serializers.DateTimeField()


class ExchangeRequestSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    lines = serializers.JSONField()
    idempotency_key = serializers.CharField()
    requested_at = serializers.DateTimeField()


def _return_detail(return_request: ReturnRequest) -> dict[str, Any]:
    return_request.refresh_from_db()
    units = selectors.return_units(return_request=return_request)
    return WarehouseReturnDetailApi.OutputSerializer(
        {
            "return_request": return_request,
            "units": units,
            "refund_preview": refund_compute(return_request=return_request),
        },
        context={"rules": selectors.disposition_rules_active()},
    ).data


# ---- scan


class WarehouseScanApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=200, help_text="What the scanner read: tracking or RMA number.")
        warehouse = serializers.CharField(
            max_length=16, required=False, default="", help_text="Where it was scanned (needed if you have several)."
        )

    class OutputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=["received", "already_received", "unexpected"])
        message = serializers.CharField()
        return_request = ReturnSummarySerializer(allow_null=True, default=None)
        unexpected_parcel = UnexpectedParcelSerializer(allow_null=True, source="parcel", default=None)

    @extend_schema(
        operation_id="warehouse_scan",
        summary="Scan a parcel at a warehouse",
        description=(
            "A return's tracking number or RMA number receives it (a second scan answers `already_received` and "
            "receives nothing). Any other code opens an unexpected-parcel record (one per code)."
        ),
        tags=["warehouse"],
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        warehouse = _warehouse_for_scan(request, data["warehouse"])
        result = arrival_register(code=data["code"], warehouse=warehouse, actor=request.user)
        return Response(self.OutputSerializer(result).data)


# ---- boards


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

    @extend_schema(
        operation_id="warehouse_expected_list",
        summary="Returns expected at your warehouses",
        description="In transit, or approved and heading here; oldest first, with age and a late flag.",
        tags=["warehouse"],
        parameters=[WAREHOUSE_PARAMETER],
        responses={200: OutputSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.returns_expected(warehouses=_warehouses(request)), request, self)
        rows = [selectors.expected_row(return_request=return_request) for return_request in page]
        return paginator.get_paginated_response(self.OutputSerializer(rows, many=True).data)


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

    @extend_schema(
        operation_id="warehouse_awaiting_refund_list",
        summary="Received returns waiting for inspection or refund",
        description="With the legal refund deadline (14 days from receipt, EU) and flags when it is close or past.",
        tags=["warehouse"],
        parameters=[WAREHOUSE_PARAMETER],
        responses={200: OutputSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.returns_awaiting_refund(warehouses=_warehouses(request)), request, self
        )
        rows = [selectors.refund_due_row(return_request=return_request) for return_request in page]
        return paginator.get_paginated_response(self.OutputSerializer(rows, many=True).data)


# ---- one return and its units


class WarehouseReturnDetailApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        return_request = ReturnSummarySerializer()
        units = UnitSerializer(many=True)
        refund_preview = RefundComputationSerializer()

    @extend_schema(
        operation_id="warehouse_return_retrieve",
        summary="A return as the warehouse sees it",
        description="Every unit with its inspection, suggested or confirmed disposition, and the refund preview.",
        tags=["warehouse"],
        parameters=[PUBLIC_ID_PARAMETER],
        responses={200: OutputSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, public_id: str) -> Response:
        return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        return Response(_return_detail(return_request))


class WarehouseUnitInspectApi(APIView):
    permission_classes = [WarehouseRoles]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        line_id = serializers.IntegerField()
        unit = serializers.IntegerField(min_value=1, help_text="1 to the line's quantity.")
        condition = serializers.ChoiceField(choices=UnitCondition.choices, default=UnitCondition.RECEIVED)
        grade = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
        checklist = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
        notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        serial_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
        regrade = serializers.BooleanField(required=False, default=False)
        photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=6)

    class OutputSerializer(serializers.Serializer):
        unit = UnitSerializer()
        return_status = serializers.CharField()

    @extend_schema(
        operation_id="warehouse_unit_inspect",
        summary="Inspect one unit",
        description=(
            "Condition, grade (a code of the category's scale), checklist, serial number (required where the "
            "product has one), notes and photos (multipart). A unit is inspected once: 409 names who did it, "
            "unless `regrade` is true and its disposition is not confirmed yet."
        ),
        tags=["warehouse"],
        parameters=[PUBLIC_ID_PARAMETER],
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        responses={200: OutputSerializer, 409: error_response(409), **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        data_in = request.data
        if hasattr(data_in, "getlist"):  # multipart: several files under one name
            data_in = {**data_in.dict(), "photos": data_in.getlist("photos")}
        serializer = self.InputSerializer(data=data_in)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = _unit_or_404(return_request, data["line_id"], data["unit"])
        grade = None
        if data["grade"]:
            scale = selectors.grade_scale_for(category=unit.line.order_line.category)
            grade = Grade.objects.filter(scale=scale, code=data["grade"]).first() if scale else None
            if grade is None:
                raise ValidationError({"grade": [_("Not a grade of this product's scale.")]})
        inspection_record(
            return_line=unit.line,
            unit_index=unit.index,
            actor=request.user,
            condition=data["condition"],
            grade=grade,
            checklist=data["checklist"],
            notes=data["notes"],
            serial_number=data["serial_number"],
            photos=data["photos"],
            regrade=data["regrade"],
        )
        unit = _unit_or_404(return_request, data["line_id"], data["unit"])
        return_request.refresh_from_db(fields=["status"])
        return Response(
            self.OutputSerializer(
                {"unit": unit, "return_status": return_request.status},
                context={"rules": selectors.disposition_rules_active()},
            ).data
        )


class WarehouseUnitDispositionConfirmApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        line_id = serializers.IntegerField()
        unit = serializers.IntegerField(min_value=1)
        kind = serializers.ChoiceField(
            choices=DispositionKind.choices, required=False, allow_blank=True, default="",
            help_text="Leave out to accept the suggestion.",
        )  # fmt: skip
        override_reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
        derogation = serializers.ChoiceField(choices=Derogation.choices, required=False, allow_blank=True, default="")
        derogation_note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        disposition = DispositionSerializer()
        return_status = serializers.CharField()

    @extend_schema(
        operation_id="warehouse_unit_disposition_confirm",
        summary="Confirm or override a unit's disposition",
        description=(
            "Without `kind` (or with the suggested one) the rules' suggestion is confirmed; another kind needs "
            "`override_reason`. `destroy` needs a legal `derogation` (AGEC, ESPR art. 25). The last unit moves "
            "the return to `inspected`."
        ),
        tags=["warehouse"],
        parameters=[PUBLIC_ID_PARAMETER],
        request=InputSerializer,
        responses={200: OutputSerializer, 409: error_response(409), **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = _unit_or_404(return_request, data["line_id"], data["unit"])
        if unit.inspection is None:
            raise DomainError(_("Inspect this unit first."), code="not_inspected")
        disposition: Disposition = disposition_confirm(
            inspection=unit.inspection,
            actor=request.user,
            kind=data["kind"],
            override_reason=data["override_reason"],
            derogation=data["derogation"],
            derogation_note=data["derogation_note"],
        )
        return_request.refresh_from_db(fields=["status"])
        return Response(
            self.OutputSerializer({"disposition": disposition, "return_status": return_request.status}).data
        )


class WarehouseRefundReleaseApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=["refunded", "exchanged", "closed"])
        message = serializers.CharField()
        refund = RefundSerializer(allow_null=True)
        exchange_request = ExchangeRequestSerializer(allow_null=True)

    @extend_schema(
        operation_id="warehouse_refund_release",
        summary="Release the refund of an inspected return",
        description=(
            "Writes the refund and an outbox message to the shop (idempotency key `refund:<public_id>`) and moves "
            "the return to `refunded`; exchanges get an exchange request and move to `exchanged`. Never twice: a "
            "second call answers 409 `refund_already_released`."
        ),
        tags=["warehouse"],
        parameters=[PUBLIC_ID_PARAMETER],
        request=None,
        responses={200: OutputSerializer, 409: error_response(409), **error_responses(401, 403, 404)},
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        result = refund_release(return_request=return_request, actor=request.user)
        return Response(self.OutputSerializer(result).data)


# ---- unexpected parcels


class WarehouseUnexpectedParcelListApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = CursorPagination

    @extend_schema(
        operation_id="warehouse_unexpected_parcel_list",
        summary="Unexpected parcels not matched yet",
        tags=["warehouse"],
        parameters=[WAREHOUSE_PARAMETER],
        responses={200: UnexpectedParcelSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.unexpected_parcels_open(warehouses=_warehouses(request)), request, self
        )
        return paginator.get_paginated_response(UnexpectedParcelSerializer(page, many=True).data)


class WarehouseUnexpectedParcelMatchApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=200, help_text="The return's RMA or tracking number.")
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="warehouse_unexpected_parcel_match",
        summary="Match an unexpected parcel to a return, and receive it",
        tags=["warehouse"],
        request=InputSerializer,
        responses={200: UnexpectedParcelSerializer, 409: error_response(409), **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        parcel = selectors.unexpected_parcel_get_for_warehouse(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = return_request_find_by_code(code=serializer.validated_data["code"])
        if found is None or not selectors.returns_in_scope(user=request.user).filter(pk=found.pk).exists():
            raise ValidationError({"code": [_("No return in your warehouses has this code.")]})
        unexpected_parcel_match(
            parcel=parcel, return_request=found, actor=request.user, note=serializer.validated_data["note"]
        )
        return Response(UnexpectedParcelSerializer(UnexpectedParcel.objects.get(pk=parcel.pk)).data)


# ---- reports


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

    @extend_schema(
        operation_id="warehouse_destroyed_units_report",
        summary="Destroyed units, with their legal derogation",
        description="For the annual disclosure of discarded unsold products (EU ESPR art. 24) and AGEC reporting.",
        tags=["warehouse"],
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=False),
            WAREHOUSE_PARAMETER,
        ],
        responses={200: OutputSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.destroyed_units(warehouses=_warehouses(request), **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
