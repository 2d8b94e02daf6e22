"""Return requests, their lines, reason codes, policy and audit trail (one module per concept)."""

from rma.returns.models.customer_lists import CustomerListChange, CustomerListEntry
from rma.returns.models.footprint import ReturnFootprint
from rma.returns.models.intake import IntakeStatus, ReturnIntake
from rma.returns.models.reference import PolicyFee, PolicyWindowOverride, ReasonCode, ReturnPolicy
from rma.returns.models.requests import (
    RMA_ALPHABET,
    IdempotencyKey,
    ReturnEvent,
    ReturnLine,
    ReturnNote,
    ReturnPhoto,
    ReturnRequest,
    ReturnRequestQuerySet,
    return_photo_path,
    rma_number_new,
)

__all__ = [
    "CustomerListChange",
    "CustomerListEntry",
    "RMA_ALPHABET",
    "IdempotencyKey",
    "IntakeStatus",
    "PolicyFee",
    "PolicyWindowOverride",
    "ReasonCode",
    "ReturnEvent",
    "ReturnFootprint",
    "ReturnIntake",
    "ReturnLine",
    "ReturnNote",
    "ReturnPhoto",
    "ReturnPolicy",
    "ReturnRequest",
    "ReturnRequestQuerySet",
    "return_photo_path",
    "rma_number_new",
]
