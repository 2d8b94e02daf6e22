from django.db import models
from django.utils.translation import gettext_lazy as _


class DispositionKind(models.TextChoices):
    RESTOCK = "restock", _("Restock")
    RESTOCK_OPEN_BOX = "restock_open_box", _("Restock as open-box")
    REFURBISH = "refurbish", _("Refurbish")
    REPAIR = "repair", _("Repair")
    RESELL_SECONDHAND = "resell_secondhand", _("Resell second-hand")
    DONATE = "donate", _("Donate")
    RECYCLE = "recycle", _("Recycle")
    RETURN_TO_VENDOR = "return_to_vendor", _("Return to vendor")
    DESTROY = "destroy", _("Destroy")


class Derogation(models.TextChoices):
    """Why destroying a unit is lawful (French AGEC law, EU ESPR Art. 25 derogations)."""

    HEALTH_SAFETY = "health_safety", _("Health, hygiene or safety risk")
    DEFECTIVE_IRREPARABLE = "defective_irreparable", _("Defective and cannot be repaired at a reasonable cost")
    UNFIT_FOR_PURPOSE = "unfit_for_purpose", _("Unfit for its intended purpose")
    UNFIT_FOR_REUSE = "unfit_for_reuse", _("Unfit for re-use or remanufacturing")
    DONATION_REFUSED = "donation_refused", _("Donation offered and refused")
    IP_INFRINGEMENT = "ip_infringement", _("Infringes intellectual property (counterfeit)")
    RECALLED = "recalled", _("Recalled product that must be destroyed")


class UnitCondition(models.TextChoices):
    """What was found for one announced unit."""

    RECEIVED = "received", _("Received")
    MISSING = "missing", _("Missing from the parcel")
    WRONG_ITEM = "wrong_item", _("Not the announced item")


class RefundMethod(models.TextChoices):
    ORIGINAL_PAYMENT = "original_payment", _("Original payment method")
    STORE_CREDIT = "store_credit", _("Store credit")


class RefundStatus(models.TextChoices):
    RELEASED = "released", _("Released to the shop")


class UnexpectedReason(models.TextChoices):
    UNKNOWN_CODE = "unknown_code", _("Unknown code")
    OTHER_WAREHOUSE = "other_warehouse", _("Expected at another warehouse")
    NOT_EXPECTED = "not_expected", _("Return not expected in its current status")


class DiscrepancyKind(models.TextChoices):
    """What receiving a shop's shipment found that differs from what the shop announced."""

    MISSING = "missing", _("Missing")
    EXTRA = "extra", _("Extra")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    DAMAGED = "damaged", _("Damaged")


class StoreCreditStatus(models.TextChoices):
    """A store credit's state. Expiry is read from its date (``StoreCredit.expires_at``), never stored."""

    ACTIVE = "active", _("Active")
    SPENT = "spent", _("Spent")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
