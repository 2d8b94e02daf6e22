"""Warehouse API: scan a parcel, a return or a shop's carton."""

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import StrictCharField
from rma.core.api.permissions import request_user
from rma.warehouse.api.common import WarehouseRoles, validated, warehouse_for_scan, warehouse_schema
from rma.warehouse.api.serializers import (
    InboundCartonSerializer,
    InboundShipmentSerializer,
    ReturnSummarySerializer,
    UnexpectedParcelSerializer,
)
from rma.warehouse.services import arrival_register


class WarehouseScanApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        code = StrictCharField(max_length=200, help_text="What the scanner read: tracking or RMA number.")
        warehouse = StrictCharField(
            max_length=16,
            required=False,
            default="",
            allow_blank=True,
            help_text="Where it was scanned (needed if you have several).",
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

    @warehouse_schema(
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
        errors=(400, 401, 403, 404),
    )
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        warehouse = warehouse_for_scan(request, data["warehouse"])
        result = arrival_register(code=data["code"], warehouse=warehouse, actor=request_user(request))
        return Response(self.OutputSerializer(result).data)
