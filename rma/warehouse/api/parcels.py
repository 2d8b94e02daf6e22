"""Warehouse API: parcels nobody announced, and matching them to a return."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import StrictCharField
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import request_user
from rma.core.exceptions import UnknownReference
from rma.core.http import found_or_404
from rma.warehouse import selectors
from rma.warehouse.api.common import (
    WAREHOUSE_PARAMETER,
    WarehouseRoles,
    paginated,
    validated,
    warehouse_schema,
    warehouses_from,
)
from rma.warehouse.api.serializers import UnexpectedParcelSerializer
from rma.warehouse.models import UnexpectedParcel
from rma.warehouse.services import return_request_find_by_code, unexpected_parcel_match


class WarehouseUnexpectedParcelListApi(APIView):
    permission_classes = [WarehouseRoles]
    pagination_class = CursorPagination

    @warehouse_schema(
        operation_id="warehouse_unexpected_parcel_list",
        summary="Unexpected parcels not matched yet",
        parameters=[WAREHOUSE_PARAMETER],
        response=UnexpectedParcelSerializer(many=True),
        errors=(401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.unexpected_parcels_open(warehouses=warehouses_from(request))
        return paginated(self, request, queryset, serializer_class=UnexpectedParcelSerializer)


class WarehouseUnexpectedParcelMatchApi(APIView):
    permission_classes = [WarehouseRoles]

    class InputSerializer(serializers.Serializer):
        code = StrictCharField(max_length=200, help_text="The return's RMA or tracking number.")
        note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")

    @warehouse_schema(
        operation_id="warehouse_unexpected_parcel_match",
        summary="Match an unexpected parcel to a return, and receive it",
        request=InputSerializer,
        response=UnexpectedParcelSerializer,
        errors=(409, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        parcel = found_or_404(selectors.unexpected_parcel_get_for_warehouse(user=request.user, pk=pk))
        data = validated(self.InputSerializer, request.data)
        found = return_request_find_by_code(code=data["code"])
        if found is None or not selectors.returns_in_scope(user=request.user).filter(pk=found.pk).exists():
            message = _("No return in your warehouses has this code.")
            raise UnknownReference(message, extra={"code": [message]})
        unexpected_parcel_match(parcel=parcel, return_request=found, actor=request_user(request), note=data["note"])
        return Response(UnexpectedParcelSerializer(UnexpectedParcel.objects.get(pk=parcel.pk)).data)
