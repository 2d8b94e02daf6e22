"""Warehouse API: shops' shipments, received carton by carton, counted, and finished."""

from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import StrictBooleanField, StrictCharField, StrictIntegerField
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import request_user
from rma.core.exceptions import Conflict
from rma.core.http import found_or_404
from rma.shipping.models import Shipment
from rma.warehouse import selectors
from rma.warehouse.api.common import (
    POSITION_PARAMETER,
    SHIPMENT_PUBLIC_ID_PARAMETER,
    WAREHOUSE_PARAMETER,
    WarehouseRoles,
    paginated,
    validated,
    warehouse_schema,
    warehouses_from,
)
from rma.warehouse.api.serializers import DiscrepancySerializer, InboundShipmentSerializer, ReturnSummarySerializer
from rma.warehouse.models import CartonReceipt
from rma.warehouse.services import (
    carton_count_add,
    carton_count_finish,
    carton_count_remove,
    carton_receive,
    shipment_received_message,
    shipment_receiving_finish,
)


def _shipment_or_404(request: Request, public_id: UUID) -> tuple[Shipment, selectors.ShipmentReceiving]:
    shipment = found_or_404(selectors.shipment_get_for_warehouse(user=request.user, public_id=public_id))
    return shipment, selectors.shipment_receiving(shipment=shipment)


def _carton_or_404(
    request: Request, public_id: UUID, position: int
) -> tuple[Shipment, selectors.ShipmentReceiving, selectors.CartonView]:
    shipment, receiving = _shipment_or_404(request, public_id)
    return shipment, receiving, found_or_404(receiving.carton(position))


def _receiving_reloaded(shipment: Shipment) -> selectors.ShipmentReceiving:
    """The shipment's receiving read afresh, after a service changed it."""
    return selectors.shipment_receiving(
        shipment=Shipment.objects.select_related("store", "warehouse").get(pk=shipment.pk)
    )


def _receipt_of(view: selectors.CartonView) -> CartonReceipt:
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

    @warehouse_schema(
        operation_id="warehouse_shipment_expected_list",
        summary="Shops' shipments expected at your warehouses",
        description="Closed (announced) or dispatched, oldest first, with age, a late flag and cartons received.",
        parameters=[WAREHOUSE_PARAMETER],
        response=OutputSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.shipments_expected(warehouses=warehouses_from(request))
        return paginated(self, request, queryset, lambda shipment: selectors.expected_shipment_row(shipment=shipment))


class WarehouseShipmentDetailApi(APIView):
    permission_classes = [WarehouseRoles]

    @warehouse_schema(
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
    def get(self, request: Request, public_id: UUID) -> Response:
        _shipment, receiving = _shipment_or_404(request, public_id)
        return Response(ShipmentReceivingSerializer(receiving).data)


class WarehouseCartonReceiveApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=["carton_received", "carton_already_received"])
        message = serializers.CharField()
        carton = CartonViewSerializer()

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID, position: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        result = carton_receive(carton=view.carton, warehouse=shipment.warehouse, actor=request_user(request))
        outcome = "carton_received" if result.created else "carton_already_received"
        carton = found_or_404(selectors.shipment_receiving(shipment=shipment).carton(position))
        return Response(self.OutputSerializer({"outcome": outcome, "message": result.message, "carton": carton}).data)


class WarehouseCartonCountApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        code = StrictCharField(
            max_length=200, help_text='A return\'s label (RMA, tracking number or QR code), or a SKU ("3*SKU" works).'
        )
        quantity = StrictIntegerField(min_value=1, max_value=9999, default=1, help_text="Units of the SKU.")
        damaged = StrictBooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()
        count = CountEntrySerializer(source="entry")
        return_request = ReturnSummarySerializer(allow_null=True)
        received = serializers.BooleanField(help_text="The count received the return.")
        carton = CartonViewSerializer()

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID, position: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        data = validated(self.InputSerializer, request.data)
        result = carton_count_add(
            receipt=_receipt_of(view),
            code=data["code"],
            quantity=data["quantity"],
            damaged=data["damaged"],
            actor=request_user(request),
        )
        carton = found_or_404(selectors.shipment_receiving(shipment=shipment).carton(position))
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

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID, position: int, entry_id: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        entry = next((entry for entry in view.entries if entry.pk == entry_id), None)
        if entry is None:
            raise Http404
        message = carton_count_remove(entry=entry, actor=request_user(request))
        carton = found_or_404(selectors.shipment_receiving(shipment=shipment).carton(position))
        return Response(self.OutputSerializer({"message": message, "carton": carton}).data)


class WarehouseCartonCountFinishApi(APIView):
    permission_classes = [WarehouseRoles]

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()
        shipment_received = serializers.BooleanField(help_text="This was the last carton: the shipment is received.")
        receiving = ShipmentReceivingSerializer()

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID, position: int) -> Response:
        shipment, _receiving, view = _carton_or_404(request, public_id, position)
        result = carton_count_finish(receipt=_receipt_of(view), actor=request_user(request))
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

    @warehouse_schema(
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
    def post(self, request: Request, public_id: UUID) -> Response:
        shipment, _receiving = _shipment_or_404(request, public_id)
        discrepancies = shipment_receiving_finish(shipment=shipment, actor=request_user(request))
        body = {
            "message": shipment_received_message(shipment=shipment, discrepancies=len(discrepancies)),
            "receiving": _receiving_reloaded(shipment),
        }
        return Response(self.OutputSerializer(body).data)
