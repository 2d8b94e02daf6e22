"""Warehouse API: scan, expected lists, shops' shipments carton by carton, inspect a unit, confirm its disposition,
release the refund, reports.

Same permissions as the pages: warehouse operators (and superusers) only, each within their warehouses.
"""

import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import error_responses, role_permission
from rma.core.exceptions import Conflict, DomainError
from rma.core.staff import site_for_operation
from rma.locations.models import Warehouse
from rma.returns.models import ReturnRequest
from rma.shipping.models import Shipment, ShipmentStatus
from rma.warehouse import selectors
from rma.warehouse.choices import Derogation, DiscrepancyKind, DispositionKind, UnitCondition
from rma.warehouse.models import Disposition, Grade, Inspection, UnexpectedParcel
from rma.warehouse.reports import discrepancies_csv_response
from rma.warehouse.services import (
    arrival_register,
    carton_count_add,
    carton_count_finish,
    carton_count_remove,
    carton_receive,
    disposition_confirm,
    disposition_suggest,
    inspection_record,
    refund_compute,
    refund_release,
    return_request_find_by_code,
    shipment_received_message,
    shipment_receiving_finish,
    unexpected_parcel_match,
)

WarehouseRoles = role_permission(roles.WAREHOUSE_STAFF)


def _schema(*, response: Any, errors: tuple[int, ...], status: Any = 200, **kwargs: Any) -> Any:
    """extend_schema for one warehouse operation: its tag, `response` on `status`, then the API's error shape for each
    code in `errors`."""
    return extend_schema(tags=["warehouse"], responses={status: response, **error_responses(*errors)}, **kwargs)


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
    return site_for_operation(
        sites=list(selectors.warehouses_for_user(user=request.user)),
        code=code,
        field="warehouse",
        not_yours=_("Not one of your warehouses."),
        no_site=_("You are not assigned to any warehouse."),
        no_site_code="no_warehouse",
        several=_("You work in several warehouses: say which one (its code)."),
    )


SHIPMENT_PUBLIC_ID_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The shipment's public id."
)
POSITION_PARAMETER = OpenApiParameter(
    "position", OpenApiTypes.INT, OpenApiParameter.PATH, description="The carton's position in its shipment (1, 2…)."
)


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> Any:
    """`data` validated by `serializer_class` (400 with the field errors otherwise)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _page(
    view: Any,
    request: Request,
    queryset: Any,
    row: Callable[[Any], Any] | None = None,
    serializer_class: type[serializers.Serializer] | None = None,
) -> Response:
    """One page of `queryset` (each item made a row by `row`), serialized by the view's OutputSerializer."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view)
    rows = [row(item) for item in page] if row else page
    serializer_class = serializer_class or view.OutputSerializer
    return paginator.get_paginated_response(serializer_class(rows, many=True).data)


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


class InboundShipmentSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=ShipmentStatus.choices)
    store = serializers.CharField(source="store.code")
    store_name = serializers.CharField(source="store.name")
    warehouse = serializers.CharField(source="warehouse.code")
    closed_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)


class InboundCartonSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    barcode = serializers.CharField()
    tracking_number = serializers.CharField(allow_null=True)


class DiscrepancySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shipment = serializers.CharField(source="shipment.number")
    store = serializers.CharField(source="shipment.store.code")
    warehouse = serializers.CharField(source="warehouse.code")
    carton = serializers.CharField(source="carton.barcode", default=None)
    kind = serializers.ChoiceField(choices=DiscrepancyKind.choices)
    sku = serializers.CharField()
    announced_sku = serializers.CharField(source="expected_sku")
    rma_number = serializers.CharField()
    announced_carton = serializers.CharField()
    announced_quantity = serializers.IntegerField(source="expected_quantity")
    found_quantity = serializers.IntegerField()
    quantity = serializers.IntegerField(help_text="Units concerned.")
    description = serializers.CharField(help_text="What was found, in the request's language.")
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", default=None)


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
        outcome = serializers.ChoiceField(
            choices=[
                "received",
                "already_received",
                "unexpected",
                "carton_received",
                "carton_already_received",
                "shipment",
            ]
        )
        message = serializers.CharField()
        return_request = ReturnSummarySerializer(allow_null=True, default=None)
        unexpected_parcel = UnexpectedParcelSerializer(allow_null=True, source="parcel", default=None)
        shipment = InboundShipmentSerializer(allow_null=True, default=None)
        carton = InboundCartonSerializer(allow_null=True, default=None)

    @_schema(
        operation_id="warehouse_scan",
        summary="Scan a parcel, a carton or a shipment at a warehouse",
        description=(
            "A return's tracking number or RMA number receives it (a second scan answers `already_received` and "
            "receives nothing). A shop's carton label (barcode or carrier tracking number) receives that carton "
            "(`carton_received`, then `carton_already_received`); a shipment number answers `shipment`. Any other "
            "code opens an unexpected-parcel record (one per code)."
        ),
        request=InputSerializer,
        response=OutputSerializer,
        errors=(400, 401, 403),
    )
    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.data)
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

    @_schema(
        operation_id="warehouse_expected_list",
        summary="Returns expected at your warehouses",
        description="In transit, or approved and heading here; oldest first, with age and a late flag.",
        parameters=[WAREHOUSE_PARAMETER],
        response=OutputSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.returns_expected(warehouses=_warehouses(request))
        return _page(self, request, queryset, lambda r: selectors.expected_row(return_request=r))


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

    @_schema(
        operation_id="warehouse_awaiting_refund_list",
        summary="Received returns waiting for inspection or refund",
        description="With the legal refund deadline (14 days from receipt, EU) and flags when it is close or past.",
        parameters=[WAREHOUSE_PARAMETER],
        response=OutputSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.returns_awaiting_refund(warehouses=_warehouses(request))
        return _page(self, request, queryset, lambda r: selectors.refund_due_row(return_request=r))


# ---- one return and its units


class WarehouseReturnDetailApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        return_request = ReturnSummarySerializer()
        units = UnitSerializer(many=True)
        refund_preview = RefundComputationSerializer()

    @_schema(
        operation_id="warehouse_return_retrieve",
        summary="A return as the warehouse sees it",
        description="Every unit with its inspection, suggested or confirmed disposition, and the refund preview.",
        parameters=[PUBLIC_ID_PARAMETER],
        response=OutputSerializer,
        errors=(401, 403, 404),
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

    @_schema(
        operation_id="warehouse_unit_inspect",
        summary="Inspect one unit",
        description=(
            "Condition, grade (a code of the category's scale), checklist, serial number (required where the "
            "product has one), notes and photos (multipart). A unit is inspected once: 409 names who did it, "
            "unless `regrade` is true and its disposition is not confirmed yet."
        ),
        parameters=[PUBLIC_ID_PARAMETER],
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        response=OutputSerializer,
        errors=(409, 400, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        data_in = request.data
        if hasattr(data_in, "getlist"):  # multipart: several files under one name
            data_in = {**data_in.dict(), "photos": data_in.getlist("photos")}
        data = _validated(self.InputSerializer, data_in)
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

    @_schema(
        operation_id="warehouse_unit_disposition_confirm",
        summary="Confirm or override a unit's disposition",
        description=(
            "Without `kind` (or with the suggested one) the rules' suggestion is confirmed; another kind needs "
            "`override_reason`. `destroy` needs a legal `derogation` (AGEC, ESPR art. 25). The last unit moves "
            "the return to `inspected`."
        ),
        parameters=[PUBLIC_ID_PARAMETER],
        request=InputSerializer,
        response=OutputSerializer,
        errors=(409, 400, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        data = _validated(self.InputSerializer, request.data)
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

    @_schema(
        operation_id="warehouse_refund_release",
        summary="Release the refund of an inspected return",
        description=(
            "Writes the refund and an outbox message to the shop (idempotency key `refund:<public_id>`) and moves "
            "the return to `refunded`; exchanges get an exchange request and move to `exchanged`. Never twice: a "
            "second call answers 409 `refund_already_released`."
        ),
        parameters=[PUBLIC_ID_PARAMETER],
        request=None,
        response=OutputSerializer,
        errors=(409, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        result = refund_release(return_request=return_request, actor=request.user)
        return Response(self.OutputSerializer(result).data)


# ---- unexpected parcels


class WarehouseUnexpectedParcelListApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = CursorPagination

    @_schema(
        operation_id="warehouse_unexpected_parcel_list",
        summary="Unexpected parcels not matched yet",
        parameters=[WAREHOUSE_PARAMETER],
        response=UnexpectedParcelSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.unexpected_parcels_open(warehouses=_warehouses(request))
        return _page(self, request, queryset, serializer_class=UnexpectedParcelSerializer)


class WarehouseUnexpectedParcelMatchApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=200, help_text="The return's RMA or tracking number.")
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @_schema(
        operation_id="warehouse_unexpected_parcel_match",
        summary="Match an unexpected parcel to a return, and receive it",
        request=InputSerializer,
        response=UnexpectedParcelSerializer,
        errors=(409, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        parcel = selectors.unexpected_parcel_get_for_warehouse(user=request.user, pk=pk)
        data = _validated(self.InputSerializer, request.data)
        found = return_request_find_by_code(code=data["code"])
        if found is None or not selectors.returns_in_scope(user=request.user).filter(pk=found.pk).exists():
            raise ValidationError({"code": [_("No return in your warehouses has this code.")]})
        unexpected_parcel_match(parcel=parcel, return_request=found, actor=request.user, note=data["note"])
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

    @_schema(
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
        filters = _validated(self.FilterSerializer, request.query_params)
        return _page(self, request, selectors.destroyed_units(warehouses=_warehouses(request), **filters))


# ---- shops' shipments, carton by carton


def _shipment_or_404(request: Request, public_id: str) -> tuple[Shipment, selectors.ShipmentReceiving]:
    shipment = selectors.shipment_get_for_warehouse(user=request.user, public_id=public_id)
    return shipment, selectors.shipment_receiving(shipment=shipment)


def _carton_or_404(
    request: Request, public_id: str, position: int
) -> tuple[Shipment, selectors.ShipmentReceiving, selectors.CartonView]:
    shipment, receiving = _shipment_or_404(request, public_id)
    return shipment, receiving, receiving.carton(position)


def _receiving_reloaded(shipment: Shipment) -> selectors.ShipmentReceiving:
    """The shipment's receiving read afresh, after a service changed it."""
    return selectors.shipment_receiving(
        shipment=Shipment.objects.select_related("store", "warehouse").get(pk=shipment.pk)
    )


def _receipt_of(view: selectors.CartonView) -> Any:
    if view.receipt is None:
        raise Conflict(
            _("Carton %(carton)s was not received yet.") % {"carton": view.carton.barcode}, code="carton_not_received"
        )
    return view.receipt


class CountLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["return", "sku"])
    code = serializers.CharField(help_text="The RMA number or the SKU.")
    name = serializers.CharField()
    announced = serializers.IntegerField()
    counted = serializers.IntegerField()
    damaged = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["ok", "short", "over", "extra"])


class CountEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    rma_number = serializers.CharField(source="return_request.rma_number", default="")
    quantity = serializers.IntegerField()
    damaged = serializers.BooleanField()
    counted_by = serializers.CharField(source="counted_by.username", default=None)
    counted_at = serializers.DateTimeField(source="created_at")


class CartonViewSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="carton.position")
    barcode = serializers.CharField(source="carton.barcode")
    tracking_number = serializers.CharField(source="carton.tracking_number", allow_null=True)
    state = serializers.ChoiceField(choices=["waiting", "counting", "counted"])
    announced_units = serializers.IntegerField(source="announced.units")
    counted_units = serializers.IntegerField()
    received_at = serializers.DateTimeField(source="receipt.received_at", default=None)
    received_by = serializers.CharField(source="receipt.received_by.username", default=None)
    counted_at = serializers.DateTimeField(source="receipt.counted_at", default=None)
    counted_by = serializers.CharField(source="receipt.counted_by.username", default=None)
    lines = CountLineSerializer(many=True)
    counts = CountEntrySerializer(source="entries", many=True)


class ShipmentReceivingSerializer(serializers.Serializer):
    shipment = InboundShipmentSerializer()
    received_cartons = serializers.IntegerField(source="received_count")
    counted_cartons = serializers.IntegerField(source="counted_count")
    cartons = CartonViewSerializer(many=True)
    discrepancies = DiscrepancySerializer(many=True)


class ExpectedShipmentPagination(CursorPagination):
    ordering = ("since", "id")


class WarehouseShipmentExpectedListApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = ExpectedShipmentPagination

    class OutputSerializer(serializers.Serializer):
        shipment = InboundShipmentSerializer()
        since = serializers.DateTimeField(help_text="Dispatched at, or closed at when not dispatched yet.")
        age_days = serializers.IntegerField()
        late = serializers.BooleanField(help_text="Dispatched longer ago than the warehouse allows.")
        carton_count = serializers.IntegerField()
        received_count = serializers.IntegerField(help_text="Cartons received so far.")

    @_schema(
        operation_id="warehouse_shipment_expected_list",
        summary="Shops' shipments expected at your warehouses",
        description="Closed (announced) or dispatched, oldest first, with age, a late flag and cartons received.",
        parameters=[WAREHOUSE_PARAMETER],
        response=OutputSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.shipments_expected(warehouses=_warehouses(request))
        return _page(self, request, queryset, lambda shipment: selectors.expected_shipment_row(shipment=shipment))


class WarehouseShipmentDetailApi(APIView):
    permission_classes = [WarehouseRoles]

    @_schema(
        operation_id="warehouse_shipment_retrieve",
        summary="A shop's shipment as the warehouse sees it",
        description=(
            "Each carton with what was announced in it, its receipt, what was counted (row by row and entry by "
            "entry) and, once the shipment is received, the discrepancies."
        ),
        parameters=[SHIPMENT_PUBLIC_ID_PARAMETER],
        response=ShipmentReceivingSerializer,
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: str) -> Response:
        _shipment, receiving = _shipment_or_404(request, public_id)
        return Response(ShipmentReceivingSerializer(receiving).data)


class WarehouseCartonReceiveApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=["carton_received", "carton_already_received"])
        message = serializers.CharField()
        carton = CartonViewSerializer()

    @_schema(
        operation_id="warehouse_carton_receive",
        summary="Receive a carton of a shop's shipment",
        description=(
            "What scanning its label does. Once only: a second call answers `carton_already_received` with who "
            "received it and when."
        ),
        parameters=[SHIPMENT_PUBLIC_ID_PARAMETER, POSITION_PARAMETER],
        request=None,
        response=OutputSerializer,
        errors=(409, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str, position: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        result = carton_receive(carton=view.carton, warehouse=shipment.warehouse, actor=request.user)
        outcome = "carton_received" if result.created else "carton_already_received"
        carton = selectors.shipment_receiving(shipment=shipment).carton(position)
        return Response(self.OutputSerializer({"outcome": outcome, "message": result.message, "carton": carton}).data)


class WarehouseCartonCountApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(
            max_length=200, help_text='A return\'s label (RMA, tracking number or QR code), or a SKU ("3*SKU" works).'
        )
        quantity = serializers.IntegerField(min_value=1, max_value=9999, default=1, help_text="Units of the SKU.")
        damaged = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()
        count = CountEntrySerializer(source="entry")
        return_request = ReturnSummarySerializer(allow_null=True)
        received = serializers.BooleanField(help_text="The count received the return.")
        carton = CartonViewSerializer()

    @_schema(
        operation_id="warehouse_carton_count",
        summary="Count a return or units of a SKU in a received carton",
        description=(
            "A return is counted once per shipment and received on the spot (it goes on to inspection); a return "
            "not announced here is received too when it is expected at this warehouse. 409 when the carton's "
            "count was closed (by whom, when) or the return was already counted."
        ),
        parameters=[SHIPMENT_PUBLIC_ID_PARAMETER, POSITION_PARAMETER],
        request=InputSerializer,
        response=OutputSerializer,
        status=201,
        errors=(409, 400, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str, position: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        data = _validated(self.InputSerializer, request.data)
        result = carton_count_add(
            receipt=_receipt_of(view),
            code=data["code"],
            quantity=data["quantity"],
            damaged=data["damaged"],
            actor=request.user,
        )
        carton = selectors.shipment_receiving(shipment=shipment).carton(position)
        body = {
            "message": result.message,
            "entry": result.entry,
            "return_request": result.return_request,
            "received": result.received,
            "carton": carton,
        }
        return Response(self.OutputSerializer(body).data, status=201)


class WarehouseCartonCountRemoveApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()
        carton = CartonViewSerializer()

    @_schema(
        operation_id="warehouse_carton_count_remove",
        summary="Take back a mistaken count",
        description="While the carton is being counted. A return it received stays received.",
        parameters=[
            SHIPMENT_PUBLIC_ID_PARAMETER,
            POSITION_PARAMETER,
            OpenApiParameter("entry_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The count's id."),
        ],
        request=None,
        response=OutputSerializer,
        errors=(409, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str, position: int, entry_id: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        entry = next((entry for entry in view.entries if entry.pk == entry_id), None)
        if entry is None:
            raise Http404
        message = carton_count_remove(entry=entry, actor=request.user)
        carton = selectors.shipment_receiving(shipment=shipment).carton(position)
        return Response(self.OutputSerializer({"message": message, "carton": carton}).data)


class WarehouseCartonCountFinishApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()
        shipment_received = serializers.BooleanField(help_text="This was the last carton: the shipment is received.")
        receiving = ShipmentReceivingSerializer()

    @_schema(
        operation_id="warehouse_carton_count_finish",
        summary="Close a carton's count",
        description=(
            "The last carton of a shipment to be counted finishes the shipment: the discrepancies are recorded and "
            "the shop's shipment becomes `received` or `received_with_discrepancies`. 409 when someone else closed "
            "it first (by whom, when)."
        ),
        parameters=[SHIPMENT_PUBLIC_ID_PARAMETER, POSITION_PARAMETER],
        request=None,
        response=OutputSerializer,
        errors=(409, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str, position: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        result = carton_count_finish(receipt=_receipt_of(view), actor=request.user)
        body = {
            "message": result.message,
            "shipment_received": result.shipment_received,
            "receiving": _receiving_reloaded(shipment),
        }
        return Response(self.OutputSerializer(body).data)


class WarehouseShipmentReceivingFinishApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()
        receiving = ShipmentReceivingSerializer()

    @_schema(
        operation_id="warehouse_shipment_receiving_finish",
        summary="Finish receiving a shop's shipment, cartons missing included",
        description=(
            "Every received carton must be counted. Cartons not received are reported missing. The discrepancies "
            "go to the shop's shipment, which becomes `received` or `received_with_discrepancies`. 409 when it was "
            "already received."
        ),
        parameters=[SHIPMENT_PUBLIC_ID_PARAMETER],
        request=None,
        response=OutputSerializer,
        errors=(409, 400, 401, 403, 404),
    )
    def post(self, request: Request, public_id: str) -> Response:
        shipment, _receiving = _shipment_or_404(request, public_id)
        discrepancies = shipment_receiving_finish(shipment=shipment, actor=request.user)
        body = {
            "message": shipment_received_message(shipment=shipment, discrepancies=len(discrepancies)),
            "receiving": _receiving_reloaded(shipment),
        }
        return Response(self.OutputSerializer(body).data)


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
        kind = serializers.ChoiceField(choices=DiscrepancyKind.choices, required=False, allow_blank=True, default="")

    @_schema(
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
        filters = _validated(self.FilterSerializer, request.query_params)
        queryset = selectors.discrepancies_report(warehouses=_warehouses(request), **filters)
        if request.accepted_renderer.format == "csv":
            return discrepancies_csv_response(discrepancies=queryset)
        return _page(self, request, queryset, serializer_class=DiscrepancySerializer)
