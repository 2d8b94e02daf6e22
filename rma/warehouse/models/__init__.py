"""What arrives at a warehouse and what is found in it."""

from rma.warehouse.models.cartons import (  # noqa: F401
    Arrival,
    CartonReceipt,
    ChecklistItem,
    CountedItem,
    Discrepancy,
    Disposition,
    DispositionRule,
    ExchangeRequest,
    Grade,
    GradeScale,
    Inspection,
    InspectionPhoto,
    Refund,
    UnexpectedParcel,
    _is_french,
    inspection_photo_path,
)
