"""Returns API: a return's internal notes (staff only; never shown or sent to the customer or the shop)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import StrictCharField
from rma.core.api.permissions import NoteReaders, NoteWriters, error_responses, request_user
from rma.returns.api.common import PUBLIC_ID_PARAMETER, return_request_alone_or_404
from rma.returns.notes import NOTE_MAX_LENGTH, return_note_add, return_notes_list

NOTE_EXAMPLE = {
    "at": "2026-11-12T10:05:00+01:00",
    "by": "agent-claire",
    "body": "Called the customer: the stain was there on delivery. Approving.",
}


class ReturnNoteOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    by = serializers.CharField(source="author_label", help_text="Username of the author.")
    body = serializers.CharField()

    class Meta:
        ref_name = "ReturnNote"


class ReturnNoteListApi(APIView):
    permission_classes = [NoteReaders]

    @extend_schema(
        operation_id="returns_notes_list",
        summary="A return's internal notes",
        description=(
            "Oldest first. For agents, warehouse operators (their warehouse's returns), superusers and tokens given "
            'the permission "Can view internal note". Customers never see these notes.'
        ),
        tags=["returns"],
        parameters=[PUBLIC_ID_PARAMETER],
        responses={
            200: OpenApiResponse(
                ReturnNoteOutputSerializer(many=True), examples=[OpenApiExample("Notes", value=[NOTE_EXAMPLE])]
            ),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request: Request, public_id: str) -> Response:
        return_request = return_request_alone_or_404(user=request.user, public_id=public_id)
        notes = return_notes_list(return_request=return_request)
        return Response(ReturnNoteOutputSerializer(notes, many=True).data)


class ReturnNoteCreateApi(APIView):
    permission_classes = [NoteWriters]

    class InputSerializer(serializers.Serializer):
        body = StrictCharField(max_length=NOTE_MAX_LENGTH, help_text="The note, for staff only.")

        class Meta:
            ref_name = "ReturnNoteCreateInput"

    @extend_schema(
        operation_id="returns_notes_create",
        summary="Add an internal note to a return",
        description=(
            "For agents, warehouse operators (their warehouse's returns), superusers and tokens given the permission "
            '"Can add internal note". Customers never see it: not on their pages, not in their emails, not in the '
            "shop's webhooks."
        ),
        tags=["returns"],
        parameters=[PUBLIC_ID_PARAMETER],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(ReturnNoteOutputSerializer, examples=[OpenApiExample("Note", value=NOTE_EXAMPLE)]),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        return_request = return_request_alone_or_404(user=request.user, public_id=public_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = return_note_add(
            return_request=return_request, author=request_user(request), body=serializer.validated_data["body"]
        )
        return Response(ReturnNoteOutputSerializer(note).data, status=201)
