"""The transitions the return admin offers (buttons on a return's page, actions on the list), and the reject form."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import (
    return_request_approve,
    return_request_cancel,
    return_request_reject,
    return_request_submit,
)

REVIEW_PERMISSION = "returns.review_returnrequest"


class RejectForm(forms.Form):
    # Named "note" in the form (and its URL's POST data) since before reasons had their own field: it is the reason.
    note = forms.CharField(
        label=_("Why is it rejected?"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text=_("The customer is told this reason."),
    )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise ValidationError(_("Say why the return is rejected."), code="required")
        return note


Transition = Callable[..., ReturnRequest]

# Name used in URLs -> (button label, target status, service call taking return_request, actor, text, and the
# permission it needs: "change" (the model's) or "review" (approve or reject, REVIEW_PERMISSION)).
TRANSITIONS: dict[str, tuple[Any, str, Transition, str]] = {
    "submit": (
        _("Submit"),
        ReturnStatus.SUBMITTED,
        lambda *, return_request, actor, text: return_request_submit(return_request=return_request, actor=actor),
        "change",
    ),
    "approve": (
        _("Approve"),
        ReturnStatus.APPROVED,
        lambda *, return_request, actor, text: return_request_approve(
            return_request=return_request, actor=actor, reason=text
        ),
        "review",
    ),
    "reject": (
        _("Reject…"),
        ReturnStatus.REJECTED,
        lambda *, return_request, actor, text: return_request_reject(
            return_request=return_request, actor=actor, reason=text
        ),
        "review",
    ),
    "cancel": (
        _("Cancel the return"),
        ReturnStatus.CANCELLED,
        lambda *, return_request, actor, text: return_request_cancel(
            return_request=return_request, actor=actor, note=text
        ),
        "change",
    ),
}
