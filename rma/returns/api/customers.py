"""Returns API: a customer's history and risk score, for agents and integrations (rma.returns.customer_history,
rma.returns.risk)."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.permissions import error_responses, role_permission
from rma.returns.api.common import PUBLIC_ID_PARAMETER, return_request_alone_or_404
from rma.returns.customer_history import (
    CustomerHistory,
    customer_history_for_email,
    customer_history_for_return,
)
from rma.returns.risk import risk_review_score, risk_score

# Agents (and superusers) read it for their decisions, integrations for the shop's own checks.
CustomerHistoryReaders = role_permission(roles.AGENT, roles.INTEGRATION)

HISTORY_EXAMPLE = {
    "emails": ["chloe.martin@example.fr", "c.martin@example.com"],
    "returns": 4,
    "values": [{"currency": "EUR", "amount": "436.60"}],
    "outcomes": {"needs_review": 1, "refunded": 2, "rejected": 1},
    "units_bought": 8,
    "units_returned": 6,
    "return_rate": "0.75",
    "units_worn": 2,
    "units_without_item": 0,
    "risk": {
        "score": 80,
        "review_score": 50,
        "high": True,
        "reasons": [
            {"code": "worn", "text": "2 units graded as worn or used", "points": 50},
            {"code": "return_rate", "text": "Return rate of 75% (6 of 8 units)", "points": 30},
        ],
    },
}


class RiskReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["unmatched", "worn", "return_rate", "rejected", "returns", "emails"], help_text="Stable code."
    )
    text = serializers.CharField(help_text="The reason with its figure, in the request language.")
    points = serializers.IntegerField()

    class Meta:
        ref_name = "CustomerRiskReason"


class CustomerHistoryOutputSerializer(serializers.Serializer):
    class ValueSerializer(serializers.Serializer):
        currency = serializers.CharField()
        amount = serializers.DecimalField(max_digits=14, decimal_places=2)

        class Meta:
            ref_name = "CustomerHistoryValue"

    class RiskSerializer(serializers.Serializer):
        score = serializers.IntegerField(min_value=0, max_value=100)
        review_score = serializers.IntegerField(help_text="From this score a submitted return goes to review.")
        high = serializers.BooleanField(help_text="`score` is at or over `review_score`.")
        reasons = RiskReasonSerializer(many=True, help_text="The most points first.")

        class Meta:
            ref_name = "CustomerRisk"

    emails = serializers.ListField(
        child=serializers.EmailField(), help_text="Emails of the customer's orders and returns."
    )
    returns = serializers.IntegerField(help_text="Returns, drafts left out.")
    values = ValueSerializer(many=True, help_text="Value of the goods in those returns, per currency.")
    outcomes = serializers.DictField(child=serializers.IntegerField(), help_text="Status -> how many returns.")
    units_bought = serializers.IntegerField()
    units_returned = serializers.IntegerField(help_text="In returns not cancelled, expired or rejected.")
    return_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="Units returned / bought; null when none bought."
    )
    units_worn = serializers.IntegerField(help_text="Graded at inspection with a grade that shows wear or use.")
    units_without_item = serializers.IntegerField(help_text="Received without the announced item (other, missing).")
    risk = RiskSerializer()

    class Meta:
        ref_name = "CustomerHistory"


def _history_data(history: CustomerHistory) -> dict[str, Any]:
    risk = risk_score(history)
    return {
        "emails": sorted(history.emails),
        "returns": history.count,
        "values": [{"currency": currency, "amount": value} for currency, value in sorted(history.values.items())],
        "outcomes": history.by_status,
        "units_bought": history.units_bought,
        "units_returned": history.units_returned,
        "return_rate": history.return_rate,
        "units_worn": history.units_worn,
        "units_without_item": history.units_unmatched,
        "risk": {
            "score": risk.score,
            "review_score": risk_review_score(),
            "high": risk.high,
            "reasons": [{"code": r.code, "text": r.text, "points": r.points} for r in risk.reasons],
        },
    }


_RESPONSES = {
    200: OpenApiResponse(CustomerHistoryOutputSerializer, examples=[OpenApiExample("History", value=HISTORY_EXAMPLE)]),
}
_MATCHING = (
    "Orders and returns made under other emails at those delivery addresses or with those phones count as the "
    "customer's (one step: not the addresses of those other emails). Reasons are in the request language. For agents, "
    "integrations and superusers."
)


class CustomerHistoryApi(APIView):
    permission_classes = [CustomerHistoryReaders]

    class FilterSerializer(serializers.Serializer):
        # Any text with an @: an address that is no customer's simply has an empty history.
        email = serializers.RegexField(
            r"^[^@\s]+@[^@\s]+$", max_length=254, help_text="The customer's email (any case)."
        )

    @extend_schema(
        operation_id="customers_history",
        summary="A customer's return history and risk score, by email",
        description=(
            "The customer behind the email: its orders and returns, and the delivery addresses and phones of those "
            "orders. " + _MATCHING
        ),
        tags=["customers"],
        parameters=[FilterSerializer],
        responses={**_RESPONSES, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        history = customer_history_for_email(filters.validated_data["email"])
        return Response(CustomerHistoryOutputSerializer(_history_data(history)).data)


class ReturnCustomerHistoryApi(APIView):
    permission_classes = [CustomerHistoryReaders]

    @extend_schema(
        operation_id="returns_customer_history",
        summary="The return history and risk score of a return's customer",
        description=(
            "The return's contact email, its order's email, delivery address and phone; the return itself "
            "included. " + _MATCHING
        ),
        tags=["customers"],
        parameters=[PUBLIC_ID_PARAMETER],
        responses={**_RESPONSES, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, public_id: str) -> Response:
        return_request = return_request_alone_or_404(user=request.user, public_id=public_id)
        history = customer_history_for_return(return_request)
        return Response(CustomerHistoryOutputSerializer(_history_data(history)).data)
