"""Returns API: the customer's photos of a line (upload to a draft, then submit; and read them back)."""

from django.http import Http404
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.permissions import AnyStaffRole, ReturnWriterRoles, error_response, error_responses
from rma.core.exceptions import DomainError
from rma.core.images import image_check
from rma.core.private_files import private_file_response
from rma.returns import selectors
from rma.returns.api.common import PUBLIC_ID_PARAMETER, _return_request_or_404
from rma.returns.api.serializers import ReturnPhotoOutputSerializer
from rma.returns.photos import return_line_photo_add

ORDER_LINE_PARAMETER = OpenApiParameter(
    "order_line",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The order line's external id (`lines[].order_line`).",
)
PHOTO_ID_PARAMETER = OpenApiParameter(
    "photo_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The photo's `id`."
)


def _photo_error_example(code: str, message: str) -> OpenApiExample:
    return OpenApiExample(code, value={"error": {"code": code, "message": message}}, status_codes=[400])


class ReturnLinePhotoCreateApi(APIView):
    permission_classes = [ReturnWriterRoles]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        photo = serializers.FileField(
            allow_empty_file=True,
            help_text="JPEG, PNG, WebP or HEIC; up to 8 MB and 40 megapixels (the server's settings).",
        )

        class Meta:
            ref_name = "ReturnLinePhotoCreate"

    @extend_schema(
        operation_id="returns_lines_photos_create",
        summary="Add a photo to a line of a draft return",
        description=(
            "Multipart upload of one picture (field `photo`) for a line of a **draft** return (created with "
            "`submit: false`); then `POST /returns/{public_id}/submit/`. A line whose reason `requires_photo` must "
            "have at least one photo before the return can be submitted (else 422 `photo_required`). The picture "
            "is decoded in full, refused above the pixel cap, and stored re-encoded without metadata (EXIF, GPS); "
            "HEIC is stored as JPEG. Integrations, agents, and store staff for their shops."
        ),
        tags=["returns"],
        parameters=[PUBLIC_ID_PARAMETER, ORDER_LINE_PARAMETER],
        request={"multipart/form-data": InputSerializer},
        responses={
            201: OpenApiResponse(ReturnPhotoOutputSerializer, description="Stored."),
            400: error_response(
                400,
                "Not a picture we can read (`not_an_image`), not JPEG/PNG/WebP/HEIC (`bad_type`), empty (`empty`), "
                "too large (`too_large`), too many pixels (`too_many_pixels`), or the line already has the most "
                "photos allowed (`too_many_photos`).",
                examples=[
                    _photo_error_example(
                        "too_many_pixels", "“scan.png” has too many pixels: photos can be up to 40 megapixels."
                    ),
                    _photo_error_example(
                        "not_an_image",
                        "“x.heic” is not a picture we can read. Send a JPEG, PNG, WebP or HEIC photo.",
                    ),
                ],
            ),
            409: error_response(
                409,
                "The return is no longer a draft (`not_draft`).",
                examples=[
                    OpenApiExample(
                        "not_draft",
                        value={
                            "error": {
                                "code": "not_draft",
                                "message": "Photos can be added only before the return is submitted.",
                            }
                        },
                        status_codes=[409],
                    )
                ],
            ),
            **error_responses(401, 403, 404),
            415: error_response(415, "Not multipart/form-data (`unsupported_media_type`)."),
        },
    )
    def post(self, request: Request, public_id: str, order_line: str) -> Response:
        return_request = _return_request_or_404(user=request.user, public_id=public_id)
        return_line = selectors.return_line_get(return_request=return_request, order_line=order_line)
        if return_line is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["photo"]
        try:
            image = image_check(upload, name=upload.name or "", size=upload.size)
        except DomainError as error:
            raise DomainError(error.message, code=error.code, extra={"field": "photo"}) from None
        photo = return_line_photo_add(return_line=return_line, image=image)
        photo.return_line = return_line
        return_line.return_request = return_request
        return Response(ReturnPhotoOutputSerializer(photo).data, status=status.HTTP_201_CREATED)


class ReturnPhotoFileApi(APIView):
    """Serve the picture whatever the Accept header says; errors stay JSON."""

    permission_classes = [AnyStaffRole]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="returns_photos_file",
        summary="Download a customer's photo",
        description=(
            "The picture as stored (re-encoded, without metadata), shown inline with its content type. Anyone who "
            "can read the return: integrations, agents, the shop handling it, the warehouse it goes to."
        ),
        tags=["returns"],
        parameters=[PUBLIC_ID_PARAMETER, PHOTO_ID_PARAMETER],
        responses={
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The picture."),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The picture."),
            (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY, description="The picture."),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request: Request, public_id: str, photo_id: int) -> HttpResponseBase:
        photo = selectors.return_photo_get(user=request.user, public_id=public_id, photo_id=photo_id)
        if photo is None:
            raise Http404
        return private_file_response(field_file=photo.image, content_type=photo.content_type)
