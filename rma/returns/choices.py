from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_REVIEW = "needs_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    LABEL_READY = "label_ready", _("Label ready")
    IN_TRANSIT = "in_transit", _("On its way")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Exchanged")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# Statuses of returns a warehouse can expect: on their way, or approved and not yet scanned by a carrier.
EXPECTED_STATUSES = (ReturnStatus.IN_TRANSIT, ReturnStatus.LABEL_READY, ReturnStatus.APPROVED)
# Statuses in which a received return still waits for the warehouse (inspection or refund).
AWAITING_REFUND_STATUSES = (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED)


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund to the original payment")
    STORE_CREDIT = "store_credit", _("Store credit")
    EXCHANGE = "exchange", _("Exchange")


class StoreCreditMoment(models.TextChoices):
    """When a return's store credit is issued (ReturnPolicy.store_credit_moment)."""

    HANDOVER = "handover", _("When the parcel is handed over")
    INSPECTION = "inspection", _("After inspection")
    # Not a policy choice: a refund without return is settled when the return is approved.
    APPROVAL = "approval", _("At approval (refund without return)")


# The moments a policy may choose (approval applies to refunds without return only).
POLICY_STORE_CREDIT_MOMENTS = [(m.value, m.label) for m in (StoreCreditMoment.HANDOVER, StoreCreditMoment.INSPECTION)]


class Responsibility(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    MERCHANT = "merchant", _("Merchant")
    CARRIER = "carrier", _("Carrier")


class LegalBasis(models.TextChoices):
    WITHDRAWAL = "withdrawal", _("Right of withdrawal")
    NON_CONFORMITY = "non_conformity", _("Legal guarantee of conformity")
    TRANSPORT_DAMAGE = "transport_damage", _("Damage in transport")
    GOODWILL = "goodwill", _("Commercial goodwill")


class CreationChannel(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    STORE = "store", _("Shop counter")
    API = "api", _("API")
    AGENT = "agent", _("Customer service")


class CustomerListKind(models.TextChoices):
    """Which list a customer entry is on (rma.returns.customer_lists)."""

    BLOCK = "block", _("Block list")
    ALLOW = "allow", _("Allow list")


class CustomerListMatch(models.TextChoices):
    """What a customer list entry is compared with: the order's (or return's) email, delivery address or phone."""

    EMAIL = "email", _("Email address")
    ADDRESS = "address", _("Delivery address")
    PHONE = "phone", _("Phone number")


class CustomerListAction(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    REMOVED = "removed", _("Removed")
