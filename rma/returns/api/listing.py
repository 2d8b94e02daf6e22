"""Returns API: the returns in the caller's scope, filtered (one URL with create: see urls.py)."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.filters import FilterSet
from rma.core.api.pagination import CursorPagination
from rma.core.api.permissions import AnyStaffRole, error_responses
from rma.returns import selectors
from rma.returns.api.representations import return_requests_summary_json
from rma.returns.api.serializers import ReturnRequestSummarySerializer
from rma.returns.choices import CreationChannel, ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.models.requests import ReturnRequestQuerySet


class ReturnRequestFilter(FilterSet):
    # Every filter is on the return or on a row it points to (one per return): no filter can repeat a return, so
    # none asks for DISTINCT (MultipleChoiceFilter does by default), which would sort every matching row before the
    # page's limit instead of reading `returns_status_created` in order.
    status = django_filters.MultipleChoiceFilter(
        choices=ReturnStatus.choices, distinct=False, help_text="Repeat for several."
    )
    order = django_filters.CharFilter(field_name="order__number", help_text="Order number.")
    contact_email = django_filters.CharFilter(method="filter_contact_email", help_text="In any case.")
    channel = django_filters.ChoiceFilter(choices=CreationChannel.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    store = django_filters.CharFilter(field_name="store__code", help_text="Shop code.")
    warehouse = django_filters.CharFilter(field_name="destination_warehouse__code", help_text="Warehouse code.")

    class Meta:
        model = ReturnRequest
        fields = (
            "status",
            "order",
            "contact_email",
            "channel",
            "created_after",
            "created_before",
            "store",
            "warehouse",
        )

    def filter_contact_email(self, queryset: ReturnRequestQuerySet, name: str, value: str) -> ReturnRequestQuerySet:
        """Compared as the expression index `returns_contact_lower_created` is written, so that it is used."""
        return queryset.with_contact_email(value)


class ReturnRequestListApi(APIView):
    permission_classes = [AnyStaffRole]
    pagination_class = CursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReturnRequestFilter
    # Only tells the schema generator (and the filter backend's check) which model is listed; never evaluated.
    queryset = ReturnRequest.objects.none()

    @extend_schema(
        operation_id="returns_list",
        summary="Returns in your scope",
        description=(
            "Newest first, cursor-paginated. Superusers, agents and integrations see every return; store staff "
            "the returns of their shops; warehouse staff the returns bound for their warehouses."
        ),
        tags=["returns"],
        responses={200: ReturnRequestSummarySerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.return_request_list(user=request.user)
        queryset = DjangoFilterBackend().filter_queryset(request, queryset, self)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        lines = selectors.return_line_rows(return_request_ids=[return_request.pk for return_request in page])
        # The shape of ReturnRequestSummarySerializer, written for the whole page at once (representations.py).
        return paginator.get_paginated_response(return_requests_summary_json(page, lines))
