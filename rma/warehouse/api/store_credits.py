"""Store credit for the shop's systems: read a credit by its code, record a (partial) redemption.

Integration tokens (the shop's checkout) read and redeem; customer-service agents read. A code is found however it
is typed (lower case, spaces, with or without dashes); an unknown code is a 404.
"""

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core import roles
from rma.core.api.fields import StrictCharField
from rma.core.api.permissions import error_response, error_responses, request_user, role_permission
from rma.core.http import found_or_404
from rma.warehouse.api.common import validated
from rma.warehouse.choices import StoreCreditStatus
from rma.warehouse.models import StoreCredit
from rma.warehouse.models.credits import store_credit_code_normalize
from rma.warehouse.services.credits import store_credit_redeem

StoreCreditReaderRoles = role_permission(roles.INTEGRATION, roles.AGENT)
StoreCreditRedeemerRoles = role_permission(roles.INTEGRATION)

CODE_PARAMETER = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The credit's code, e.g. `7KQ2-M9XD-4HTP-WC3R` (case, spaces and dashes do not matter).",
)
CREDIT_EXAMPLE = {
    "code": "7KQ2-M9XD-4HTP-WC3R",
    "amount": "55.00",
    "bonus_amount": "5.00",
    "balance": "25.00",
    "currency": "EUR",
    "status": "active",
    "expires_at": "2027-12-02T10:15:00+01:00",
    "issued_at": "2026-12-02T10:15:00+01:00",
    "rma_number": "R-7KQ2-M9XD",
    "redemptions": [
        {
            "amount": "30.00",
            "reference": "order-88412",
            "balance_after": "25.00",
            "redeemed_at": "2026-12-05T16:40:00+01:00",
        }
    ],
}


def store_credit_by_code(code: str) -> StoreCredit:
    """The credit with this code (however typed), or a 404."""
    normalized = store_credit_code_normalize(code)
    found = (
        StoreCredit.objects.select_related("return_request").prefetch_related("redemptions").filter(code=normalized)
        if normalized
        else StoreCredit.objects.none()
    )
    return found_or_404(found.first())


class StoreCreditRedemptionSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    reference = serializers.CharField()
    balance_after = serializers.DecimalField(max_digits=10, decimal_places=2)
    redeemed_at = serializers.DateTimeField(source="created_at")


class StoreCreditSerializer(serializers.Serializer):
    code = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Issued, bonus included.")
    bonus_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    balance = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="What is left to spend.")
    currency = serializers.CharField()
    status = serializers.ChoiceField(
        choices=StoreCreditStatus.choices,
        source="current_status",
        help_text="`expired` once past `expires_at`; `spent` at a zero balance.",
    )
    expires_at = serializers.DateTimeField(allow_null=True, help_text="`null`: it never expires.")
    issued_at = serializers.DateTimeField(source="created_at")
    rma_number = serializers.CharField(source="return_request.rma_number", help_text="The return it was issued for.")
    redemptions = StoreCreditRedemptionSerializer(many=True, source="redemptions.all")


class StoreCreditDetailApi(APIView):
    permission_classes = [StoreCreditReaderRoles]

    @extend_schema(
        operation_id="store_credits_retrieve",
        summary="Read a store credit",
        description="Its amount, balance, currency, expiry, status, redemptions and the RMA number of its return.",
        tags=["store credits"],
        parameters=[CODE_PARAMETER],
        responses={
            200: OpenApiResponse(
                StoreCreditSerializer, examples=[OpenApiExample("Partly spent", value=CREDIT_EXAMPLE)]
            ),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(StoreCreditSerializer(store_credit_by_code(code)).data)


REDEMPTION_CONFLICTS = {
    "store_credit_insufficient_balance": "The amount is more than the balance (the balance is in `details`).",
    "store_credit_expired": "The credit is past its expiry date.",
    "store_credit_cancelled": "The credit was cancelled.",
    "store_credit_reference_reused": "This reference was already recorded with another amount.",
}


class StoreCreditRedemptionCreateApi(APIView):
    permission_classes = [StoreCreditRedeemerRoles]

    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
        reference = StrictCharField(
            max_length=100,
            help_text="Your order or payment reference: the same reference again gives back the first redemption.",
        )

    class OutputSerializer(serializers.Serializer):
        redemption = StoreCreditRedemptionSerializer()
        store_credit = StoreCreditSerializer()

    @extend_schema(
        operation_id="store_credits_redemptions_create",
        summary="Spend (part of) a store credit",
        description=(
            "Lowers the balance by `amount`, never below zero. Idempotent on `reference`: the same reference and "
            "amount again answers 200 with the first redemption; another amount is a 409. Concurrent calls are "
            "applied one after the other."
        ),
        tags=["store credits"],
        parameters=[CODE_PARAMETER],
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            200: OutputSerializer,
            409: error_response(
                409,
                "Not spendable: " + "; ".join(f"`{code}`: {text}" for code, text in REDEMPTION_CONFLICTS.items()),
                examples=[
                    OpenApiExample(
                        code,
                        value={"error": {"code": code, "message": text}},
                        status_codes=[409],
                    )
                    for code, text in REDEMPTION_CONFLICTS.items()
                ],
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        credit = store_credit_by_code(code)
        data: dict[str, Any] = validated(self.InputSerializer, request.data)
        result = store_credit_redeem(
            store_credit=credit, amount=data["amount"], reference=data["reference"], actor=request_user(request)
        )
        credit = store_credit_by_code(credit.code)
        body = self.OutputSerializer({"redemption": result.redemption, "store_credit": credit}).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
