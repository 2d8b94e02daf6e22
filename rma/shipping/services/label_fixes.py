"""The customer corrects what the carrier refused (an address it cannot read, a postcode it does not serve, a
missing phone number), and the label is asked for again with the corrected sender address."""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from rma.shipping.choices import LabelStatus
from rma.shipping.lock_objects import label_qs_select_for_update
from rma.shipping.models import Label
from rma.shipping.services.label_content import SENDER_FIELDS, LabelError
from rma.shipping.services.transitions import label_transition


def label_needs_customer_fix(*, label: Label | None) -> bool:
    """True when the carrier refused the label for a reason the customer can fix on their page."""
    return label is not None and label.status == LabelStatus.FAILED and bool(label.customer_error)


@transaction.atomic
def label_sender_correct(*, label: Label, address: Mapping[str, str]) -> Label:
    """Keep the customer's corrected address and put the label back to pending; the caller has it generated
    after commit (rma.shipping.tasks.label_generate_task). The carrier then gets the same reference (the return's
    public id) with the new address: the refused request booked nothing, so nothing is booked twice."""
    locked = label_qs_select_for_update().get(pk=label.pk)
    if not label_needs_customer_fix(label=locked):
        raise LabelError(_("This label does not wait for a correction."), code="label_not_refused")
    locked.sender_address = {key: str(address.get(key, "")).strip() for key in SENDER_FIELDS if key in address}
    locked.customer_error = ""
    locked.error_code = ""
    return label_transition(
        label=locked, to=LabelStatus.PENDING, fields=["sender_address", "customer_error", "error_code"], locked=True
    )
