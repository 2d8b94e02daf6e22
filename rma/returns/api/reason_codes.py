"""Returns API: the reason codes customers and staff choose from."""

from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import AnyStaffRole, error_responses
from rma.returns import selectors
from rma.returns.api.common import LANGUAGES
from rma.returns.choices import LegalBasis, Responsibility


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
        label = serializers.CharField(help_text="In the request language.")  # type: ignore[assignment]  # a declared field, not Field.label: the serializer metaclass moves it away
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
        # A plain dict: an empty `lang` is then refused like any bad one, not taken for a missing one.
        filters = self.FilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        language = filters.validated_data.get("lang") or translation.get_language() or "fr"
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.reason_code_list(), request, view=self)
        with translation.override(language):
            data = self.OutputSerializer(page, many=True).data
        return paginator.get_paginated_response(data)
