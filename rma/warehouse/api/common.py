"""What every warehouse endpoint shares: permission, schema helper, parameters, scope and paging helpers.

Same permissions as the pages: warehouse operators (and superusers) only, each within their warehouses.
"""

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from rma.core import roles
from rma.core.api.permissions import error_responses, role_permission
from rma.core.http import found_or_404
from rma.core.staff import site_for_operation
from rma.locations.models import Warehouse
from rma.returns.models import ReturnRequest
from rma.warehouse import selectors

WarehouseRoles = role_permission(roles.WAREHOUSE_STAFF)


def warehouse_schema(*, response: Any, errors: tuple[int, ...], status: Any = 200, **kwargs: Any) -> Any:
    """extend_schema for one warehouse operation: its tag, `response` on `status`, then the API's error shape for each
    code in `errors`."""
    return extend_schema(tags=["warehouse"], responses={status: response, **error_responses(*errors)}, **kwargs)


PUBLIC_ID_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The return's public id."
)
WAREHOUSE_PARAMETER = OpenApiParameter(
    "warehouse",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="A warehouse code, to narrow the list to one of your warehouses.",
)


def warehouses_from(request: Request) -> list[Warehouse]:
    """The caller's warehouses, narrowed to ?warehouse=<code> when given."""
    warehouses = list(selectors.warehouses_for_user(user=request.user))
    code = request.query_params.get("warehouse")
    if code:
        warehouses = [w for w in warehouses if w.code == code]
        if not warehouses:
            raise Http404
    return warehouses


def warehouse_for_scan(request: Request, code: str) -> Warehouse:
    return site_for_operation(
        sites=list(selectors.warehouses_for_user(user=request.user)),
        code=code,
        field="warehouse",
        not_yours=_("Not one of your warehouses."),
        no_site=_("You are not assigned to any warehouse."),
        no_site_code="no_warehouse",
        several=_("You work in several warehouses: say which one (its code)."),
    )


SHIPMENT_PUBLIC_ID_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The shipment's public id."
)
POSITION_PARAMETER = OpenApiParameter(
    "position", OpenApiTypes.INT, OpenApiParameter.PATH, description="The carton's position in its shipment (1, 2…)."
)


def validated(serializer_class: type[serializers.Serializer], data: Any) -> Any:
    """`data` validated by `serializer_class` (400 with the field errors otherwise)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def paginated(
    view: Any,
    request: Request,
    queryset: Any,
    row: Callable[[Any], Any] | None = None,
    serializer_class: type[serializers.Serializer] | None = None,
) -> Response:
    """One page of `queryset` (each item made a row by `row`), serialized by the view's OutputSerializer."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view)
    rows = [row(item) for item in page] if row else page
    serializer_class = serializer_class or view.OutputSerializer
    return paginator.get_paginated_response(serializer_class(rows, many=True).data)


def unit_or_404(return_request: ReturnRequest, line_id: int, unit: int) -> selectors.Unit:
    return found_or_404(selectors.unit_get(return_request=return_request, line_id=line_id, unit_index=unit - 1))
