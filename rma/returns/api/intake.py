"""Returns API: a return accepted for later creation (`Prefer: respond-async`), and where its outcome is read.

`POST /returns/` with `Prefer: respond-async` (RFC 7240) checks the body's shape, keeps it and answers 202 with the
intake's address (`Location`); `GET /return-intakes/{id}/` then says `pending`, `created` (with the return) or
`failed` (with the status and error that the synchronous call would have answered). rma/returns/intake.py holds
the rows' life; creation.py the creation both paths share.
"""

from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404, HttpRequest
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.permissions import ReturnWriterRoles, error_responses, request_user
from rma.core.api.values import PageValues
from rma.returns.intake import return_intake_accept
from rma.returns.models import IntakeStatus, ReturnIntake
from rma.returns.tasks import return_intakes_drain_task

PREFER_HEADER = "Prefer"
RESPOND_ASYNC = "respond-async"
# How long a client should wait before it first asks: a return is usually made within a second or two.
RETRY_AFTER_SECONDS = 1

PREFER_PARAMETER = OpenApiParameter(
    PREFER_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "`respond-async` (RFC 7240): the return is made by a worker. The body's shape is checked at once (400), "
        "then the request is answered 202 with `Location`, the intake to read its outcome from "
        "(`GET /return-intakes/{id}/`), and `Preference-Applied: respond-async`. For integrations that send many "
        "returns at once: the answer comes in a few milliseconds, whatever the policy has to check."
    ),
)


def prefers_async(request: HttpRequest | Request) -> bool:
    """Whether the request's `Prefer` header asks for `respond-async` (among other preferences, in any case)."""
    preferences = request.headers.get(PREFER_HEADER, "")
    return any(item.split(";")[0].split("=")[0].strip().lower() == RESPOND_ASYNC for item in preferences.split(","))


def accepted_for_later(request: HttpRequest) -> bool:
    """A creation sent with `Prefer: respond-async`: its one write is the kept request (return_intake_accept), in a
    transaction of its own when it has an Idempotency-Key, so it needs none around the request."""
    return request.method == "POST" and prefers_async(request)


def intake_accept_response(*, user: User, payload: dict[str, Any], language: str, idempotency_key: str) -> Response:
    """Keep the request for the worker and answer 202 (the same for a request sent again with its key)."""
    intake, _replayed = return_intake_accept(
        actor=user,
        payload=payload,
        language=language,
        idempotency_key=idempotency_key,
        drain=return_intakes_drain_task,
    )
    response = Response(intake_json(intake), status=status.HTTP_202_ACCEPTED)
    response["Location"] = intake_url(intake)
    response["Preference-Applied"] = RESPOND_ASYNC
    if intake.status == IntakeStatus.PENDING:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def intake_url(intake: ReturnIntake) -> str:
    return reverse("api-return-intake-detail", kwargs={"public_id": intake.public_id})


def intake_json(intake: ReturnIntake) -> dict[str, Any]:
    return_request, values = intake.return_request, PageValues()
    return {
        "id": str(intake.public_id),
        "status": intake.status,
        "accepted_at": values.datetime(intake.created_at),
        "completed_at": values.datetime(intake.completed_at),
        "http_status": intake.http_status,
        "return": (
            {
                "public_id": str(return_request.public_id),
                "rma_number": return_request.rma_number,
                "url": reverse("api-return-detail", kwargs={"public_id": return_request.public_id}),
            }
            if return_request is not None
            else None
        ),
        "error": intake.error["error"] if intake.error else None,
    }


class ReturnIntakeSerializer(serializers.Serializer):
    """The schema of `intake_json` (the answer is built by hand: one row, no nested serializers)."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=IntakeStatus.choices)
    accepted_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    http_status = serializers.IntegerField(
        allow_null=True,
        help_text="What the synchronous call would have answered: 201 (created), 200 (an earlier return given "
        "back for the Idempotency-Key), or the error's status (400, 403, 404, 409, 422, 500).",
    )
    return_ = inline_serializer(
        "ReturnIntakeReturn",
        fields={
            "public_id": serializers.UUIDField(),
            "rma_number": serializers.CharField(),
            "url": serializers.CharField(help_text="The return in this API."),
        },
        allow_null=True,
    )
    error = inline_serializer(
        "ReturnIntakeError",
        fields={
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "details": serializers.JSONField(required=False),
        },
        allow_null=True,
        help_text="When `failed`: the `error` object of the answer the synchronous call would have given.",
    )

    class Meta:
        ref_name = "ReturnIntake"

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["return"] = fields.pop("return_")
        return fields


class ReturnIntakeDetailApi(APIView):
    permission_classes = [ReturnWriterRoles]

    @extend_schema(
        operation_id="return_intakes_retrieve",
        summary="Read what became of a return accepted for later",
        description=(
            "The outcome of `POST /returns/` sent with `Prefer: respond-async`: `pending` until a worker has made "
            "the return (ask again after `Retry-After` seconds), then `created` with the return, or `failed` with "
            "the error the synchronous call would have answered. Only the caller who sent it can read it."
        ),
        tags=["returns"],
        parameters=[
            OpenApiParameter(
                "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The intake's id (`Location`)."
            )
        ],
        responses={200: ReturnIntakeSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        intake = _intake_of(user=request_user(request), public_id=public_id)
        response = Response(intake_json(intake))
        if intake.status == IntakeStatus.PENDING:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _intake_of(*, user: User | AnonymousUser, public_id: UUID) -> ReturnIntake:
    """The caller's own intake (a superuser sees any); another's looks exactly like an unknown one."""
    intakes = ReturnIntake.objects.select_related("return_request")
    if not user.is_superuser:
        intakes = intakes.filter(actor_id=user.pk)
    intake = intakes.filter(public_id=public_id).first()
    if intake is None:
        raise Http404
    return intake
