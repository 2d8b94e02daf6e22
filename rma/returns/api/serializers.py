"""Output shapes shared by the return endpoints, and the detail answer every transition gives."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from rma.locations.choices import DropOffKind, DropOffMethod
from rma.returns.api.common import _return_request_or_404
from rma.returns.api.representations import (
    return_label_json,
    return_refund_json,
    return_request_detail_json,
    return_request_summary_json,
)
from rma.returns.choices import CreationChannel, Resolution, ReturnStatus
from rma.returns.models import ReturnPhoto, ReturnRequest


class ReasonSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="In the request language.")  # type: ignore[assignment]  # a declared field, not Field.label: the serializer metaclass moves it away


class ReturnPhotoOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.CharField(source="return_line.order_line.external_id")
    content_type = serializers.CharField(help_text="What is stored: image/jpeg, image/png or image/webp.")
    url = serializers.SerializerMethodField(help_text="Where to download it (same credentials as this API).")
    created_at = serializers.DateTimeField()

    def get_url(self, photo: ReturnPhoto) -> str:
        return reverse(
            "api-return-photo-file",
            kwargs={"public_id": photo.return_line.return_request.public_id, "photo_id": photo.pk},
        )


class ReturnLineOutputSerializer(serializers.Serializer):
    order_line = serializers.CharField(source="order_line.external_id", help_text="The order line's external id.")
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")
    unit_price = serializers.DecimalField(source="order_line.unit_price", max_digits=10, decimal_places=2)
    quantity = serializers.IntegerField()
    reason = ReasonSummarySerializer()
    comment = serializers.CharField()
    exchange_sku = serializers.CharField(help_text="The SKU wanted in exchange, if any.")
    photos = ReturnPhotoOutputSerializer(many=True, help_text="The customer's photos of this line.")


class ReturnDropOffPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    # A plain string in the schema (the enum is DropOffPoint.kind), so that the `kind` enum keeps one name.
    kind = serializers.CharField(help_text="One of " + ", ".join(DropOffKind.values) + ".")
    carrier = serializers.CharField()
    carrier_point_id = serializers.CharField()
    address_lines = serializers.ListField(child=serializers.CharField())


class ReturnDropOffSerializer(serializers.Serializer):
    method = serializers.ChoiceField(source="drop_off_method", choices=DropOffMethod.choices)
    point = ReturnDropOffPointSerializer(source="drop_off_point", allow_null=True)
    pickup_date = serializers.DateField(allow_null=True)
    pickup_slot = serializers.CharField()


class ReturnLabelSerializer(serializers.Serializer):
    carrier = serializers.CharField()
    status = serializers.CharField()
    tracking_number = serializers.CharField(allow_null=True)


class ReturnEventOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    by = serializers.CharField(source="actor_label", help_text="Username, `customer`, `policy` or `system`.")
    # Plain strings (statuses) in the schema, so that the status enum keeps one name.
    to = serializers.CharField(source="to_status", help_text="A return status.")
    note = serializers.CharField(help_text="For staff.")
    reason = serializers.CharField(help_text="What the customer is told (an approval's or a rejection's reason).")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        source = serializers.CharField(source="from_status", help_text="A return status; empty at creation.")
        return {
            "at": fields["at"],
            "by": fields["by"],
            "from": source,
            "to": fields["to"],
            "note": fields["note"],
            "reason": fields["reason"],
        }


class ReturnOrderSummarySerializer(serializers.Serializer):
    external_id = serializers.CharField()
    number = serializers.CharField()


class ReturnRequestSummarySerializer(serializers.Serializer):
    """A return as lists show it."""

    public_id = serializers.UUIDField()
    rma_number = serializers.CharField()
    status = serializers.ChoiceField(choices=ReturnStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    order = ReturnOrderSummarySerializer()
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    channel = serializers.ChoiceField(choices=CreationChannel.choices)
    locale = serializers.CharField()
    contact_email = serializers.EmailField()
    contact_name = serializers.CharField()
    store = serializers.CharField(source="store.code", allow_null=True, help_text="Code of the shop handling it.")
    destination_warehouse = serializers.CharField(
        source="destination_warehouse.code", allow_null=True, help_text="Code of the warehouse it goes to."
    )
    drop_off = ReturnDropOffSerializer(source="*")
    currency = serializers.CharField()
    fee_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    refund_estimate = serializers.DecimalField(max_digits=10, decimal_places=2)
    returnless = serializers.BooleanField(help_text="Refund without return: the customer keeps the items.")
    review_reason = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field, not Field.label: the serializer metaclass moves it away
    lines = ReturnLineOutputSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    send_by = serializers.DateTimeField(allow_null=True, help_text="An approved return expires if not sent by then.")

    @extend_schema_field(ReturnLabelSerializer(allow_null=True))
    def get_label(self, return_request: ReturnRequest) -> dict[str, Any] | None:
        return return_label_json(return_request)

    def to_representation(self, instance: ReturnRequest) -> dict[str, Any]:
        # The fields above declare the shape (and the schema); the values are written by plain functions.
        return return_request_summary_json(instance)


class ReturnRefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="The amount actually refunded.")
    currency = serializers.CharField()
    method = serializers.CharField(help_text="`original_payment` or `store_credit`.")


class ReturnRequestDetailSerializer(ReturnRequestSummarySerializer):
    """A return with its timeline, and its refund once released."""

    refund = serializers.SerializerMethodField(
        help_text="The refund released (null until then; `refund_estimate` is only an estimate)."
    )
    timeline = ReturnEventOutputSerializer(source="events", many=True)

    @extend_schema_field(ReturnRefundSerializer(allow_null=True))
    def get_refund(self, return_request: ReturnRequest) -> dict[str, Any] | None:
        return return_refund_json(return_request)

    def to_representation(self, instance: ReturnRequest) -> dict[str, Any]:
        return return_request_detail_json(instance)


RETURN_EXAMPLE = {
    "public_id": "0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40",
    "rma_number": "R-7KQ2-M9XD",
    "status": "approved",
    "status_label": "Approved",
    "order": {"external_id": "shop-184467", "number": "ML184467"},
    "resolution": "refund",
    "channel": "api",
    "locale": "fr",
    "contact_email": "chloe.martin@example.fr",
    "contact_name": "Chloé Martin",
    "store": None,
    "destination_warehouse": "WH-LYS",
    "drop_off": {
        "method": "relay_point",
        "point": {
            "id": 812,
            "name": "Tabac Presse de la Roquette",
            "kind": "relay_point",
            "carrier": "mondial_relay",
            "carrier_point_id": "FR-004211",
            "address_lines": ["112 rue de la Roquette", "75011 Paris"],
        },
        "pickup_date": None,
        "pickup_slot": "",
    },
    "currency": "EUR",
    "fee_amount": "0.00",
    "refund_estimate": "49.90",
    "returnless": False,
    "review_reason": "",
    "label": None,
    "refund": None,
    "lines": [
        {
            "order_line": "184467-1",
            "sku": "CHE-LIN-BLA-M",
            "name": "Chemise en lin",
            "unit_price": "49.90",
            "quantity": 1,
            "reason": {"code": "too-small", "label": "Too small"},
            "comment": "",
            "exchange_sku": "",
            "photos": [],
        }
    ],
    "created_at": "2026-11-12T09:30:00+01:00",
    "updated_at": "2026-11-12T09:30:00+01:00",
    "submitted_at": "2026-11-12T09:30:00+01:00",
    "approved_at": "2026-11-12T09:30:00+01:00",
    "send_by": "2026-11-26T09:30:00+01:00",
    "timeline": [
        {
            "at": "2026-11-12T09:30:00+01:00",
            "by": "shop-api",
            "from": "",
            "to": "draft",
            "note": "Created through API.",
            "reason": "",
        },
        {
            "at": "2026-11-12T09:30:00+01:00",
            "by": "shop-api",
            "from": "draft",
            "to": "submitted",
            "note": "",
            "reason": "",
        },
        {
            "at": "2026-11-12T09:30:00+01:00",
            "by": "policy",
            "from": "submitted",
            "to": "approved",
            "note": "Approved by the policy.",
            "reason": "",
        },
    ],
}


def _detail_response(*, user: User | AnonymousUser, return_request: ReturnRequest, code: int = 200) -> Response:
    """The return as it now is in the database, with everything loaded in a fixed number of queries."""
    fresh = _return_request_or_404(user=user, public_id=str(return_request.public_id))
    return Response(ReturnRequestDetailSerializer(fresh).data, status=code)
