"""Warehouse services: receiving (returns and shops' shipments), inspection, disposition, refunds, reference data."""

from rma.warehouse.services.carton_counting import (
    CartonCountResult,
    CountResult,
    carton_count_add,
    carton_count_finish,
    carton_count_remove,
    count_code_parse,
)
from rma.warehouse.services.disposition import Suggestion, disposition_confirm, disposition_suggest
from rma.warehouse.services.inspection import inspection_record, return_request_complete_if_inspected
from rma.warehouse.services.receiving import (
    ScanOutcome,
    ScanResult,
    arrival_register,
    return_request_find_by_code,
    unexpected_parcel_match,
)
from rma.warehouse.services.reference_data import warehouse_reference_data_seed
from rma.warehouse.services.refunds import RefundComputation, ReleaseResult, refund_compute, refund_release
from rma.warehouse.services.shipment_discrepancies import (
    discrepancies_compute,
    shipment_received_message,
    shipment_receiving_finish,
)
from rma.warehouse.services.shipment_receiving import CartonReceiveResult, carton_receive

__all__ = [
    "CartonCountResult",
    "CartonReceiveResult",
    "CountResult",
    "RefundComputation",
    "ReleaseResult",
    "ScanOutcome",
    "ScanResult",
    "Suggestion",
    "arrival_register",
    "carton_count_add",
    "carton_count_finish",
    "carton_count_remove",
    "carton_receive",
    "count_code_parse",
    "discrepancies_compute",
    "disposition_confirm",
    "disposition_suggest",
    "inspection_record",
    "refund_compute",
    "refund_release",
    "return_request_complete_if_inspected",
    "return_request_find_by_code",
    "shipment_received_message",
    "shipment_receiving_finish",
    "unexpected_parcel_match",
    "warehouse_reference_data_seed",
]
