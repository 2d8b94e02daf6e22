"""Returns API: create a return, for a customer or on their behalf (one URL with the list: see urls.py)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.fields import StrictBooleanField, StrictCharField, StrictChoiceField, StrictIntegerField
from rma.core.api.permissions import ReturnWriterRoles, error_response, error_responses, request_user
from rma.core.exceptions import UnknownReference
from rma.core.prefetched import prefetched_get
from rma.locations.choices import DropOffMethod
from rma.locations.models import Store
from rma.orders.models import Order
from rma.returns import selectors
from rma.returns.api.common import (
    IDEMPOTENCY_KEY_HEADER,
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IDEMPOTENCY_KEY_PARAMETER,
    LANGUAGES,
)
from rma.returns.api.representations import return_request_created_json
from rma.returns.api.serializers import RETURN_EXAMPLE, ReturnRequestDetailSerializer, _detail_response
from rma.returns.choices import CreationChannel, Resolution, ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReturnRequest
from rma.returns.policy import PICKUP_SLOTS
from rma.returns.services import ReturnLineInput, return_request_create_once


class ReturnLineInputSerializer(serializers.Serializer):
    order_line = StrictCharField(max_length=64, help_text="The order line's external id.")
    quantity = StrictIntegerField(min_value=1, max_value=100_000)
    reason = StrictCharField(max_length=40, help_text="A reason code (see /reason-codes/).")
    comment = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    exchange_sku = StrictCharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="With resolution `exchange`: the SKU wanted instead (another size or colour).",
    )


class DropOffInputSerializer(serializers.Serializer):
    method = StrictChoiceField(choices=DropOffMethod.choices)
    point_id = StrictIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="A drop-off point's `id`; not for home pickup.",
    )
    pickup_date = serializers.DateField(required=False, allow_null=True, help_text="Home pickup only.")
    pickup_slot = StrictChoiceField(
        choices=PICKUP_SLOTS, required=False, allow_blank=True, help_text="Home pickup only."
    )


class ReturnRequestCreateApi(APIView):
    permission_classes = [ReturnWriterRoles]
    # Lines and drop-off are nested objects: a form cannot carry them.
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        order = StrictCharField(max_length=64, help_text="The order's external id or number.")
        # The list spelled out (what many=True builds): the stubs do not know many=True passes max_length on.
        lines: serializers.ListSerializer[dict[str, Any]] = serializers.ListSerializer(
            child=ReturnLineInputSerializer(), allow_empty=False, max_length=200
        )
        resolution = StrictChoiceField(choices=Resolution.choices, default=Resolution.REFUND)
        drop_off = DropOffInputSerializer()
        contact_email = serializers.EmailField(
            required=False, allow_blank=True, help_text="Default: the order's email."
        )
        locale = StrictChoiceField(choices=LANGUAGES, required=False, help_text="Default: the order's.")
        store = StrictCharField(
            max_length=16,
            required=False,
            allow_blank=True,
            help_text="Code of the shop taking the return. Store staff: one of their shops (default: their only one).",
        )
        submit = StrictBooleanField(
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
            "staff (`store`, for one of their shops). When a line's reason requires a photo (`requires_photo` in "
            "/reason-codes/), create the return with `submit: false`, upload the photos with "
            "`POST /returns/{public_id}/lines/{order_line}/photos/`, then `POST /returns/{public_id}/submit/`; "
            "`submit: true` without them is refused with 422 `photo_required` and nothing is created."
        ),
        tags=["returns"],
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(ReturnRequestDetailSerializer, description="Created."),
            200: OpenApiResponse(
                ReturnRequestDetailSerializer, description="Already created by an earlier request with this key."
            ),
            400: error_response(400, "Invalid body, or a drop-off or reason that this return cannot use."),
            **error_responses(401, 403),
            404: error_response(404, "Unknown order, line, reason code, drop-off point or shop (named in `details`)."),
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
                "A line cannot be returned (window closed, not returnable, already returned, too many units), or "
                "the exchange asked for is refused: `exchange_unknown_sku`, `exchange_other_product` (an exchange is "
                "for another size or colour of the same product), `exchange_out_of_stock`, `exchange_price_differs` "
                "(unless the policy allows another price), `exchange_unavailable` (the shop cannot be asked). "
                "Also when `submit` is true and a line's reason requires a photo (`photo_required`).",
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
        user = request_user(request)
        channel, store = self._channel_and_store(user=user, store_code=data.get("store", ""))
        order, lines, drop_off = self._resolve(data)
        return_request, replayed = return_request_create_once(
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
            idempotency_scope=str(user.pk),
        )
        if replayed:
            return _detail_response(user=user, return_request=return_request, code=status.HTTP_200_OK)
        return _created_response(user=user, return_request=return_request)

    @staticmethod
    def _channel_and_store(*, user: User | AnonymousUser, store_code: str) -> tuple[str, Store | None]:
        """Integrations create through `api`, agents through `agent`, store staff at one of their shops."""
        user_roles = roles.user_roles(user)
        if roles.INTEGRATION in user_roles or roles.AGENT in user_roles or user.is_superuser:
            channel = CreationChannel.API if roles.INTEGRATION in user_roles else CreationChannel.AGENT
            if not store_code:
                return channel, None
            store = selectors.store_get(code=store_code)
            if store is None:
                raise UnknownReference("Unknown shop.", extra={"store": ["Unknown shop."]})
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
        """Turn references (order, line and reason codes, point id) into rows, or a 404 naming each unknown one."""
        order = selectors.order_get_by_reference(reference=data["order"])
        if order is None:
            raise UnknownReference("Unknown order.", extra={"order": ["Unknown order."]})
        order_lines = {line.external_id: line for line in order.lines.all()}
        reasons = selectors.reason_codes_by_code(codes=[item["reason"] for item in data["lines"]])
        # Keyed by position, like DRF's own errors for a list of objects.
        line_errors: dict[str, dict[str, list[str]]] = {}
        for index, item in enumerate(data["lines"]):
            if item["order_line"] not in order_lines:
                line_errors.setdefault(str(index), {})["order_line"] = ["No such line in this order."]
            if item["reason"] not in reasons:
                line_errors.setdefault(str(index), {})["reason"] = ["Unknown reason code."]
        if line_errors:
            raise UnknownReference("Unknown order line or reason code.", extra={"lines": line_errors})
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
                raise UnknownReference(
                    "Unknown drop-off point.", extra={"drop_off": {"point_id": ["Unknown drop-off point."]}}
                )
        drop_off = DropOffChoice(
            method=drop_off_data["method"],
            point=point,
            pickup_date=drop_off_data.get("pickup_date"),
            pickup_slot=drop_off_data.get("pickup_slot", ""),
        )
        return order, lines, drop_off


# Where a creation leaves a return when every change went through the instance it gives back.
_CREATION_OUTCOMES = frozenset({ReturnStatus.DRAFT, ReturnStatus.APPROVED, ReturnStatus.NEEDS_REVIEW})


def _created_response(*, user: User | AnonymousUser, return_request: ReturnRequest) -> Response:
    """The return this request created, from the instance the service gave back: made in this transaction, which
    holds its row, it carries what was written (lines, events, label), so it is answered without a read back.

    Read back when it went further (a returnless refund moves it through another instance): then its timeline
    ends elsewhere than its status, or it is in a status a creation does not end in.
    """
    timeline = prefetched_get(instance=return_request, name="events")
    if timeline and timeline[-1].to_status == return_request.status and return_request.status in _CREATION_OUTCOMES:
        return Response(return_request_created_json(return_request), status=status.HTTP_201_CREATED)
    return _detail_response(user=user, return_request=return_request, code=status.HTTP_201_CREATED)
