"""Shop API, the counter: find a return by its code, check it line by line, its receipt; start a return."""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.fields import StrictBooleanField, StrictCharField, StrictChoiceField, StrictIntegerField
from rma.core.api.permissions import request_user
from rma.core.exceptions import DomainError, UnknownReference
from rma.orders.selectors import order_get_for_customer
from rma.returns.choices import Resolution
from rma.returns.selectors import reason_codes_by_code
from rma.returns.services import ReturnLineInput
from rma.shipping.choices import CounterCondition
from rma.store import selectors
from rma.store.api.common import (
    PDF_RESPONSE,
    PUBLIC_ID,
    ReturnSerializer,
    StoreRoles,
    counter_return_for,
    return_data,
    return_for,
    schema,
    store_for,
    validated,
)
from rma.store.receipts import RECEIPT_SIZES, render_counter_receipt_pdf
from rma.store.services.counter import (
    CounterLineCheck,
    counter_return_check,
    counter_return_find,
    counter_return_start,
)


class StoreCounterScanApi(APIView):
    permission_classes = [StoreRoles]

    class InputSerializer(serializers.Serializer):
        code = StrictCharField(max_length=200, help_text="QR payload, RMA number or label tracking number.")

    @schema(
        operation_id="store_counter_scan",
        summary="Find the return a customer shows at the counter",
        description=(
            "Changes nothing. An unknown code (`unknown_code`) and another shop's return (`other_store`) are not "
            "found (404)."
        ),
        request=InputSerializer,
        response=ReturnSerializer,
        errors=(400, 401, 403, 404),
    )
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        stores = list(selectors.stores_for_user(user=request.user))
        try:
            return_request = counter_return_find(code=data["code"], stores=stores)
        except DomainError as exc:
            raise UnknownReference(exc.message, code=exc.code, extra={"code": [exc.message]}) from exc
        return Response(return_data(request, return_request))


class StoreReturnDetailApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_return_detail",
        summary="A return at the counter, with its lines and their checks",
        parameters=[PUBLIC_ID],
        response=ReturnSerializer,
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(ReturnSerializer(return_for(request, public_id)).data)


class StoreReturnCheckLineSerializer(serializers.Serializer):
    line_id = StrictIntegerField()
    condition = StrictChoiceField(choices=CounterCondition.choices)
    accepted = StrictBooleanField()
    refusal_reason = StrictCharField(max_length=300, required=False, default="", allow_blank=True)
    note = StrictCharField(max_length=300, required=False, default="", allow_blank=True)


class StoreReturnCheckApi(APIView):
    permission_classes = [StoreRoles]
    # Lines are nested objects: a form cannot carry them.
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        store = StrictCharField(max_length=16, required=False, default="", allow_blank=True)
        lines: serializers.ListSerializer[dict[str, Any]] = serializers.ListSerializer(
            child=StoreReturnCheckLineSerializer(), allow_empty=False, min_length=1, max_length=200
        )

    class OutputSerializer(serializers.Serializer):
        accepted_units = serializers.IntegerField()
        refused_units = serializers.IntegerField()
        return_request = ReturnSerializer()

    @schema(
        operation_id="store_return_check",
        summary="Check a return at the counter: condition, accepted or refused, per line",
        description=(
            "Every line once. Some line accepted: the return becomes `in_transit`. Every line refused: it is "
            "cancelled with the reasons. The customer is emailed."
        ),
        parameters=[PUBLIC_ID],
        request=InputSerializer,
        response=OutputSerializer,
        errors=(400, 401, 403, 404, 409, 422),
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        return_request = counter_return_for(request, public_id)
        data = validated(self.InputSerializer, request.data)
        lines = data["lines"]
        if return_request.store_id is not None:
            store = next(
                (s for s in selectors.stores_for_user(user=request.user) if s.pk == return_request.store_id), None
            )
            if store is None:
                raise Http404
        else:
            store = store_for(request, data["store"])
        outcome = counter_return_check(
            return_request=return_request,
            store=store,
            actor=request_user(request),
            checks=[
                CounterLineCheck(
                    return_line_id=line["line_id"],
                    condition=line["condition"],
                    accepted=line["accepted"],
                    refusal_reason=line["refusal_reason"],
                    note=line["note"],
                )
                for line in lines
            ],
        )
        return Response(
            {
                "accepted_units": outcome.accepted_units,
                "refused_units": outcome.refused_units,
                "return_request": return_data(request, return_request),
            }
        )


class StoreReturnReceiptApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_return_receipt",
        summary="The customer's receipt (PDF, A4 or 80 mm ticket)",
        parameters=[
            PUBLIC_ID,
            OpenApiParameter("size", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(RECEIPT_SIZES)),
        ],
        response=PDF_RESPONSE,
        status=(200, "application/pdf"),
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: UUID) -> HttpResponse:
        return_request = return_for(request, public_id)
        size = request.query_params.get("size", "a4")
        store = return_request.store
        if size not in RECEIPT_SIZES or store is None:
            raise Http404
        if not any(getattr(line, "counter_check", None) for line in return_request.lines.all()):
            raise Http404
        response = HttpResponse(
            render_counter_receipt_pdf(return_request=return_request, store=store, size=size),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="receipt-{return_request.rma_number}-{size}.pdf"'
        return response


class StoreReturnStartLineSerializer(serializers.Serializer):
    sku = StrictCharField(max_length=64)
    quantity = StrictIntegerField(min_value=1, max_value=999)
    reason = StrictCharField(max_length=40, help_text="A reason code (see /api/v1/reason-codes/).")


class StoreReturnStartApi(APIView):
    permission_classes = [StoreRoles]
    # Lines are nested objects: a form cannot carry them.
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        store = StrictCharField(max_length=16, required=False, default="", allow_blank=True)
        order_number = StrictCharField(max_length=32)
        email_or_postcode = StrictCharField(max_length=254)
        resolution = StrictChoiceField(choices=Resolution.choices, default=Resolution.REFUND)
        lines: serializers.ListSerializer[dict[str, Any]] = serializers.ListSerializer(
            child=StoreReturnStartLineSerializer(), allow_empty=False, min_length=1, max_length=200
        )

    @schema(
        operation_id="store_return_start",
        summary="Start a return for a customer at the counter",
        description=(
            "Same policy and reasons as the portal; the items are dropped off at this shop. A reason that requires "
            "a photo is refused here (422 `photo_required`): create the return through `POST /api/v1/returns/` "
            "with `submit: false`, add the photos to its lines, then submit it."
        ),
        request=InputSerializer,
        response=ReturnSerializer,
        status=201,
        errors=(400, 401, 403, 404, 422),
    )
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        lines = data["lines"]
        store = store_for(request, data["store"])
        order = order_get_for_customer(number=data["order_number"], email_or_postcode=data["email_or_postcode"])
        if order is None:
            raise Http404
        order_lines = {line.sku: line for line in order.lines.all()}
        reasons = reason_codes_by_code(codes=[line["reason"] for line in lines])
        inputs = []
        for index, line in enumerate(lines):
            if line["sku"] not in order_lines:
                message = _("Not an item of this order.")
                raise UnknownReference(message, extra={"lines": {str(index): {"sku": [message]}}})
            if line["reason"] not in reasons:
                message = _("Unknown reason code.")
                raise UnknownReference(message, extra={"lines": {str(index): {"reason": [message]}}})
            inputs.append(
                ReturnLineInput(
                    order_line=order_lines[line["sku"]], quantity=line["quantity"], reason=reasons[line["reason"]]
                )
            )
        return_request = counter_return_start(
            order=order,
            store=store,
            actor=request_user(request),
            lines=inputs,
            resolution=data["resolution"],
            locale=order.locale,
        )
        return Response(return_data(request, return_request), status=201)
