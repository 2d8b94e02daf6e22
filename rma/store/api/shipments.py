"""Shop API, shipments: open, cartons, scans and loose items, warehouse, close, dispatch."""

from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import StrictCharField, StrictChoiceField, StrictIntegerField
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import request_user
from rma.core.exceptions import UnknownReference
from rma.core.queue import enqueue_on_commit
from rma.locations.models import Warehouse
from rma.shipping.choices import ShipmentItemKind, ShipmentStatus
from rma.shipping.models import ShipmentItem
from rma.shipping.services.shipment_handover import shipment_close, shipment_dispatch
from rma.shipping.services.shipments import (
    LOOSE_ITEM_KINDS,
    MAX_CARTON_WEIGHT_GRAMS,
    MAX_LOOSE_QUANTITY,
    carton_add,
    carton_remove,
    carton_weight_set,
    shipment_item_remove,
    shipment_loose_item_add,
    shipment_open,
    shipment_return_add,
    shipment_warehouse_change,
)
from rma.shipping.shipment_tasks import shipment_documents_generate_task
from rma.store import selectors
from rma.store.api.common import (
    POSITION,
    PUBLIC_ID,
    STORE_QUERY,
    CartonSerializer,
    ItemSerializer,
    ShipmentSerializer,
    ShipmentSummarySerializer,
    StoreRoles,
    carton_for,
    found,
    schema,
    shipment_data,
    shipment_for,
    store_for,
    validated,
)


class ShipmentPagination(CursorPagination):
    page_size = 50


class StoreShipmentListApi(APIView):
    permission_classes = [StoreRoles]
    pagination_class = ShipmentPagination
    # JSON only: an empty form body would read as "no fields" and open a shipment nobody described.
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        store = StrictCharField(max_length=16, required=False, default="", allow_blank=True)
        warehouse = StrictCharField(
            max_length=16, required=False, default="", allow_blank=True, help_text="Default: the shop's."
        )

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ShipmentStatus.choices, required=False)

    @schema(
        operation_id="store_shipment_list",
        summary="Your shops' shipments, newest first",
        parameters=[
            STORE_QUERY,
            OpenApiParameter("status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=ShipmentStatus.values),
        ],
        response=ShipmentSummarySerializer(many=True),
        errors=(400, 401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        # A plain dict: an empty `status` is then refused like any bad one (the schema lists the statuses).
        filters = validated(self.FilterSerializer, request.query_params.dict())
        stores = list(selectors.stores_for_user(user=request.user))
        code = request.query_params.get("store")
        if code:
            stores = [s for s in stores if s.code == code]
            if not stores:
                raise Http404
        queryset = selectors.shipment_list_for_user(user=request.user, stores=stores)
        if filters.get("status"):
            queryset = queryset.filter(status=filters["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, self)
        return paginator.get_paginated_response(ShipmentSummarySerializer(page, many=True).data)

    @schema(
        operation_id="store_shipment_open",
        summary="Open a shipment from a shop to a warehouse",
        request=InputSerializer,
        response=ShipmentSerializer,
        status=201,
        errors=(400, 401, 403, 404),
    )
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        store = store_for(request, data["store"])
        warehouse = None
        if data["warehouse"]:
            warehouse = Warehouse.objects.filter(code=data["warehouse"], is_active=True).first()
            if warehouse is None:
                raise UnknownReference(_("Unknown warehouse."), extra={"warehouse": [_("Unknown warehouse.")]})
        shipment = shipment_open(store=store, actor=request_user(request), warehouse=warehouse)
        return Response(shipment_data(request, shipment), status=201)


class StoreShipmentDetailApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_shipment_detail",
        summary="A shipment: cartons, items, running totals, state and the warehouse's findings",
        parameters=[PUBLIC_ID],
        response=ShipmentSerializer,
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(ShipmentSerializer(shipment_for(request, public_id)).data)


class StoreShipmentWarehouseApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        warehouse = StrictCharField(max_length=16)

    @schema(
        operation_id="store_shipment_warehouse",
        summary="Send an open shipment to another warehouse",
        parameters=[PUBLIC_ID],
        request=InputSerializer,
        response=ShipmentSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        shipment = shipment_for(request, public_id)
        data = validated(self.InputSerializer, request.data)
        warehouse = Warehouse.objects.filter(code=data["warehouse"]).first()
        if warehouse is None:
            raise UnknownReference(_("Unknown warehouse."), extra={"warehouse": [_("Unknown warehouse.")]})
        shipment_warehouse_change(shipment=shipment, warehouse=warehouse, actor=request_user(request))
        return Response(shipment_data(request, shipment))


class StoreCartonAddApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_carton_add",
        summary="Add a carton to an open shipment",
        parameters=[PUBLIC_ID],
        request=None,
        response=CartonSerializer,
        status=201,
        errors=(401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        carton = carton_add(shipment=shipment_for(request, public_id), actor=request_user(request))
        return Response(CartonSerializer(carton).data, status=201)


class StoreCartonWeightApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        weight_grams = StrictIntegerField(min_value=1, max_value=MAX_CARTON_WEIGHT_GRAMS, allow_null=True)

    @schema(
        operation_id="store_carton_weight",
        summary="Record a carton's weight",
        parameters=[PUBLIC_ID, POSITION],
        request=InputSerializer,
        response=CartonSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: UUID, position: int) -> Response:
        carton = carton_for(shipment_for(request, public_id), position)
        data = validated(self.InputSerializer, request.data)
        carton_weight_set(carton=carton, weight_grams=data["weight_grams"], actor=request_user(request))
        return Response(CartonSerializer(carton).data)


class StoreCartonRemoveApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_carton_remove",
        summary="Remove an empty carton from an open shipment",
        parameters=[PUBLIC_ID, POSITION],
        request=None,
        response=None,
        status=204,
        errors=(401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: UUID, position: int) -> Response:
        carton_remove(carton=carton_for(shipment_for(request, public_id), position), actor=request_user(request))
        return Response(status=204)


class StoreShipmentItemAddApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        carton = StrictIntegerField(min_value=1, help_text="The carton's number in the shipment (1, 2…).")
        code = StrictCharField(
            max_length=200, required=False, default="", allow_blank=True, help_text="A return's code (RMA, QR…)."
        )
        sku = StrictCharField(max_length=64, required=False, default="", allow_blank=True)
        quantity = StrictIntegerField(min_value=1, max_value=MAX_LOOSE_QUANTITY, required=False, default=1)
        kind = StrictChoiceField(
            choices=[(k.value, k.label) for k in ShipmentItemKind if k in LOOSE_ITEM_KINDS], required=False
        )

        def validate(self, data: dict[str, Any]) -> dict[str, Any]:
            if bool(data["code"]) == bool(data["sku"]):
                raise serializers.ValidationError(_("Give either a return's code, or a SKU with its kind."))
            if data["sku"] and not data.get("kind"):
                raise serializers.ValidationError({"kind": [_("Say why these items go back.")]})
            return data

    class OutputSerializer(serializers.Serializer):
        message = serializers.CharField()
        item = ItemSerializer()

    @schema(
        operation_id="store_shipment_item_add",
        summary="Scan a return, or loose items (SKU, quantity, kind), into a carton",
        description="Bad scans (unknown code, another shop's return, already shipped, closed shipment) change "
        "nothing and answer with a clear message.",
        parameters=[PUBLIC_ID],
        request=InputSerializer,
        response=OutputSerializer,
        status=201,
        errors=(400, 401, 403, 404, 409, 422),
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        shipment = shipment_for(request, public_id)
        data = validated(self.InputSerializer, request.data)
        carton = carton_for(shipment, data["carton"])
        if data["code"]:
            result = shipment_return_add(
                shipment=shipment, carton=carton, code=data["code"], actor=request_user(request)
            )
        else:
            result = shipment_loose_item_add(
                shipment=shipment,
                carton=carton,
                sku=data["sku"],
                quantity=data["quantity"],
                kind=data["kind"],
                actor=request_user(request),
            )
        return Response(self.OutputSerializer(result).data, status=201)


class StoreShipmentItemRemoveApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_shipment_item_remove",
        summary="Remove a mistaken scan from an open shipment",
        parameters=[PUBLIC_ID, OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        response=ItemSerializer,
        errors=(401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: UUID, item_id: int) -> Response:
        shipment = shipment_for(request, public_id)
        item = found(ShipmentItem.objects.filter(pk=item_id, shipment=shipment).select_related("shipment").first())
        return Response(ItemSerializer(shipment_item_remove(item=item, actor=request_user(request))).data)


class StoreShipmentCloseApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_shipment_close",
        summary="Close a shipment: it can no longer change; documents are made and the warehouse is told",
        parameters=[PUBLIC_ID],
        request=None,
        response=ShipmentSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        shipment = shipment_close(shipment=shipment_for(request, public_id), actor=request_user(request))
        enqueue_on_commit(shipment_documents_generate_task, shipment.pk)
        return Response(shipment_data(request, shipment))


class StoreShipmentDispatchApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        pickup_reference = StrictCharField(max_length=64, required=False, default="", allow_blank=True)

    @schema(
        operation_id="store_shipment_dispatch",
        summary="Record the carrier's pickup: the shipment and its returns are in transit",
        parameters=[PUBLIC_ID],
        request=InputSerializer,
        response=ShipmentSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        shipment = shipment_for(request, public_id)
        data = validated(self.InputSerializer, request.data)
        shipment_dispatch(shipment=shipment, actor=request_user(request), pickup_reference=data["pickup_reference"])
        return Response(shipment_data(request, shipment))
