"""Orders in from the shop: upsert one, upsert a batch, read one."""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.exception_handler import error_body
from rma.core.api.fields import (
    Rfc3339DateTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
)
from rma.core.api.permissions import ApiErrorDetailSerializer, OrderRoles, error_response, error_responses
from rma.core.exceptions import Conflict, DomainError
from rma.orders.choices import Category, Channel, NonReturnableReason
from rma.orders.models import Order
from rma.orders.services import order_upsert

ORDER_EXAMPLE = {
    "external_id": "shop-184467",
    "number": "ML184467",
    "channel": "web",
    "customer_email": "chloe.martin@example.fr",
    "customer_name": "Chloé Martin",
    "locale": "fr",
    "currency": "EUR",
    "placed_at": "2026-11-02T10:15:00+01:00",
    "delivered_at": "2026-11-05T14:00:00+01:00",
    "address": {
        "address_line1": "8 rue des Lilas",
        "postcode": "69003",
        "city": "Lyon",
        "country": "FR",
        "latitude": 45.7597,
        "longitude": 4.8422,
    },
    "lines": [
        {
            "external_id": "184467-1",
            "sku": "CHE-LIN-BLA-M",
            "name": "Chemise en lin",
            "category": "apparel",
            "size": "M",
            "colour": "blanc",
            "quantity": 2,
            "unit_price": "49.90",
        }
    ],
}


def order_by_external_id(external_id: str) -> Order:
    """The order with its lines, or a 404."""
    if "\x00" in external_id:  # PostgreSQL refuses NUL characters in text: no such order
        raise Http404
    order = Order.objects.prefetch_related("lines").filter(external_id=external_id).first()
    if order is None:
        raise Http404
    return order


class CoordinateField(serializers.FloatField):
    """A number: `true`/`false`, which Python would take for 1 and 0, are refused like any other non-number."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class OrderAddressSerializer(serializers.Serializer):
    address_line1 = StrictCharField(max_length=200, required=False, allow_blank=True)
    address_line2 = StrictCharField(max_length=200, required=False, allow_blank=True)
    postcode = StrictCharField(max_length=16, required=False, allow_blank=True)
    city = StrictCharField(max_length=100, required=False, allow_blank=True)
    country = StrictCharField(max_length=2, required=False, allow_blank=True)
    latitude = CoordinateField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = CoordinateField(min_value=-180, max_value=180, required=False, allow_null=True)


class OrderLineInputSerializer(serializers.Serializer):
    external_id = StrictCharField(
        max_length=64, required=False, allow_blank=True, help_text="The shop's line id (the SKU when absent)."
    )
    sku = StrictCharField(max_length=64)
    product_ref = StrictCharField(max_length=64, required=False, allow_blank=True)
    variant_ref = StrictCharField(
        max_length=64, required=False, allow_blank=True, help_text="The shop's variant id, for stock and restock."
    )
    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    category = StrictCharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="One of " + ", ".join(Category.values) + "; anything else is stored as `other`.",
    )
    size = StrictCharField(max_length=16, required=False, allow_blank=True)
    colour = StrictCharField(max_length=32, required=False, allow_blank=True)
    quantity = StrictIntegerField(min_value=1, max_value=100_000)
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    non_returnable_reason = StrictChoiceField(choices=NonReturnableReason.choices, required=False, allow_blank=True)
    final_sale = StrictBooleanField(required=False, help_text="Shortcut for non_returnable_reason=final_sale.")
    has_serial_number = StrictBooleanField(required=False)
    unit_weight_g = StrictIntegerField(
        min_value=1,
        max_value=1_000_000,
        required=False,
        allow_null=True,
        help_text="Weight of one unit in grams, as the shop knows it; absent or null keeps what is known.",
    )


class OrderInputSerializer(serializers.Serializer):
    """An order as the shop sends it; the same payload twice changes nothing."""

    external_id = StrictCharField(max_length=64)
    number = StrictCharField(max_length=32)
    # Named OrderChannelEnum in the schema (settings.SPECTACULAR_SETTINGS): the returns have a `channel` of their own.
    channel = StrictChoiceField(choices=Channel.choices, required=False, help_text="Sales channel (default web).")
    store_code = StrictCharField(max_length=16, required=False, allow_blank=True)
    customer_email = serializers.EmailField(max_length=254)
    customer_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    customer_phone = StrictCharField(max_length=32, required=False, allow_blank=True)
    locale = StrictCharField(max_length=8, required=False, allow_blank=True)
    currency = StrictCharField(min_length=3, max_length=3, required=False)
    placed_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(required=False, allow_null=True)
    address = OrderAddressSerializer(required=False, help_text="The delivery address.")
    # The list spelled out (what many=True builds): the stubs do not know many=True passes max_length on.
    lines: serializers.ListSerializer[dict[str, Any]] = serializers.ListSerializer(
        child=OrderLineInputSerializer(), allow_empty=False, max_length=1000
    )


def order_payload(validated: dict[str, Any]) -> dict[str, Any]:
    """The validated input in the shape order_upsert reads (address flattened beside the order's fields)."""
    payload = {key: value for key, value in validated.items() if key != "address"}
    payload["address"] = dict(validated.get("address") or {})
    payload["lines"] = [dict(line) for line in validated["lines"]]
    return payload


class OrderLineOutputSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    sku = serializers.CharField()
    product_ref = serializers.CharField()
    variant_ref = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    size = serializers.CharField()
    colour = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit_tax = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Tax included in unit_price.")
    non_returnable_reason = serializers.CharField()
    has_serial_number = serializers.BooleanField()
    unit_weight_g = serializers.IntegerField(allow_null=True, help_text="Weight of one unit in grams; null: unknown.")
    quantity_in_returns = serializers.IntegerField()


class OrderOutputSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    number = serializers.CharField()
    channel = serializers.CharField()
    store_code = serializers.CharField()
    customer_email = serializers.EmailField()
    customer_name = serializers.CharField()
    customer_phone = serializers.CharField()
    locale = serializers.CharField()
    currency = serializers.CharField()
    placed_at = Rfc3339DateTimeField()
    delivered_at = Rfc3339DateTimeField(allow_null=True)
    address = OrderAddressSerializer(source="*")
    lines = OrderLineOutputSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class OrderUpsertApi(APIView):
    permission_classes = [OrderRoles]
    # An order has nested lines and address: a form cannot carry them.
    parser_classes = [JSONParser]

    InputSerializer = OrderInputSerializer

    class OutputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
        order = OrderOutputSerializer()

        class Meta:
            ref_name = "OrderUpsertResult"

    @extend_schema(
        operation_id="orders_upsert",
        summary="Create or update one order",
        description=(
            "Idempotent upsert by `external_id`: 201 when the order is new, 200 with `outcome` `updated` or "
            "`unchanged` otherwise. Lines are matched by their `external_id`; lines missing from the payload are "
            "removed unless they are part of a return. For integration tokens, agents and superusers."
        ),
        tags=["orders"],
        request=OrderInputSerializer,
        responses={
            201: OpenApiResponse(OutputSerializer, description="Created."),
            200: OpenApiResponse(OutputSerializer, description="Updated, or unchanged (the same payload again)."),
            **error_responses(400, 401, 403),
            409: error_response(
                409,
                "The number is another order's, a line being returned is removed or cut below its returned "
                "quantity (`order_conflict`), or a concurrent request wrote the same order first (send it again).",
            ),
        },
        examples=[OpenApiExample("An order", value=ORDER_EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                result = order_upsert(data=order_payload(serializer.validated_data))
        except IntegrityError as exc:
            # A concurrent request wrote the same number or external id first.
            raise Conflict("The order conflicts with another one being written; send it again.") from exc
        order = order_by_external_id(result.order.external_id)
        data = self.OutputSerializer({"outcome": result.outcome, "order": order}).data
        return Response(data, status=status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK)


class OrderBatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the order in the request, from 0.")
    external_id = serializers.CharField(allow_null=True)
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"], required=False)
    error = ApiErrorDetailSerializer(required=False, help_text="Why this order failed (absent when it succeeded).")


class OrderBatchCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    failed = serializers.IntegerField()


def batch_request_schema() -> dict[str, Any]:
    """The batch body: `{"orders": [...]}` or the bare array, 1 to RMA_MAX_BATCH_ORDERS objects.

    Each order is validated on its own and a bad one, even one that is not an object, gets its error in its
    result: an item is any JSON value here, the order's own schema is OrderInput.
    """
    orders = {
        "type": "array",
        "minItems": 1,
        "maxItems": settings.RMA_MAX_BATCH_ORDERS,
        "items": {"description": "An order, as for `POST /api/v1/orders/` (OrderInput)."},
    }
    wrapped = {"type": "object", "properties": {"orders": orders}, "required": ["orders"]}
    return {"oneOf": [wrapped, orders]}


class OrderBatchUpsertApi(APIView):
    permission_classes = [OrderRoles]
    # Orders are nested objects: a form cannot carry them.
    parser_classes = [JSONParser]
    # The body's schema is given raw (an object or a bare array): tell the schema it is required.
    request_body_required = True

    class InputSerializer(serializers.Serializer):
        # Items are validated one by one, so that one bad order does not refuse the others.
        orders = serializers.ListField(child=serializers.JSONField(allow_null=True), allow_empty=False)

        def validate_orders(self, value: list[Any]) -> list[Any]:
            limit = settings.RMA_MAX_BATCH_ORDERS
            if len(value) > limit:
                raise serializers.ValidationError(f"At most {limit} orders per batch.")
            return value

    class OutputSerializer(serializers.Serializer):
        results = OrderBatchItemResultSerializer(many=True, help_text="One per order sent, in the same order.")
        counts = OrderBatchCountsSerializer()

        class Meta:
            ref_name = "OrderBatchResult"

    @extend_schema(
        operation_id="orders_batch_upsert",
        summary="Create or update many orders",
        description=(
            "Upserts up to `RMA_MAX_BATCH_ORDERS` (500) orders, each in its own transaction: one bad order never "
            "stops the good ones. The answer is 200 with one result per order, in the order sent. The body may "
            "also be a bare JSON array of orders. An empty batch is a 400."
        ),
        tags=["orders"],
        request={"application/json": batch_request_schema()},
        responses={200: OutputSerializer, **error_responses(400, 401, 403)},
        examples=[
            OpenApiExample(
                "Two orders, one invalid",
                response_only=True,
                value={
                    "results": [
                        {"index": 0, "external_id": "shop-184467", "outcome": "created"},
                        {
                            "index": 1,
                            "external_id": "shop-184468",
                            "error": {
                                "code": "invalid",
                                "message": "The order is not valid.",
                                "details": {"customer_email": ["Enter a valid email address."]},
                            },
                        },
                    ],
                    "counts": {"created": 1, "updated": 0, "unchanged": 0, "failed": 1},
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = {"orders": request.data} if isinstance(request.data, list) else request.data
        serializer = self.InputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        results = [self._upsert_one(index, raw) for index, raw in enumerate(serializer.validated_data["orders"])]
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        for result in results:
            counts[result.get("outcome", "failed")] += 1
        return Response(self.OutputSerializer({"results": results, "counts": counts}).data)

    def _upsert_one(self, index: int, raw: object) -> dict[str, Any]:
        external_id = (str(raw.get("external_id") or "") or None) if isinstance(raw, dict) else None
        item = OrderInputSerializer(data=raw)
        if not item.is_valid():
            error = error_body("invalid", "The order is not valid.", item.errors)["error"]
            return {"index": index, "external_id": external_id, "error": error}
        try:
            # A savepoint per order: a failure rolls back this order only.
            with transaction.atomic():
                result = order_upsert(data=order_payload(item.validated_data))
        except DomainError as exc:
            error = error_body(exc.code, exc.message, exc.extra or None)["error"]
            return {"index": index, "external_id": external_id, "error": error}
        except IntegrityError:
            # A concurrent writer took the same number or external id.
            error = error_body("conflict", "The order conflicts with another one being written.")["error"]
            return {"index": index, "external_id": external_id, "error": error}
        return {"index": index, "external_id": result.order.external_id, "outcome": result.outcome}


class OrderDetailApi(APIView):
    permission_classes = [OrderRoles]

    OutputSerializer = OrderOutputSerializer

    @extend_schema(
        operation_id="orders_retrieve",
        summary="Read an order with its lines",
        tags=["orders"],
        parameters=[OpenApiParameter("external_id", str, OpenApiParameter.PATH, description="The shop's order id.")],
        responses={200: OrderOutputSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, external_id: str) -> Response:
        return Response(self.OutputSerializer(order_by_external_id(external_id)).data)
