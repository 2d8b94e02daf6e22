"""The vocabularies of labels, shop-to-warehouse shipments and counter checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LabelStatus(models.TextChoices):
    PENDING = "pending", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    VOIDED = "voided", _("Voided")


class TrackingSource(models.TextChoices):
    """How a carrier's tracking event reached us."""

    POLL = "poll", _("Polled from the carrier")
    WEBHOOK = "webhook", _("Pushed by the carrier")


class TrackingAlert(models.TextChoices):
    """Why a parcel needs an agent's eye (none: blank)."""

    EXCEPTION = "exception", _("Problem reported by the carrier")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")
    LATE = "late", _("No news from the carrier")


class ShipmentStatus(models.TextChoices):
    # States read as adjectives of "the shipment" (French: "Ouvert", never the verb "Ouvrir").
    OPEN = "open", pgettext_lazy("shipment status", "Open")
    CLOSED = "closed", pgettext_lazy("shipment status", "Closed")
    DISPATCHED = "dispatched", pgettext_lazy("shipment status", "Dispatched")
    RECEIVED = "received", pgettext_lazy("shipment status", "Received")
    RECEIVED_WITH_DISCREPANCIES = (
        "received_with_discrepancies",
        pgettext_lazy("shipment status", "Received with discrepancies"),
    )


# What a warehouse expects from the shops: shipments announced (closed) or on their way (dispatched).
EXPECTED_SHIPMENT_STATUSES = (ShipmentStatus.CLOSED, ShipmentStatus.DISPATCHED)


class ShipmentItemKind(models.TextChoices):
    CUSTOMER_RETURN = "customer_return", _("Customer return")
    UNSOLD = "unsold", _("Unsold")
    DAMAGED = "damaged", _("Damaged")
    RECALL = "recall", _("Recall")
    RETURN_WITHOUT_RMA = "return_without_rma", _("Customer return without RMA")


class CounterCondition(models.TextChoices):
    AS_NEW = "as_new", _("As new, in its packaging")
    GOOD = "good", _("Good, packaging opened")
    WORN = "worn", _("Worn or used")
    DAMAGED = "damaged", _("Damaged")
    INCOMPLETE = "incomplete", _("Incomplete (parts missing)")
