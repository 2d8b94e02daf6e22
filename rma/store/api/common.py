"""What the shop API's operations share: permission, schema helpers, scoped lookups (404 outside the scope),
and the output shapes of shops, returns, shipments and cartons.

Same permissions as the pages: store staff (and superusers) only, each within their shops; an object of another
shop is "not found" (404). Errors are the API's one JSON shape.
"""

from typing import Any, TypeVar
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request

from rma.core import roles
from rma.core.api.permissions import error_responses, role_permission
from rma.core.exceptions import DomainError
from rma.core.staff import site_for_operation
from rma.locations.models import Store
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.models import Carton, Shipment
from rma.store import selectors
from rma.store.services.counter import counter_return_check_allowed

StoreRoles = role_permission(roles.STORE_STAFF)
TAGS = ["store"]
T = TypeVar("T")


def schema(*, response: Any, errors: tuple[int, ...], status: Any = 200, **kwargs: Any) -> Any:
    """extend_schema for one shop operation: its tag, `response` on `status`, then the API's error shape for each
    code in `errors`."""
    return extend_schema(tags=TAGS, responses={status: response, **error_responses(*errors)}, **kwargs)


PUBLIC_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Public id.")
POSITION = OpenApiParameter("position", OpenApiTypes.INT, OpenApiParameter.PATH, description="Carton number (1, 2…).")
STORE_QUERY = OpenApiParameter(
    "store", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description="A shop code, to narrow the list."
)
PDF_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description="The file.")


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """`data` validated by `serializer_class` (400 with the field errors otherwise)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def store_for(request: Request, code: str) -> Store:
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


def found(obj: T | None) -> T:
    """`obj`, or "not found" (404) when there is none."""
    if obj is None:
        raise Http404
    return obj


def shipment_for(request: Request, public_id: UUID) -> Shipment:
    return found(selectors.shipment_get_for_user(user=request.user, public_id=public_id))


def return_for(request: Request, public_id: UUID) -> ReturnRequest:
    """A return of the caller's shops (as the returns API sees it); "not found" (404) otherwise."""
    return found(selectors.return_request_get_for_store(user=request.user, public_id=public_id))


def counter_return_for(request: Request, public_id: UUID) -> ReturnRequest:
    """A return the caller's counter may take in (also one not yet tied to any shop); "not found" otherwise."""
    return found(selectors.return_request_get_for_counter(user=request.user, public_id=public_id))


def carton_for(shipment: Shipment, position: int) -> Carton:
    return found(Carton.objects.filter(shipment=shipment, position=position).select_related("shipment").first())


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

    def get_counter_check(self, line: ReturnLine) -> dict[str, Any] | None:
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


def return_data(request: Request, return_request: ReturnRequest) -> dict[str, Any]:
    return ReturnSerializer(counter_return_for(request, return_request.public_id)).data


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
    closed_at = serializers.DateTimeField(allow_null=True, help_text="Until the shipment is closed: null.")
    dispatched_at = serializers.DateTimeField(allow_null=True, help_text="Until the carrier takes it: null.")
    received_at = serializers.DateTimeField(allow_null=True, help_text="Until the warehouse receives it: null.")
    findings = serializers.JSONField()


class ShipmentSerializer(ShipmentSummarySerializer):
    cartons = CartonSerializer(many=True, source="cartons.all")
    totals = serializers.SerializerMethodField()
    documents_ready = serializers.SerializerMethodField()

    def get_totals(self, shipment: Shipment) -> dict[str, int]:
        return selectors.shipment_totals(shipment=shipment)

    def get_documents_ready(self, shipment: Shipment) -> bool:
        return shipment.documents_ready_at is not None


def shipment_data(request: Request, shipment: Shipment) -> dict[str, Any]:
    return ShipmentSerializer(shipment_for(request, shipment.public_id)).data
