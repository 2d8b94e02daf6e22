"""Warehouse API: one return and its units (inspect, confirm the disposition), and its refund."""

from typing import Any
from uuid import UUID

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import FormData, StrictBooleanField, StrictCharField, StrictChoiceField, StrictIntegerField
from rma.core.api.permissions import request_user
from rma.core.exceptions import Conflict
from rma.core.http import found_or_404
from rma.returns.models import ReturnRequest
from rma.warehouse import selectors
from rma.warehouse.api.common import (
    PUBLIC_ID_PARAMETER,
    WarehouseRoles,
    unit_or_404,
    validated,
    warehouse_schema,
)
from rma.warehouse.api.serializers import (
    DispositionSerializer,
    ExchangeRequestSerializer,
    RefundComputationSerializer,
    RefundSerializer,
    ReturnSummarySerializer,
    UnitSerializer,
)
from rma.warehouse.choices import Derogation, DispositionKind, UnitCondition
from rma.warehouse.models import Disposition, Grade
from rma.warehouse.services import disposition_confirm, inspection_record, refund_compute, refund_release


def _return_detail(return_request: ReturnRequest) -> dict[str, Any]:
    units = selectors.return_units(return_request=return_request)
    return WarehouseReturnDetailApi.OutputSerializer(
        {
            "return_request": return_request,
            "units": units,
            "refund_preview": refund_compute(return_request=return_request),
        },
        context={"rules": selectors.disposition_rules_active()},
    ).data


class WarehouseReturnDetailApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        return_request = ReturnSummarySerializer()
        units = UnitSerializer(many=True)
        refund_preview = RefundComputationSerializer()

    @warehouse_schema(
        operation_id="warehouse_return_retrieve",
        summary="A return as the warehouse sees it",
        description="Every unit with its inspection, suggested or confirmed disposition, and the refund preview.",
        parameters=[PUBLIC_ID_PARAMETER],
        response=OutputSerializer,
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        return_request = found_or_404(
            selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        )
        return Response(_return_detail(return_request))


class WarehouseUnitInspectApi(APIView):
    permission_classes = [WarehouseRoles]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        line_id = StrictIntegerField()
        unit = StrictIntegerField(min_value=1, help_text="1 to the line's quantity.")
        condition = StrictChoiceField(choices=UnitCondition.choices, default=UnitCondition.RECEIVED)
        grade = StrictCharField(max_length=8, required=False, allow_blank=True, default="")
        checklist = serializers.DictField(child=StrictBooleanField(), required=False, default=dict)
        notes = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
        serial_number = StrictCharField(max_length=64, required=False, allow_blank=True, default="")
        regrade = StrictBooleanField(required=False, default=False)
        photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=6)

    class OutputSerializer(serializers.Serializer):
        unit = UnitSerializer()
        return_status = serializers.CharField()

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID) -> Response:
        return_request = found_or_404(
            selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        )
        data_in = request.data
        if isinstance(data_in, QueryDict):  # multipart: several files under one name
            data_in = FormData({**data_in.dict(), "photos": data_in.getlist("photos")})
        data = validated(self.InputSerializer, data_in)
        unit = unit_or_404(return_request, data["line_id"], data["unit"])
        grade = None
        if data["grade"]:
            scale = selectors.grade_scale_for(category=unit.line.order_line.category)
            grade = Grade.objects.filter(scale=scale, code=data["grade"]).first() if scale else None
            if grade is None:
                raise ValidationError({"grade": [_("Not a grade of this product's scale.")]})
        inspection_record(
            return_line=unit.line,
            unit_index=unit.index,
            actor=request_user(request),
            condition=data["condition"],
            grade=grade,
            checklist=data["checklist"],
            notes=data["notes"],
            serial_number=data["serial_number"],
            photos=data["photos"],
            regrade=data["regrade"],
        )
        unit = unit_or_404(return_request, data["line_id"], data["unit"])
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
        line_id = StrictIntegerField()
        unit = StrictIntegerField(min_value=1)
        kind = StrictChoiceField(
            choices=DispositionKind.choices, required=False, allow_blank=True, default="",
            help_text="Leave out to accept the suggestion.",
        )  # fmt: skip
        override_reason = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")
        derogation = StrictChoiceField(choices=Derogation.choices, required=False, allow_blank=True, default="")
        derogation_note = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        disposition = DispositionSerializer()
        return_status = serializers.CharField()

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID) -> Response:
        return_request = found_or_404(
            selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        )
        data = validated(self.InputSerializer, request.data)
        unit = unit_or_404(return_request, data["line_id"], data["unit"])
        if unit.inspection is None:
            raise Conflict(_("Inspect this unit first."), code="not_inspected")
        disposition: Disposition = disposition_confirm(
            inspection=unit.inspection,
            actor=request_user(request),
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

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID) -> Response:
        return_request = found_or_404(
            selectors.return_request_get_for_warehouse(user=request.user, public_id=public_id)
        )
        result = refund_release(return_request=return_request, actor=request_user(request))
        return Response(self.OutputSerializer(result).data)
