"""Returns API: what of an order may be returned."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.permissions import OrderRoles, error_responses
from rma.returns import selectors
from rma.returns.api.common import EXTERNAL_ID_PARAMETER
from rma.returns.policy import order_eligibility


class LineEligibilitySerializer(serializers.Serializer):
    order_line = serializers.CharField(source="order_line.external_id", help_text="The line's external id.")
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")
    quantity = serializers.IntegerField(source="order_line.quantity", help_text="Units ordered.")
    quantity_in_returns = serializers.IntegerField(source="order_line.quantity_in_returns")
    returnable_quantity = serializers.IntegerField()
    eligible = serializers.BooleanField()
    code = serializers.CharField(help_text="`eligible`, or why not (`window_closed`, `final_sale`, …).")
    message = serializers.CharField(help_text="Why not, in the request language; empty when eligible.")
    window_closes_on = serializers.DateField(allow_null=True)


class OrderEligibilityApi(APIView):
    permission_classes = [OrderRoles]

    class OutputSerializer(serializers.Serializer):
        external_id = serializers.CharField()
        number = serializers.CharField()
        delivered_at = serializers.DateTimeField(allow_null=True)
        lines = LineEligibilitySerializer(many=True)

        class Meta:
            ref_name = "OrderEligibility"

    @extend_schema(
        operation_id="orders_eligibility",
        summary="What can be returned from an order",
        description=(
            "Each line with how many units can still be returned and, when none, why (as a stable code and in words, "
            "in the request language). For integration tokens, agents and superusers."
        ),
        tags=["orders"],
        parameters=[EXTERNAL_ID_PARAMETER],
        responses={200: OutputSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, external_id: str) -> Response:
        order = selectors.order_get(external_id=external_id)
        if order is None:
            raise Http404
        data = {
            "external_id": order.external_id,
            "number": order.number,
            "delivered_at": order.delivered_at,
            "lines": order_eligibility(order=order),
        }
        return Response(self.OutputSerializer(data).data)
