"""Shop API (/api/v1/store/): everything the shop pages do, for store tablets and the shop's own systems.

Same permissions as the pages: store staff (and superusers) only, each within their shops; an object of another
shop is "not found" (404). Errors are the API's one JSON shape.
"""

from typing import Any, TypeVar

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import error_responses, role_permission
from rma.core.exceptions import DomainError
from rma.core.queue import enqueue_on_commit
from rma.core.staff import site_for_operation
from rma.locations.models import Store, Warehouse
from rma.returns.choices import Resolution
from rma.returns.models import ReturnRequest
from rma.returns.selectors import reason_codes_by_code
from rma.returns.services import ReturnLineInput
from rma.shipping import store_selectors as selectors
from rma.shipping.manifests import carton_barcode_label_pdf
from rma.shipping.models import Carton, CounterCondition, Shipment, ShipmentItem, ShipmentItemKind, ShipmentStatus
from rma.shipping.receipts import RECEIPT_SIZES, render_counter_receipt_pdf
from rma.shipping.services.counter import (
    CounterLineCheck,
    counter_order_find,
    counter_return_check,
    counter_return_check_allowed,
    counter_return_find,
    counter_return_start,
)
from rma.shipping.services.shipments import (
    LOOSE_ITEM_KINDS,
    MAX_CARTON_WEIGHT_GRAMS,
    MAX_LOOSE_QUANTITY,
    carton_add,
    carton_remove,
    carton_weight_set,
    shipment_close,
    shipment_dispatch,
    shipment_documents_generate,
    shipment_item_remove,
    shipment_loose_item_add,
    shipment_open,
    shipment_return_add,
    shipment_warehouse_change,
)
from rma.shipping.store_tasks import shipment_documents_generate_task

StoreRoles = role_permission(roles.STORE_STAFF)
TAGS = ["store"]
T = TypeVar("T")


def _schema(*, response: Any, errors: tuple[int, ...], status: Any = 200, **kwargs: Any) -> Any:
    """extend_schema for one shop operation: its tag, `response` on `status`, then the API's error shape for each
    code in `errors`."""
    return extend_schema(tags=TAGS, responses={status: response, **error_responses(*errors)}, **kwargs)


PUBLIC_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Public id.")
POSITION = OpenApiParameter("position", OpenApiTypes.INT, OpenApiParameter.PATH, description="Carton number (1, 2…).")
STORE_QUERY = OpenApiParameter(
    "store", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description="A shop code, to narrow the list."
)
PDF_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description="The file.")


def _validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """`data` validated by `serializer_class` (400 with the field errors otherwise)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _store_for(request: Request, code: str) -> Store:
    """The shop an operation is for: the one named, or the caller's only shop."""
    return site_for_operation(
        sites=list(selectors.stores_for_user(user=request.user)),
        code=code,
        field="store",
        not_yours=_("Not one of your shops."),
        no_site=_("You are not assigned to any shop."),
        no_site_code="no_store",
        several=_("You work in several shops: say which one (its code)."),
    )


def _found(obj: T | None) -> T:
    """`obj`, or "not found" (404) when there is none."""
    if obj is None:
        raise Http404
    return obj


def _shipment(request: Request, public_id: Any) -> Shipment:
    return _found(selectors.shipment_get_for_user(user=request.user, public_id=public_id))


def _return(request: Request, public_id: Any) -> ReturnRequest:
    return _found(selectors.return_request_get_for_store(user=request.user, public_id=public_id))


def _carton(shipment: Shipment, position: int) -> Carton:
    return _found(Carton.objects.filter(shipment=shipment, position=position).select_related("shipment").first())


# ---- shared output shapes


class StoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    default_warehouse = serializers.CharField(source="default_warehouse.code", default=None)


class CounterCheckSerializer(serializers.Serializer):
    condition = serializers.CharField()
    accepted = serializers.BooleanField()
    refusal_reason = serializers.CharField()
    note = serializers.CharField()
    store = serializers.CharField(source="store.code")
    checked_by = serializers.CharField(source="checked_by.username", default=None)
    checked_at = serializers.DateTimeField(source="created_at")


class ReturnLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(source="pk")
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")
    quantity = serializers.IntegerField()
    reason = serializers.CharField(source="reason.code")
    counter_check = serializers.SerializerMethodField()

    def get_counter_check(self, line: Any) -> dict[str, Any] | None:
        check = getattr(line, "counter_check", None)
        return CounterCheckSerializer(check).data if check is not None else None


class ReturnSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    rma_number = serializers.CharField()
    status = serializers.CharField()
    resolution = serializers.CharField()
    order_number = serializers.CharField(source="order.number")
    store = serializers.CharField(source="store.code", default=None)
    drop_off_method = serializers.CharField()
    lines = ReturnLineSerializer(many=True, source="lines.all")
    can_check = serializers.SerializerMethodField()
    refusal = serializers.SerializerMethodField()

    def _refusal(self, return_request: ReturnRequest) -> str:
        try:
            counter_return_check_allowed(return_request=return_request)
        except DomainError as exc:
            return exc.message
        return ""

    def get_can_check(self, return_request: ReturnRequest) -> bool:
        return not self._refusal(return_request)

    def get_refusal(self, return_request: ReturnRequest) -> str:
        return self._refusal(return_request)


def _return_data(request: Request, return_request: ReturnRequest) -> dict[str, Any]:
    return ReturnSerializer(_return(request, return_request.public_id)).data


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    rma_number = serializers.CharField(source="return_request.rma_number", default=None)
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    added_by = serializers.CharField(source="added_by.username", default=None)
    added_at = serializers.DateTimeField(source="created_at")


class CartonSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    barcode = serializers.CharField()
    weight_grams = serializers.IntegerField(allow_null=True)
    tracking_number = serializers.CharField(allow_null=True)
    items = ItemSerializer(many=True, source="items.all")


class ShipmentSummarySerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.CharField()
    store = serializers.CharField(source="store.code")
    warehouse = serializers.CharField(source="warehouse.code")
    carrier = serializers.CharField()
    pickup_reference = serializers.CharField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    findings = serializers.JSONField()


class ShipmentSerializer(ShipmentSummarySerializer):
    cartons = CartonSerializer(many=True, source="cartons.all")
    totals = serializers.SerializerMethodField()
    documents_ready = serializers.SerializerMethodField()

    def get_totals(self, shipment: Shipment) -> dict[str, int]:
        return selectors.shipment_totals(shipment=shipment)

    def get_documents_ready(self, shipment: Shipment) -> bool:
        return shipment.documents_ready_at is not None


def _shipment_data(request: Request, shipment: Shipment) -> dict[str, Any]:
    return ShipmentSerializer(_shipment(request, shipment.public_id)).data


# ---- shops


class StoreListApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_list",
        summary="Your shops",
        response=StoreSerializer(many=True),
        errors=(401, 403),
    )
    def get(self, request: Request) -> Response:
        return Response(StoreSerializer(selectors.stores_for_user(user=request.user), many=True).data)


# ---- the counter


class StoreCounterScanApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=200, help_text="QR payload, RMA number or label tracking number.")

    @_schema(
        operation_id="store_counter_scan",
        summary="Find the return a customer shows at the counter",
        description="Changes nothing. Unknown codes and another shop's returns are refused (400).",
        request=InputSerializer,
        response=ReturnSerializer,
        errors=(400, 401, 403),
    )
    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.data)
        stores = list(selectors.stores_for_user(user=request.user))
        return_request = counter_return_find(code=data["code"], stores=stores)
        return Response(_return_data(request, return_request))


class StoreReturnDetailApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_return_detail",
        summary="A return at the counter, with its lines and their checks",
        parameters=[PUBLIC_ID],
        response=ReturnSerializer,
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: Any) -> Response:
        return Response(ReturnSerializer(_return(request, public_id)).data)


class StoreReturnCheckApi(APIView):
    permission_classes = [StoreRoles]

    class LineSerializer(serializers.Serializer):
        line_id = serializers.IntegerField()
        condition = serializers.ChoiceField(choices=CounterCondition.choices)
        accepted = serializers.BooleanField()
        refusal_reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    class InputSerializer(serializers.Serializer):
        store = serializers.CharField(max_length=16, required=False, default="", allow_blank=True)
        lines = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=200)

    class OutputSerializer(serializers.Serializer):
        accepted_units = serializers.IntegerField()
        refused_units = serializers.IntegerField()
        return_request = ReturnSerializer()

    @_schema(
        operation_id="store_return_check",
        summary="Check a return at the counter: condition, accepted or refused, per line",
        description=(
            "Every line once. Some line accepted: the return becomes `in_transit`. Every line refused: it is "
            "cancelled with the reasons. The customer is emailed."
        ),
        parameters=[PUBLIC_ID],
        request=InputSerializer,
        response=OutputSerializer,
        errors=(400, 401, 403, 404, 409, 422),
    )
    def post(self, request: Request, public_id: Any) -> Response:
        return_request = _return(request, public_id)
        data = _validated(self.InputSerializer, request.data)
        lines = _validated(self.LineSerializer, data["lines"], many=True)
        if return_request.store_id is not None:
            store = next(
                (s for s in selectors.stores_for_user(user=request.user) if s.pk == return_request.store_id), None
            )
            if store is None:
                raise Http404
        else:
            store = _store_for(request, data["store"])
        outcome = counter_return_check(
            return_request=return_request,
            store=store,
            actor=request.user,
            checks=[
                CounterLineCheck(
                    return_line_id=line["line_id"],
                    condition=line["condition"],
                    accepted=line["accepted"],
                    refusal_reason=line["refusal_reason"],
                    note=line["note"],
                )
                for line in lines
            ],
        )
        return Response(
            {
                "accepted_units": outcome.accepted_units,
                "refused_units": outcome.refused_units,
                "return_request": _return_data(request, return_request),
            }
        )


class StoreReturnReceiptApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_return_receipt",
        summary="The customer's receipt (PDF, A4 or 80 mm ticket)",
        parameters=[
            PUBLIC_ID,
            OpenApiParameter("size", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(RECEIPT_SIZES)),
        ],
        response=PDF_RESPONSE,
        status=(200, "application/pdf"),
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: Any) -> HttpResponse:
        return_request = _return(request, public_id)
        size = request.query_params.get("size", "a4")
        if size not in RECEIPT_SIZES or return_request.store_id is None:
            raise Http404
        if not any(getattr(line, "counter_check", None) for line in return_request.lines.all()):
            raise Http404
        store = return_request.store
        response = HttpResponse(
            render_counter_receipt_pdf(return_request=return_request, store=store, size=size),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="receipt-{return_request.rma_number}-{size}.pdf"'
        return response


class StoreReturnStartApi(APIView):
    permission_classes = [StoreRoles]

    class LineSerializer(serializers.Serializer):
        sku = serializers.CharField(max_length=64)
        quantity = serializers.IntegerField(min_value=1, max_value=999)
        reason = serializers.CharField(max_length=40, help_text="A reason code (see /api/v1/reason-codes/).")

    class InputSerializer(serializers.Serializer):
        store = serializers.CharField(max_length=16, required=False, default="", allow_blank=True)
        order_number = serializers.CharField(max_length=32)
        email_or_postcode = serializers.CharField(max_length=254)
        resolution = serializers.ChoiceField(choices=Resolution.choices, default=Resolution.REFUND)
        lines = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=200)

    @_schema(
        operation_id="store_return_start",
        summary="Start a return for a customer at the counter",
        description="Same policy and reasons as the portal; the items are dropped off at this shop.",
        request=InputSerializer,
        response=ReturnSerializer,
        status=201,
        errors=(400, 401, 403, 404, 422),
    )
    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.data)
        lines = _validated(self.LineSerializer, data["lines"], many=True)
        store = _store_for(request, data["store"])
        order = counter_order_find(number=data["order_number"], email_or_postcode=data["email_or_postcode"])
        if order is None:
            raise Http404
        order_lines = {line.sku: line for line in order.lines.all()}
        reasons = reason_codes_by_code(codes=[line["reason"] for line in lines])
        inputs = []
        for index, line in enumerate(lines):
            if line["sku"] not in order_lines:
                raise ValidationError({"lines": {index: {"sku": [_("Not an item of this order.")]}}})
            if line["reason"] not in reasons:
                raise ValidationError({"lines": {index: {"reason": [_("Unknown reason code.")]}}})
            inputs.append(
                ReturnLineInput(
                    order_line=order_lines[line["sku"]], quantity=line["quantity"], reason=reasons[line["reason"]]
                )
            )
        return_request = counter_return_start(
            order=order,
            store=store,
            actor=request.user,
            lines=inputs,
            resolution=data["resolution"],
            locale=order.locale,
        )
        return Response(_return_data(request, return_request), status=201)


# ---- shipments


class ShipmentPagination(CursorPagination):
    page_size = 50


class StoreShipmentListApi(APIView):
    permission_classes = [StoreRoles]
    pagination_class = ShipmentPagination

    class InputSerializer(serializers.Serializer):
        store = serializers.CharField(max_length=16, required=False, default="", allow_blank=True)
        warehouse = serializers.CharField(
            max_length=16, required=False, default="", allow_blank=True, help_text="Default: the shop's."
        )

    @_schema(
        operation_id="store_shipment_list",
        summary="Your shops' shipments, newest first",
        parameters=[
            STORE_QUERY,
            OpenApiParameter("status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=ShipmentStatus.values),
        ],
        response=ShipmentSummarySerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        stores = list(selectors.stores_for_user(user=request.user))
        code = request.query_params.get("store")
        if code:
            stores = [s for s in stores if s.code == code]
            if not stores:
                raise Http404
        queryset = selectors.shipment_list_for_user(user=request.user, stores=stores)
        status = request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, self)
        return paginator.get_paginated_response(ShipmentSummarySerializer(page, many=True).data)

    @_schema(
        operation_id="store_shipment_open",
        summary="Open a shipment from a shop to a warehouse",
        request=InputSerializer,
        response=ShipmentSerializer,
        status=201,
        errors=(400, 401, 403),
    )
    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.data)
        store = _store_for(request, data["store"])
        warehouse = None
        if data["warehouse"]:
            warehouse = Warehouse.objects.filter(code=data["warehouse"], is_active=True).first()
            if warehouse is None:
                raise ValidationError({"warehouse": [_("Unknown warehouse.")]})
        shipment = shipment_open(store=store, actor=request.user, warehouse=warehouse)
        return Response(_shipment_data(request, shipment), status=201)


class StoreShipmentDetailApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_shipment_detail",
        summary="A shipment: cartons, items, running totals, state and the warehouse's findings",
        parameters=[PUBLIC_ID],
        response=ShipmentSerializer,
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: Any) -> Response:
        return Response(ShipmentSerializer(_shipment(request, public_id)).data)


class StoreShipmentWarehouseApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        warehouse = serializers.CharField(max_length=16)

    @_schema(
        operation_id="store_shipment_warehouse",
        summary="Send an open shipment to another warehouse",
        parameters=[PUBLIC_ID],
        request=InputSerializer,
        response=ShipmentSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: Any) -> Response:
        shipment = _shipment(request, public_id)
        data = _validated(self.InputSerializer, request.data)
        warehouse = Warehouse.objects.filter(code=data["warehouse"]).first()
        if warehouse is None:
            raise ValidationError({"warehouse": [_("Unknown warehouse.")]})
        shipment_warehouse_change(shipment=shipment, warehouse=warehouse, actor=request.user)
        return Response(_shipment_data(request, shipment))


class StoreCartonAddApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_carton_add",
        summary="Add a carton to an open shipment",
        parameters=[PUBLIC_ID],
        request=None,
        response=CartonSerializer,
        status=201,
        errors=(401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: Any) -> Response:
        carton = carton_add(shipment=_shipment(request, public_id), actor=request.user)
        return Response(CartonSerializer(carton).data, status=201)


class StoreCartonWeightApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        weight_grams = serializers.IntegerField(min_value=1, max_value=MAX_CARTON_WEIGHT_GRAMS, allow_null=True)

    @_schema(
        operation_id="store_carton_weight",
        summary="Record a carton's weight",
        parameters=[PUBLIC_ID, POSITION],
        request=InputSerializer,
        response=CartonSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: Any, position: int) -> Response:
        carton = _carton(_shipment(request, public_id), position)
        data = _validated(self.InputSerializer, request.data)
        carton_weight_set(carton=carton, weight_grams=data["weight_grams"], actor=request.user)
        return Response(CartonSerializer(carton).data)


class StoreCartonRemoveApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_carton_remove",
        summary="Remove an empty carton from an open shipment",
        parameters=[PUBLIC_ID, POSITION],
        request=None,
        response=None,
        status=204,
        errors=(401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: Any, position: int) -> Response:
        carton_remove(carton=_carton(_shipment(request, public_id), position), actor=request.user)
        return Response(status=204)


class StoreShipmentItemAddApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        carton = serializers.IntegerField(min_value=1, help_text="The carton's number in the shipment (1, 2…).")
        code = serializers.CharField(
            max_length=200, required=False, default="", allow_blank=True, help_text="A return's code (RMA, QR…)."
        )
        sku = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
        quantity = serializers.IntegerField(min_value=1, max_value=MAX_LOOSE_QUANTITY, required=False, default=1)
        kind = serializers.ChoiceField(
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

    @_schema(
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
    def post(self, request: Request, public_id: Any) -> Response:
        shipment = _shipment(request, public_id)
        data = _validated(self.InputSerializer, request.data)
        carton = _carton(shipment, data["carton"])
        if data["code"]:
            result = shipment_return_add(shipment=shipment, carton=carton, code=data["code"], actor=request.user)
        else:
            result = shipment_loose_item_add(
                shipment=shipment,
                carton=carton,
                sku=data["sku"],
                quantity=data["quantity"],
                kind=data["kind"],
                actor=request.user,
            )
        return Response(self.OutputSerializer(result).data, status=201)


class StoreShipmentItemRemoveApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_shipment_item_remove",
        summary="Remove a mistaken scan from an open shipment",
        parameters=[PUBLIC_ID, OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        response=ItemSerializer,
        errors=(401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: Any, item_id: int) -> Response:
        shipment = _shipment(request, public_id)
        item = _found(ShipmentItem.objects.filter(pk=item_id, shipment=shipment).select_related("shipment").first())
        return Response(ItemSerializer(shipment_item_remove(item=item, actor=request.user)).data)


class StoreShipmentCloseApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_shipment_close",
        summary="Close a shipment: it can no longer change; documents are made and the warehouse is told",
        parameters=[PUBLIC_ID],
        request=None,
        response=ShipmentSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: Any) -> Response:
        shipment = shipment_close(shipment=_shipment(request, public_id), actor=request.user)
        enqueue_on_commit(shipment_documents_generate_task, shipment.pk)
        return Response(_shipment_data(request, shipment))


class StoreShipmentDispatchApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        pickup_reference = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)

    @_schema(
        operation_id="store_shipment_dispatch",
        summary="Record the carrier's pickup: the shipment and its returns are in transit",
        parameters=[PUBLIC_ID],
        request=InputSerializer,
        response=ShipmentSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request: Request, public_id: Any) -> Response:
        shipment = _shipment(request, public_id)
        data = _validated(self.InputSerializer, request.data)
        shipment_dispatch(shipment=shipment, actor=request.user, pickup_reference=data["pickup_reference"])
        return Response(_shipment_data(request, shipment))


# ---- files


def _documents(shipment: Shipment) -> Shipment:
    if shipment.status == ShipmentStatus.OPEN:
        raise Http404
    if shipment.documents_ready_at is None:
        return shipment_documents_generate(shipment_id=shipment.pk)
    return shipment


def _file(field_file: Any, filename: str, content_type: str) -> FileResponse:
    if not field_file:
        raise Http404
    response = FileResponse(field_file.open("rb"), content_type=content_type, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


class StoreShipmentManifestApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_shipment_manifest",
        summary="A closed shipment's manifest (PDF or CSV)",
        parameters=[
            PUBLIC_ID,
            OpenApiParameter("format", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["pdf", "csv"]),
        ],
        response=PDF_RESPONSE,
        status=(200, "application/pdf"),
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: Any, extension: str) -> HttpResponse:
        if extension not in ("pdf", "csv"):
            raise Http404
        shipment = _documents(_shipment(request, public_id))
        if extension == "pdf":
            return _file(shipment.manifest_pdf, f"{shipment.number}-manifest.pdf", "application/pdf")
        return _file(shipment.manifest_csv, f"{shipment.number}-manifest.csv", "text/csv; charset=utf-8")


class StoreCartonLabelApi(APIView):
    permission_classes = [StoreRoles]

    @_schema(
        operation_id="store_carton_label",
        summary="A carton's label: its barcode label (any time), or the carrier's label once closed (PDF or ZPL)",
        parameters=[
            PUBLIC_ID,
            POSITION,
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["barcode.pdf", "label.pdf", "label.zpl"]
            ),
        ],
        response=PDF_RESPONSE,
        status=(200, "application/pdf"),
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: Any, position: int, kind: str) -> HttpResponse:
        shipment = _shipment(request, public_id)
        if kind == "barcode.pdf":
            carton = _carton(shipment, position)
            return HttpResponse(carton_barcode_label_pdf(carton=carton), content_type="application/pdf")
        if kind not in ("label.pdf", "label.zpl"):
            raise Http404
        carton = _carton(_documents(shipment), position)
        if kind == "label.pdf":
            return _file(carton.label_pdf, f"{carton.barcode}-label.pdf", "application/pdf")
        return _file(carton.label_zpl, f"{carton.barcode}-label.zpl", "text/plain; charset=utf-8")
