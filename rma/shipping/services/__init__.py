"""Shipping services: everything that writes labels (and, later, shipments)."""

from rma.shipping.services.accounts import (
    account_carrier,
    account_settings,
    carrier_account_for,
    carrier_for_code,
    label_carrier,
)
from rma.shipping.services.label_batches import (
    label_batchable_on_request,
    label_generate_queued,
    labels_generate_batch,
    labels_generate_waiting,
    labels_waiting,
)
from rma.shipping.services.label_content import (
    LABEL_FORMATS,
    LabelError,
    carrier_display_name,
    label_content_build,
    label_file_name,
    label_qr_payload,
    label_qr_payload_verify,
    label_render_files,
)
from rma.shipping.services.label_fixes import label_needs_customer_fix, label_sender_correct
from rma.shipping.services.labels import (
    label_generate,
    label_generation_failed,
    label_request,
    label_retry,
    label_void,
    label_void_at_carrier,
    label_void_at_carrier_failed,
    labels_purge_voided,
    labels_sweep,
)

__all__ = [
    "LABEL_FORMATS",
    "LabelError",
    "account_carrier",
    "account_settings",
    "carrier_account_for",
    "carrier_for_code",
    "label_carrier",
    "label_needs_customer_fix",
    "label_sender_correct",
    "carrier_display_name",
    "label_content_build",
    "label_file_name",
    "label_generate",
    "label_batchable_on_request",
    "label_generate_queued",
    "label_generation_failed",
    "label_qr_payload",
    "label_qr_payload_verify",
    "label_render_files",
    "label_request",
    "label_retry",
    "label_void",
    "label_void_at_carrier",
    "label_void_at_carrier_failed",
    "labels_generate_batch",
    "labels_generate_waiting",
    "labels_waiting",
    "labels_purge_voided",
    "labels_sweep",
]
