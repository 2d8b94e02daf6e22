"""The label of a return over the API: its state and links, and its files (PDF A6 or 4x6, ZPL)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.permissions import AnyStaffRole, error_response, error_responses
from rma.core.exceptions import Conflict
from rma.core.ids import uuid_parse
from rma.returns.selectors import return_request_scope
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.selectors import label_formats, label_is_downloadable
from rma.shipping.views import PDF_SIZES, label_file_kind, label_file_response

RETURN_PUBLIC_ID_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The return's public id."
)
SIZE_PARAMETER = OpenApiParameter(
    "size",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    enum=["a6", "4x6"],
    description=(
        "Without it: the label's own PDF (A6 for the labels we make; a carrier's label may come in 10x15 cm only). "
        "A size the label has no file in answers 404: the label's `links` list the formats that exist."
    ),
)
LABEL_EXAMPLE = {
    "public_id": "0b6f4d0e-3c1a-4d7e-9f3b-2a8c5e7d9f10",
    "return_public_id": "3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b",
    "rma_number": "R-7KQ2-M9XD",
    "status": "ready",
    "status_label": "Ready",
    "carrier": "builtin",
    "tracking_number": "RP123456785FR",
    "qr_payload": "RMA:R-7KQ2-M9XD:3F9A1C0B7D2E",
    "created_at": "2026-11-25T10:15:00+01:00",
    "ready_at": "2026-11-25T10:15:02+01:00",
    "voided_at": None,
    "links": {
        "pdf_a6": "https://returns.example.com/api/v1/returns/3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/label.pdf",
        "pdf_4x6": "https://returns.example.com/api/v1/returns/3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/label.pdf?size=4x6",
        "zpl": "https://returns.example.com/api/v1/returns/3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/label.zpl",
    },
}


def _label_for_return_or_404(*, request: Request, public_id: str) -> Label:
    """The label of a return in the user's scope; an unknown, out-of-scope or label-less return is a 404."""
    parsed = uuid_parse(public_id)
    if parsed is None:
        raise Http404
    label = (
        Label.objects.select_related("return_request")
        .filter(return_request__in=return_request_scope(user=request.user).filter(public_id=parsed).values("pk"))
        .first()
    )
    if label is None:
        raise Http404
    return label


class LabelLinksSerializer(serializers.Serializer):
    """A link per format the label has: a carrier's own label may come in some formats only (null: none)."""

    pdf_a6 = serializers.URLField(allow_null=True)
    pdf_4x6 = serializers.URLField(allow_null=True)
    zpl = serializers.URLField(allow_null=True)


class ReturnLabelDetailApi(APIView):
    permission_classes = [AnyStaffRole]

    class OutputSerializer(serializers.Serializer):
        public_id = serializers.UUIDField()
        return_public_id = serializers.UUIDField(source="return_request.public_id")
        rma_number = serializers.CharField(source="return_request.rma_number")
        status = serializers.ChoiceField(choices=LabelStatus.choices)
        status_label = serializers.CharField(source="get_status_display")
        carrier = serializers.CharField()
        tracking_number = serializers.CharField(allow_null=True)
        qr_payload = serializers.CharField(help_text="What a drop-off point scans instead of a printed label.")
        created_at = serializers.DateTimeField()
        ready_at = serializers.DateTimeField(allow_null=True)
        voided_at = serializers.DateTimeField(allow_null=True)
        links = serializers.SerializerMethodField()

        class Meta:
            ref_name = "ReturnLabelDetail"

        @extend_schema_field(LabelLinksSerializer(allow_null=True))
        def get_links(self, label: Label) -> dict[str, str | None] | None:
            return_request = label.return_request
            if return_request is None or not label_is_downloadable(label=label):
                return None
            request = self.context["request"]
            kwargs = {"public_id": return_request.public_id}
            pdf = request.build_absolute_uri(reverse("api-return-label-pdf", kwargs=kwargs))
            zpl = request.build_absolute_uri(reverse("api-return-label-zpl", kwargs=kwargs))
            formats = label_formats(label=label)
            return {
                "pdf_a6": pdf if "pdf" in formats else None,
                "pdf_4x6": f"{pdf}?size=4x6" if "pdf_4x6" in formats else None,
                "zpl": zpl if "zpl" in formats else None,
            }

    @extend_schema(
        operation_id="returns_label_retrieve",
        summary="Read a return's label",
        description=(
            "Status (`pending` while it is being generated, `ready`, `failed`, `voided`), carrier, tracking number "
            "and, once ready, links to the files. Returns in the caller's scope only."
        ),
        tags=["labels"],
        parameters=[RETURN_PUBLIC_ID_PARAMETER],
        responses={
            200: OpenApiResponse(OutputSerializer, examples=[OpenApiExample("Ready", value=LABEL_EXAMPLE)]),
            **error_responses(401, 403),
            404: error_response(404, "Unknown return, not in your scope, or no label (yet)."),
        },
    )
    def get(self, request: Request, public_id: str) -> Response:
        label = _label_for_return_or_404(request=request, public_id=public_id)
        return Response(self.OutputSerializer(label, context={"request": request}).data)


class _LabelFileApi(APIView):
    """Serve a file, whatever the Accept header says; errors stay JSON."""

    permission_classes = [AnyStaffRole]
    extension = ""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)

    def serve(self, request: Request, public_id: str) -> HttpResponseBase:
        size = request.query_params.get("size")
        # The API takes the documented values only (the pages also forgive case, spaces and an empty value).
        if self.extension == "pdf" and size is not None and size not in PDF_SIZES:
            raise ValidationError({"size": [_("Use a6 or 4x6.")]})
        label = _label_for_return_or_404(request=request, public_id=public_id)
        kind = label_file_kind(extension=self.extension, size=size, label=label)
        if not label_is_downloadable(label=label):
            raise Conflict(
                _("The label is not ready to print (it is “%(status)s”).") % {"status": label.get_status_display()},
                code="label_not_ready",
                extra={"status": label.status},
            )
        return label_file_response(label=label, kind=kind)


_View = TypeVar("_View", bound=Callable[..., Any])


def _file_schema(
    *, operation_id: str, summary: str, media_type: str, parameters: list[OpenApiParameter]
) -> Callable[[_View], _View]:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        tags=["labels"],
        parameters=[RETURN_PUBLIC_ID_PARAMETER, *parameters],
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment."),
            **error_responses(400, 401, 403),
            404: error_response(
                404, "Unknown return, not in your scope, no label, or no file in this format (see the links)."
            ),
            409: error_response(409, "The label is not ready (pending, failed or voided)."),
        },
    )


class ReturnLabelPdfApi(_LabelFileApi):
    extension = "pdf"

    @_file_schema(
        operation_id="returns_label_pdf",
        summary="Download a return's label as PDF (A6, or 4x6 in with ?size=4x6)",
        media_type="application/pdf",
        parameters=[SIZE_PARAMETER],
    )
    def get(self, request: Request, public_id: str) -> HttpResponseBase:
        return self.serve(request, public_id)


class ReturnLabelZplApi(_LabelFileApi):
    extension = "zpl"

    @_file_schema(
        operation_id="returns_label_zpl",
        summary="Download a return's label as ZPL (4x6 in, 203 dpi thermal printers)",
        media_type="application/zpl",
        parameters=[],
    )
    def get(self, request: Request, public_id: str) -> HttpResponseBase:
        return self.serve(request, public_id)
