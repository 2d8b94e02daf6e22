"""The forms of the agents' pages: a decision with its reason, an internal note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rma.returns.notes import NOTE_MAX_LENGTH

REASON_MAX_LENGTH = 2000


class ApproveForm(forms.Form):
    prefix = "approve"  # the return's page has both decisions: fields with ids of their own
    reason = forms.CharField(
        label=_("Message to the customer (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the customer's tracking page and in the approval email."),
    )


class RejectForm(forms.Form):
    prefix = "reject"
    reason = forms.CharField(
        label=_("Why is it rejected?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customer reads this reason on the tracking page and in the email."),
        error_messages={"required": _("Say why the return is rejected.")},
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For customer service, the warehouse and admins: never shown to the customer."),
        error_messages={"required": _("Write the note first.")},
    )
