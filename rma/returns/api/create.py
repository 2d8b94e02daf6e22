"""Returns API: create a return, for a customer or on their behalf (one URL with the list: see urls.py)."""

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.permissions import ReturnWriterRoles, error_response, error_responses, request_user
from rma.core.prefetched import prefetched_get
from rma.returns.api.common import (
    IDEMPOTENCY_KEY_HEADER,
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IDEMPOTENCY_KEY_PARAMETER,
)
from rma.returns.api.creation import ReturnCreateInputSerializer, return_create
from rma.returns.api.intake import PREFER_PARAMETER, ReturnIntakeSerializer, intake_accept_response, prefers_async
from rma.returns.api.representations import return_request_created_json
from rma.returns.api.serializers import RETURN_EXAMPLE, ReturnRequestDetailSerializer, _detail_response
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest


class ReturnRequestCreateApi(APIView):
    permission_classes = [ReturnWriterRoles]
    # Lines and drop-off are nested objects: a form cannot carry them.
    parser_classes = [JSONParser]

    InputSerializer = ReturnCreateInputSerializer

    @extend_schema(
        operation_id="returns_create",
        summary="Create a return",
        description=(
            "Creates a return for some lines of an order, after checking each line against the return policy; with "
            "`submit` it is submitted at once. For integration tokens (channel `api`), agents (`agent`) and store "
            "staff (`store`, for one of their shops). When a line's reason requires a photo (`requires_photo` in "
            "/reason-codes/), create the return with `submit: false`, upload the photos with "
            "`POST /returns/{public_id}/lines/{order_line}/photos/`, then `POST /returns/{public_id}/submit/`; "
            "`submit: true` without them is refused with 422 `photo_required` and nothing is created. With "
            "`Prefer: respond-async`, only the body's shape is checked now (400): the answer is 202 and a worker "
            "makes the return, or records the error this call would have answered, at `Location`."
        ),
        tags=["returns"],
        parameters=[IDEMPOTENCY_KEY_PARAMETER, PREFER_PARAMETER],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(ReturnRequestDetailSerializer, description="Created."),
            200: OpenApiResponse(
                ReturnRequestDetailSerializer, description="Already created by an earlier request with this key."
            ),
            202: OpenApiResponse(
                ReturnIntakeSerializer,
                description="With `Prefer: respond-async`: accepted, to be made by a worker; `Location` is the intake "
                "to read its outcome from. The same for a request sent again with its Idempotency-Key.",
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
        user = request_user(request)
        if prefers_async(request):
            # Kept as sent: the worker reads it again with the same serializer (creation.intake_return_make).
            return intake_accept_response(
                user=user, payload=request.data, language=get_language(), idempotency_key=key
            )
        return_request, replayed = return_create(user=user, data=serializer.validated_data, idempotency_key=key)
        if replayed:
            return _detail_response(user=user, return_request=return_request, code=status.HTTP_200_OK)
        return _created_response(user=user, return_request=return_request)


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
