"""Returns API: one return, read and moved through its lifecycle (submit, cancel, approve, reject)."""

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import StrictCharField
from rma.core.api.permissions import (
    AnyStaffRole,
    ReturnWriterRoles,
    ReviewerRoles,
    error_response,
    error_responses,
    request_user,
)
from rma.returns.api.common import PUBLIC_ID_PARAMETER, _return_request_or_404
from rma.returns.api.serializers import RETURN_EXAMPLE, ReturnRequestDetailSerializer, _detail_response
from rma.returns.models import ReturnRequest
from rma.returns.services import (
    Actor,
    return_request_approve,
    return_request_cancel,
    return_request_reject,
    return_request_submit,
)

_View = TypeVar("_View", bound=Callable[..., Any])


class _NotedTransition(Protocol):
    def __call__(self, *, return_request: ReturnRequest, actor: Actor, note: str) -> ReturnRequest: ...


class _Decision(Protocol):
    def __call__(self, *, return_request: ReturnRequest, actor: Actor, reason: str, note: str) -> ReturnRequest: ...


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


PHOTO_REQUIRED_EXAMPLE = OpenApiExample(
    "photo_required",
    value={
        "error": {
            "code": "photo_required",
            "message": "Add a photo of CHE-LIN-BLA-M: its reason (“Defective”) asks for one.",
            "details": {"lines": {"184467-1": {"code": "photo_required", "message": "…"}}},
        }
    },
    status_codes=[422],
)


def _transition_schema(
    operation_id: str,
    summary: str,
    description: str,
    request: type[serializers.Serializer] | None = None,
    extra_responses: dict[int, OpenApiResponse] | None = None,
) -> Callable[[_View], _View]:
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
            **(extra_responses or {}),
        },
    )


class ReturnRequestSubmitApi(APIView):
    permission_classes = [ReturnWriterRoles]

    @_transition_schema(
        "returns_submit",
        "Submit a draft return",
        "The policy approves it at once or sends it to review. Integrations, agents, and store staff for their shops. "
        "Refused with 422 `photo_required` (naming each line in `details.lines`) while a line whose reason requires "
        "a photo has none: add them first with `POST /returns/{public_id}/lines/{order_line}/photos/`.",
        extra_responses={
            422: error_response(
                422, "A line's reason requires a photo and it has none.", examples=[PHOTO_REQUIRED_EXAMPLE]
            )
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = _return_request_or_404(user=request.user, public_id=public_id)
        return_request_submit(return_request=return_request, actor=request_user(request))
        return _detail_response(user=request.user, return_request=return_request)


def _noted_transition(
    input_serializer: type[serializers.Serializer], request: Request, public_id: str, transition: _NotedTransition
) -> Response:
    """Find the return (404 first), validate the view's InputSerializer, apply `transition` with the note."""
    return_request = _return_request_or_404(user=request.user, public_id=public_id)
    serializer = input_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    transition(return_request=return_request, actor=request_user(request), note=serializer.validated_data["note"])
    return _detail_response(user=request.user, return_request=return_request)


class NoteInputSerializer(serializers.Serializer):
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


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
        return _noted_transition(self.InputSerializer, request, public_id, return_request_cancel)


class ReviewDecisionInputSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the customer is told: on the tracking page and in the email.",
    )
    note = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="For staff only, on the return's timeline (use the notes endpoint for a longer discussion).",
    )

    class Meta:
        ref_name = "ReturnRequestApproveInput"


def _review_decision(
    input_serializer: type[serializers.Serializer], request: Request, public_id: str, decide: _Decision
) -> Response:
    """Find the return (404 first), validate the input, decide with its reason and note."""
    return_request = _return_request_or_404(user=request.user, public_id=public_id)
    serializer = input_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    decide(return_request=return_request, actor=request_user(request), reason=data["reason"], note=data["note"])
    return _detail_response(user=request.user, return_request=return_request)


class ReturnRequestApproveApi(APIView):
    permission_classes = [ReviewerRoles]

    InputSerializer = ReviewDecisionInputSerializer

    @_transition_schema(
        "returns_approve",
        "Approve a return under review",
        'The review queue: agents, superusers and tokens given the permission "Can approve or reject returns under '
        'review". An optional `reason` is told to the customer.',
        request=ReviewDecisionInputSerializer,
    )
    def post(self, request: Request, public_id: str) -> Response:
        return _review_decision(self.InputSerializer, request, public_id, return_request_approve)


class ReturnRequestRejectApi(APIView):
    permission_classes = [ReviewerRoles]

    class InputSerializer(ReviewDecisionInputSerializer):
        reason = StrictCharField(
            max_length=2000, help_text="Why: the customer is told, on the tracking page and in the email."
        )  # required here, optional when approving

        class Meta:
            ref_name = "ReturnRequestRejectInput"

    @_transition_schema(
        "returns_reject",
        "Reject a return under review",
        'The review queue: agents, superusers and tokens given the permission "Can approve or reject returns under '
        'review". A `reason` is required: the customer is told.',
        request=InputSerializer,
    )
    def post(self, request: Request, public_id: str) -> Response:
        return _review_decision(self.InputSerializer, request, public_id, return_request_reject)
