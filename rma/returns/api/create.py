"""Returns API: eligibility, reason codes, and returns from creation to review."""

from collections.abc import Callable
from typing import Any

import django_filters
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import (
    AnyStaffRole,
    OrderRoles,
    ReturnWriterRoles,
    ReviewerRoles,
    error_response,
    error_responses,
)
from rma.locations.choices import DropOffKind, DropOffMethod
from rma.locations.models import Store
from rma.orders.models import Order
from rma.returns import selectors
from rma.returns.choices import CreationChannel, LegalBasis, Resolution, Responsibility, ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.policy import PICKUP_SLOTS, order_eligibility
from rma.returns.services import (
    DropOffChoice,
    ReturnLineInput,
    return_request_approve,
    return_request_cancel,
    return_request_create,
    return_request_reject,
    return_request_submit,
)

LANGUAGES = ("fr", "en")
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 128

PUBLIC_ID_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The return's public id."
)
EXTERNAL_ID_PARAMETER = OpenApiParameter(
    "external_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The shop's order id."
)
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_KEY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, up to 128 characters. Sending the same key again (same user, same body) gives back the return "
        "the first request created, with 200 instead of 201; the same key with a different body is refused with "
        "409 `idempotency_key_reused`."
    ),
)


def _return_request_or_404(*, user: AbstractBaseUser, public_id: str) -> ReturnRequest:
    """A return in the user's scope; out of scope looks exactly like unknown, so existence is not revealed."""
    return_request = selectors.return_request_get(user=user, public_id=public_id)
    if return_request is None:
        raise Http404
    return return_request


# ---- Output shapes shared by the return endpoints


class ReasonSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="In the request language.")


class ReturnLineOutputSerializer(serializers.Serializer):
    order_line = serializers.CharField(source="order_line.external_id", help_text="The order line's external id.")
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")
    unit_price = serializers.DecimalField(source="order_line.unit_price", max_digits=10, decimal_places=2)
    quantity = serializers.IntegerField()
    reason = ReasonSummarySerializer()
    comment = serializers.CharField()
    exchange_sku = serializers.CharField(help_text="The SKU wanted in exchange, if any.")


class ReturnDropOffPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    # A plain string in the schema (the enum is DropOffPoint.kind), so that the `kind` enum keeps one name.
    kind = serializers.CharField(help_text="One of " + ", ".join(DropOffKind.values) + ".")
    carrier = serializers.CharField()
    carrier_point_id = serializers.CharField()
    address_lines = serializers.ListField(child=serializers.CharField())


class ReturnDropOffSerializer(serializers.Serializer):
    method = serializers.ChoiceField(source="drop_off_method", choices=DropOffMethod.choices)
    point = ReturnDropOffPointSerializer(source="drop_off_point", allow_null=True)
    pickup_date = serializers.DateField(allow_null=True)
    pickup_slot = serializers.CharField()


class ReturnLabelSerializer(serializers.Serializer):
    carrier = serializers.CharField()
    status = serializers.CharField()
    tracking_number = serializers.CharField(allow_null=True)


class ReturnEventOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    by = serializers.CharField(source="actor_label", help_text="Username, `customer`, `policy` or `system`.")
    # Plain strings (statuses) in the schema, so that the status enum keeps one name.
    to = serializers.CharField(source="to_status", help_text="A return status.")
    note = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        source = serializers.CharField(source="from_status", help_text="A return status; empty at creation.")
        return {"at": fields["at"], "by": fields["by"], "from": source, "to": fields["to"], "note": fields["note"]}


class ReturnOrderSummarySerializer(serializers.Serializer):
    external_id = serializers.CharField()
    number = serializers.CharField()


class ReturnRequestSummarySerializer(serializers.Serializer):
    """A return as lists show it."""

    public_id = serializers.UUIDField()
    rma_number = serializers.CharField()
    status = serializers.ChoiceField(choices=ReturnStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    order = ReturnOrderSummarySerializer()
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    channel = serializers.ChoiceField(choices=CreationChannel.choices)
    locale = serializers.CharField()
    contact_email = serializers.EmailField()
    contact_name = serializers.CharField()
    store = serializers.CharField(source="store.code", allow_null=True, help_text="Code of the shop handling it.")
    destination_warehouse = serializers.CharField(
        source="destination_warehouse.code", allow_null=True, help_text="Code of the warehouse it goes to."
    )
    drop_off = ReturnDropOffSerializer(source="*")
    currency = serializers.CharField()
    fee_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    refund_estimate = serializers.DecimalField(max_digits=10, decimal_places=2)
    returnless = serializers.BooleanField(help_text="Refund without return: the customer keeps the items.")
    review_reason = serializers.CharField()
    label = serializers.SerializerMethodField()
    lines = ReturnLineOutputSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    send_by = serializers.DateTimeField(allow_null=True, help_text="An approved return expires if not sent by then.")

    @extend_schema_field(ReturnLabelSerializer(allow_null=True))
    def get_label(self, return_request: ReturnRequest) -> dict[str, Any] | None:
        # The label belongs to the shipping app; the selectors load it with the return (no extra query).
        label = getattr(return_request, "label", None)
        return None if label is None else ReturnLabelSerializer(label).data


class ReturnRequestDetailSerializer(ReturnRequestSummarySerializer):
    """A return with its timeline."""

    timeline = ReturnEventOutputSerializer(source="events", many=True)


RETURN_EXAMPLE = {
    "public_id": "0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40",
    "rma_number": "R-7KQ2-M9XD",
    "status": "approved",
    "status_label": "Approved",
    "order": {"external_id": "shop-184467", "number": "ML184467"},
    "resolution": "refund",
    "channel": "api",
    "locale": "fr",
    "contact_email": "chloe.martin@example.fr",
    "contact_name": "Chloé Martin",
    "store": None,
    "destination_warehouse": "WH-LYS",
    "drop_off": {
        "method": "relay_point",
        "point": {
            "id": 812,
            "name": "Tabac Presse de la Roquette",
            "kind": "relay_point",
            "carrier": "mondial_relay",
            "carrier_point_id": "FR-004211",
            "address_lines": ["112 rue de la Roquette", "75011 Paris"],
        },
        "pickup_date": None,
        "pickup_slot": "",
    },
    "currency": "EUR",
    "fee_amount": "0.00",
    "refund_estimate": "49.90",
    "returnless": False,
    "review_reason": "",
    "label": None,
    "lines": [
        {
            "order_line": "184467-1",
            "sku": "CHE-LIN-BLA-M",
            "name": "Chemise en lin",
            "unit_price": "49.90",
            "quantity": 1,
            "reason": {"code": "too-small", "label": "Too small"},
            "comment": "",
            "exchange_sku": "",
        }
    ],
    "created_at": "2026-11-12T09:30:00+01:00",
    "updated_at": "2026-11-12T09:30:00+01:00",
    "submitted_at": "2026-11-12T09:30:00+01:00",
    "approved_at": "2026-11-12T09:30:00+01:00",
    "send_by": "2026-11-26T09:30:00+01:00",
    "timeline": [
        {
            "at": "2026-11-12T09:30:00+01:00",
            "by": "shop-api",
            "from": "",
            "to": "draft",
            "note": "Created through API.",
        },
        {"at": "2026-11-12T09:30:00+01:00", "by": "shop-api", "from": "draft", "to": "submitted", "note": ""},
        {
            "at": "2026-11-12T09:30:00+01:00",
            "by": "policy",
            "from": "submitted",
            "to": "approved",
            "note": "Approved by the policy.",
        },
    ],
}


def _detail_response(*, user: AbstractBaseUser, return_request: ReturnRequest, code: int = 200) -> Response:
    """The return as it now is in the database, with everything loaded in a fixed number of queries."""
    fresh = _return_request_or_404(user=user, public_id=str(return_request.public_id))
    return Response(ReturnRequestDetailSerializer(fresh).data, status=code)


# ---- Eligibility


class LineEligibilitySerializer(serializers.Serializer):
    order_line = serializers.CharField(source="order_line.external_id", help_text="The line's external id.")
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")
    quantity = serializers.IntegerField(source="order_line.quantity", help_text="Units ordered.")
    quantity_in_returns = serializers.IntegerField(source="order_line.quantity_in_returns")
    returnable_quantity = serializers.IntegerField()
    eligible = serializers.BooleanField()
    code = serializers.CharField(help_text="`eligible`, or why not (`window_closed`, `final_sale`, …).")
    message = serializers.CharField(help_text="Why not, in the request language; empty when eligible.")
    window_closes_on = serializers.DateField(allow_null=True)


class OrderEligibilityApi(APIView):
    permission_classes = [OrderRoles]

    class OutputSerializer(serializers.Serializer):
        external_id = serializers.CharField()
        number = serializers.CharField()
        delivered_at = serializers.DateTimeField(allow_null=True)
        lines = LineEligibilitySerializer(many=True)

        class Meta:
            ref_name = "OrderEligibility"

    @extend_schema(
        operation_id="orders_eligibility",
        summary="What can be returned from an order",
        description=(
            "Each line with how many units can still be returned and, when none, why (as a stable code and in words, "
            "in the request language). For integration tokens, agents and superusers."
        ),
        tags=["orders"],
        parameters=[EXTERNAL_ID_PARAMETER],
        responses={200: OutputSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, external_id: str) -> Response:
        order = selectors.order_get(external_id=external_id)
        if order is None:
            raise Http404
        data = {
            "external_id": order.external_id,
            "number": order.number,
            "delivered_at": order.delivered_at,
            "lines": order_eligibility(order=order),
        }
        return Response(self.OutputSerializer(data).data)


# ---- Reason codes


class ReasonCodePagination(CursorPagination):
    ordering = ("position", "code")
    page_size = 100


class ReasonCodeListApi(APIView):
    permission_classes = [AnyStaffRole]
    pagination_class = ReasonCodePagination

    class FilterSerializer(serializers.Serializer):
        lang = serializers.ChoiceField(
            choices=LANGUAGES, required=False, help_text="Language of `label`; default from Accept-Language."
        )

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        label = serializers.CharField(help_text="In the request language.")
        label_fr = serializers.CharField()
        label_en = serializers.CharField()
        responsibility = serializers.ChoiceField(choices=Responsibility.choices)
        requires_photo = serializers.BooleanField()
        free_return = serializers.BooleanField()
        legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)

        class Meta:
            ref_name = "ReasonCode"

    @extend_schema(
        operation_id="reason_codes_list",
        summary="Active reason codes",
        description="Why a customer may return an item, in display order. Any staff role.",
        tags=["reason codes"],
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        language = filters.validated_data.get("lang") or translation.get_language() or "fr"
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.reason_code_list(), request, view=self)
        with translation.override(language):
            data = self.OutputSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


# ---- Returns: list and create (one URL, two views: see api_urls.py)


class ReturnRequestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReturnStatus.choices, help_text="Repeat for several.")
    order = django_filters.CharFilter(field_name="order__number", help_text="Order number.")
    contact_email = django_filters.CharFilter(lookup_expr="iexact")
    channel = django_filters.ChoiceFilter(choices=CreationChannel.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    store = django_filters.CharFilter(field_name="store__code", help_text="Shop code.")
    warehouse = django_filters.CharFilter(field_name="destination_warehouse__code", help_text="Warehouse code.")

    class Meta:
        model = ReturnRequest
        fields = (
            "status",
            "order",
            "contact_email",
            "channel",
            "created_after",
            "created_before",
            "store",
            "warehouse",
        )


class ReturnRequestListApi(APIView):
    permission_classes = [AnyStaffRole]
    pagination_class = CursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReturnRequestFilter
    # Only tells the schema generator (and the filter backend's check) which model is listed; never evaluated.
    queryset = ReturnRequest.objects.none()

    @extend_schema(
        operation_id="returns_list",
        summary="Returns in your scope",
        description=(
            "Newest first, cursor-paginated. Superusers, agents and integrations see every return; store staff "
            "the returns of their shops; warehouse staff the returns bound for their warehouses."
        ),
        tags=["returns"],
        responses={200: ReturnRequestSummarySerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.return_request_list(user=request.user)
        queryset = DjangoFilterBackend().filter_queryset(request, queryset, self)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(ReturnRequestSummarySerializer(page, many=True).data)


class ReturnLineInputSerializer(serializers.Serializer):
    order_line = serializers.CharField(max_length=64, help_text="The order line's external id.")
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    reason = serializers.CharField(max_length=40, help_text="A reason code (see /reason-codes/).")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    exchange_sku = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="With resolution `exchange`: the SKU wanted instead (another size or colour).",
    )


class DropOffInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DropOffMethod.choices)
    point_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="A drop-off point's `id`; not for home pickup.",
    )
    pickup_date = serializers.DateField(required=False, allow_null=True, help_text="Home pickup only.")
    pickup_slot = serializers.ChoiceField(
        choices=PICKUP_SLOTS, required=False, allow_blank=True, help_text="Home pickup only."
    )


class ReturnRequestCreateApi(APIView):
    permission_classes = [ReturnWriterRoles]

    class InputSerializer(serializers.Serializer):
        order = serializers.CharField(max_length=64, help_text="The order's external id or number.")
        lines = ReturnLineInputSerializer(many=True, allow_empty=False, max_length=200)
        resolution = serializers.ChoiceField(choices=Resolution.choices, default=Resolution.REFUND)
        drop_off = DropOffInputSerializer()
        contact_email = serializers.EmailField(
            required=False, allow_blank=True, help_text="Default: the order's email."
        )
        locale = serializers.ChoiceField(choices=LANGUAGES, required=False, help_text="Default: the order's.")
        store = serializers.CharField(
            max_length=16,
            required=False,
            allow_blank=True,
            help_text="Code of the shop taking the return. Store staff: one of their shops (default: their only one).",
        )
        submit = serializers.BooleanField(
            default=False, help_text="Submit at once: approved by the policy, or sent to review."
        )

        class Meta:
            ref_name = "ReturnRequestCreate"

    @extend_schema(
        operation_id="returns_create",
        summary="Create a return",
        description=(
            "Creates a return for some lines of an order, after checking each line against the return policy; with "
            "`submit` it is submitted at once. For integration tokens (channel `api`), agents (`agent`) and store "
            "staff (`store`, for one of their shops)."
        ),
        tags=["returns"],
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(ReturnRequestDetailSerializer, description="Created."),
            200: OpenApiResponse(
                ReturnRequestDetailSerializer, description="Already created by an earlier request with this key."
            ),
            400: error_response(400, "Invalid body, unknown order, line, reason or point, or a bad drop-off."),
            **error_responses(401, 403),
            409: error_response(
                409,
                "The Idempotency-Key was used for a different body, or a request with it is in progress.",
                examples=[
                    OpenApiExample(
                        "idempotency_key_reused",
                        value={
                            "error": {
                                "code": "idempotency_key_reused",
                                "message": "This Idempotency-Key was already used for a different request.",
                            }
                        },
                        status_codes=[409],
                    )
                ],
            ),
            422: error_response(
                422,
                "A line cannot be returned (window closed, not returnable, already returned, too many units).",
                examples=[
                    OpenApiExample(
                        "window_closed",
                        value={
                            "error": {
                                "code": "window_closed",
                                "message": "The return window closed on 5 December 2026.",
                                "details": {"lines": {"184467-1": {"code": "window_closed", "message": "…"}}},
                            }
                        },
                        status_codes=[422],
                    )
                ],
            ),
        },
        examples=[
            OpenApiExample(
                "Relay point drop-off",
                request_only=True,
                value={
                    "order": "shop-184467",
                    "lines": [{"order_line": "184467-1", "quantity": 1, "reason": "too-small", "comment": ""}],
                    "resolution": "refund",
                    "drop_off": {"method": "relay_point", "point_id": 812},
                    "submit": True,
                },
            ),
            OpenApiExample(
                "Home pickup",
                request_only=True,
                value={
                    "order": "ML184467",
                    "lines": [
                        {
                            "order_line": "184467-1",
                            "quantity": 2,
                            "reason": "too-small",
                            "exchange_sku": "CHE-LIN-BLA-L",
                        }
                    ],
                    "resolution": "exchange",
                    "drop_off": {"method": "home_pickup", "pickup_date": "2026-11-14", "pickup_slot": "08:00-12:00"},
                },
            ),
            OpenApiExample("Created", response_only=True, status_codes=[201], value=RETURN_EXAMPLE),
        ],
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get(IDEMPOTENCY_KEY_HEADER, "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise ValidationError({IDEMPOTENCY_KEY_HEADER: [f"At most {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        channel, store = self._channel_and_store(user=user, store_code=data.get("store", ""))
        order, lines, drop_off = self._resolve(data)
        scope = str(user.pk)
        replay = bool(key) and selectors.idempotency_key_used(scope=scope, key=key)
        return_request = return_request_create(
            order=order,
            lines=lines,
            drop_off=drop_off,
            resolution=data["resolution"],
            contact_email=data.get("contact_email", ""),
            locale=data.get("locale") or (order.locale[:2] if order.locale[:2] in LANGUAGES else "fr"),
            channel=channel,
            actor=user,
            store=store,
            submit=data["submit"],
            idempotency_key=key,
            idempotency_scope=scope,
        )
        code = status.HTTP_200_OK if replay else status.HTTP_201_CREATED
        return _detail_response(user=user, return_request=return_request, code=code)

    @staticmethod
    def _channel_and_store(*, user: AbstractBaseUser, store_code: str) -> tuple[str, Store | None]:
        """Integrations create through `api`, agents through `agent`, store staff at one of their shops."""
        user_roles = roles.user_roles(user)
        if roles.INTEGRATION in user_roles or roles.AGENT in user_roles or user.is_superuser:
            channel = CreationChannel.API if roles.INTEGRATION in user_roles else CreationChannel.AGENT
            if not store_code:
                return channel, None
            store = selectors.store_get(code=store_code)
            if store is None:
                raise ValidationError({"store": ["Unknown shop."]})
            return channel, store
        # Store staff: the shop must be one of theirs.
        stores = selectors.stores_of(user=user)
        if store_code:
            store = next((s for s in stores if s.code == store_code), None)
            if store is None:
                raise PermissionDenied("You do not work at this shop.")
            return CreationChannel.STORE, store
        if not stores:
            raise PermissionDenied("You are not attached to any shop.")
        if len(stores) > 1:
            raise ValidationError({"store": ["You work at several shops: say which one."]})
        return CreationChannel.STORE, stores[0]

    @staticmethod
    def _resolve(data: dict[str, Any]) -> tuple[Order, list[ReturnLineInput], DropOffChoice]:
        """Turn references (order, line and reason codes, point id) into rows, or a 400 naming each unknown one."""
        order = selectors.order_get_by_reference(reference=data["order"])
        if order is None:
            raise ValidationError({"order": ["Unknown order."]})
        order_lines = {line.external_id: line for line in order.lines.all()}
        reasons = selectors.reason_codes_by_code(codes=[item["reason"] for item in data["lines"]])
        # Keyed by position, like DRF's own errors for a list of objects.
        line_errors: dict[int, dict[str, list[str]]] = {}
        for index, item in enumerate(data["lines"]):
            if item["order_line"] not in order_lines:
                line_errors.setdefault(index, {})["order_line"] = ["No such line in this order."]
            if item["reason"] not in reasons:
                line_errors.setdefault(index, {})["reason"] = ["Unknown reason code."]
        if line_errors:
            raise ValidationError({"lines": line_errors})
        lines = [
            ReturnLineInput(
                order_line=order_lines[item["order_line"]],
                quantity=item["quantity"],
                reason=reasons[item["reason"]],
                comment=item.get("comment", ""),
                exchange_sku=item.get("exchange_sku", ""),
            )
            for item in data["lines"]
        ]
        drop_off_data = data["drop_off"]
        point = None
        if drop_off_data.get("point_id") is not None:
            point = selectors.drop_off_point_get(pk=drop_off_data["point_id"])
            if point is None:
                raise ValidationError({"drop_off": {"point_id": ["Unknown drop-off point."]}})
        drop_off = DropOffChoice(
            method=drop_off_data["method"],
            point=point,
            pickup_date=drop_off_data.get("pickup_date"),
            pickup_slot=drop_off_data.get("pickup_slot", ""),
        )
        return order, lines, drop_off


# ---- Returns: one


class ReturnRequestDetailApi(APIView):
    permission_classes = [AnyStaffRole]

    @extend_schema(
        operation_id="returns_retrieve",
        summary="Read a return",
        description="With its lines, timeline, fees, drop-off, destination warehouse and label.",
        tags=["returns"],
        parameters=[PUBLIC_ID_PARAMETER],
        responses={
            200: OpenApiResponse(
                ReturnRequestDetailSerializer,
                examples=[OpenApiExample("Approved", value=RETURN_EXAMPLE)],
            ),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request: Request, public_id: str) -> Response:
        return_request = _return_request_or_404(user=request.user, public_id=public_id)
        return Response(ReturnRequestDetailSerializer(return_request).data)


def _transition_schema(operation_id: str, summary: str, description: str, request: Any = None) -> Any:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        tags=["returns"],
        parameters=[PUBLIC_ID_PARAMETER],
        request=request,
        responses={
            200: ReturnRequestDetailSerializer,
            409: error_response(409, "Not possible from the return's current status."),
            **error_responses(400, 401, 403, 404),
        },
    )


class ReturnRequestSubmitApi(APIView):
    permission_classes = [ReturnWriterRoles]

    @_transition_schema(
        "returns_submit",
        "Submit a draft return",
        "The policy approves it at once or sends it to review. Integrations, agents, and store staff for their shops.",
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = _return_request_or_404(user=request.user, public_id=public_id)
        return_request_submit(return_request=return_request, actor=request.user)
        return _detail_response(user=request.user, return_request=return_request)


def _noted_transition(view: Any, request: Request, public_id: str, transition: Callable[..., Any]) -> Response:
    """Find the return (404 first), validate the view's InputSerializer, apply `transition` with the note."""
    return_request = _return_request_or_404(user=request.user, public_id=public_id)
    serializer = view.InputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    transition(return_request=return_request, actor=request.user, note=serializer.validated_data["note"])
    return _detail_response(user=request.user, return_request=return_request)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReturnRequestCancelApi(APIView):
    permission_classes = [ReturnWriterRoles]

    InputSerializer = NoteInputSerializer

    @_transition_schema(
        "returns_cancel",
        "Cancel a return",
        "Possible until the parcel is on its way; the units become returnable again. Integrations, agents, and "
        "store staff for their shops.",
        request=NoteInputSerializer,
    )
    def post(self, request: Request, public_id: str) -> Response:
        return _noted_transition(self, request, public_id, return_request_cancel)


class ReturnRequestApproveApi(APIView):
    permission_classes = [ReviewerRoles]

    InputSerializer = NoteInputSerializer

    @_transition_schema(
        "returns_approve",
        "Approve a return under review",
        "The review queue: agents and superusers only.",
        request=NoteInputSerializer,
    )
    def post(self, request: Request, public_id: str) -> Response:
        return _noted_transition(self, request, public_id, return_request_approve)


class ReturnRequestRejectApi(APIView):
    permission_classes = [ReviewerRoles]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, help_text="Why: the customer is told.")

        class Meta:
            ref_name = "ReturnRequestRejectInput"

    @_transition_schema(
        "returns_reject",
        "Reject a return under review",
        "The review queue: agents and superusers only. A note saying why is required.",
        request=InputSerializer,
    )
    def post(self, request: Request, public_id: str) -> Response:
        return _noted_transition(self, request, public_id, return_request_reject)
