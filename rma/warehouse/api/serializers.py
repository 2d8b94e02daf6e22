"""Output shapes shared by the warehouse endpoints."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from rma.shipping.choices import ShipmentStatus
from rma.warehouse import selectors
from rma.warehouse.choices import DiscrepancyKind
from rma.warehouse.models import Inspection
from rma.warehouse.services import disposition_suggest


class ReturnSummarySerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    rma_number = serializers.CharField()
    status = serializers.CharField()
    resolution = serializers.CharField()
    order_number = serializers.CharField(source="order.number")
    destination_warehouse = serializers.CharField(source="destination_warehouse.code", default=None)


class UnexpectedParcelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    warehouse = serializers.CharField(source="warehouse.code")
    scanned_code = serializers.CharField()
    reason = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    matched_return = serializers.CharField(source="matched_return.rma_number", default=None)


class InboundShipmentSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=ShipmentStatus.choices)
    store = serializers.CharField(source="store.code")
    store_name = serializers.CharField(source="store.name")
    warehouse = serializers.CharField(source="warehouse.code")
    closed_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)


class InboundCartonSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    barcode = serializers.CharField()
    tracking_number = serializers.CharField(allow_null=True)


class DiscrepancySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shipment = serializers.CharField(source="shipment.number")
    store = serializers.CharField(source="shipment.store.code")
    warehouse = serializers.CharField(source="warehouse.code")
    carton = serializers.CharField(source="carton.barcode", default=None)
    kind = serializers.ChoiceField(choices=DiscrepancyKind.choices)
    sku = serializers.CharField()
    announced_sku = serializers.CharField(source="expected_sku")
    rma_number = serializers.CharField()
    announced_carton = serializers.CharField()
    announced_quantity = serializers.IntegerField(source="expected_quantity")
    found_quantity = serializers.IntegerField()
    quantity = serializers.IntegerField(help_text="Units concerned.")
    description = serializers.CharField(help_text="What was found, in the request's language.")
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", default=None)


class GradeSerializer(serializers.Serializer):
    code = serializers.CharField()
    # The stubs see Field.label here; DRF takes declared fields off the class, so the output field is `label`.
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    recovery_percent = serializers.IntegerField()
    deducts = serializers.BooleanField()


class DispositionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    suggested_kind = serializers.CharField()
    rule = serializers.IntegerField(source="rule.position", default=None)
    overridden = serializers.BooleanField()
    override_reason = serializers.CharField()
    derogation = serializers.CharField()
    derogation_note = serializers.CharField()
    confirmed_by = serializers.CharField(source="confirmed_by.username", default=None)
    confirmed_at = serializers.DateTimeField()


class InspectionSerializer(serializers.Serializer):
    condition = serializers.CharField()
    grade = serializers.CharField(source="grade.code", default=None)
    checklist = serializers.DictField(child=serializers.BooleanField())
    notes = serializers.CharField()
    serial_number = serializers.CharField()
    photos = serializers.SerializerMethodField()
    inspected_by = serializers.CharField(source="inspected_by.username", default=None)
    inspected_at = serializers.DateTimeField()

    def get_photos(self, inspection: Inspection) -> list[str]:
        """Links to the photos (served to whoever may see the return, never at a public URL)."""
        public_id = inspection.return_line.return_request.public_id
        return [
            reverse("warehouse:inspection-photo", kwargs={"public_id": public_id, "photo_id": photo.pk})
            for photo in inspection.photos.all()
        ]


class UnitSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(source="line.pk")
    unit = serializers.IntegerField(source="number")
    sku = serializers.CharField(source="line.order_line.sku")
    name = serializers.CharField(source="line.order_line.name")
    category = serializers.CharField(source="line.order_line.category")
    has_serial_number = serializers.BooleanField(source="line.order_line.has_serial_number")
    reason = serializers.CharField(source="line.reason.code")
    inspection = InspectionSerializer(allow_null=True)
    disposition = DispositionSerializer(allow_null=True)
    suggestion = serializers.SerializerMethodField()

    def get_suggestion(self, unit: selectors.Unit) -> dict[str, Any] | None:
        if not unit.needs_disposition or unit.inspection is None:  # a unit to dispose of was inspected
            return None
        suggestion = disposition_suggest(inspection=unit.inspection, rules=self.context.get("rules"))
        if not suggestion.kind:
            return None
        # A plain dict: a serializer built for each unit cost more than the rest of the unit.
        rule = suggestion.rule
        return {"kind": str(suggestion.kind), "rule": None if rule is None else int(rule.position)}


class RefundComputationSerializer(serializers.Serializer):
    currency = serializers.CharField()
    method = serializers.CharField()
    gross = serializers.DecimalField(max_digits=10, decimal_places=2)
    deductions = serializers.DecimalField(max_digits=10, decimal_places=2)
    fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    accepted_units = serializers.IntegerField()
    complete = serializers.BooleanField()
    units = serializers.ListField(child=serializers.DictField())


class RefundSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField()
    idempotency_key = serializers.CharField()
    breakdown = serializers.JSONField()
    released_by = serializers.CharField(source="released_by.username", default=None)
    released_at = serializers.DateTimeField()


class ExchangeRequestSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    lines = serializers.JSONField()
    idempotency_key = serializers.CharField()
    requested_at = serializers.DateTimeField()
