"""The customer corrects the address a carrier refused, from their tracking page, and the label is asked for again.

The carrier's words (Label.customer_error) say what is wrong; the form starts from the address the label was made
from. Nothing is half-written: a bad form changes nothing, and a label that no longer waits for a correction (made
meanwhile, cancelled) is left as it is.
"""

import re
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rma.core.exceptions import DomainError
from rma.core.queue import enqueue_on_commit
from rma.returns.models import ReturnRequest
from rma.shipping.models import Label
from rma.shipping.selectors import label_get_for_return
from rma.shipping.services import label_needs_customer_fix, label_sender_correct
from rma.shipping.tasks import label_generate_task

_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_FR_POSTCODE_RE = re.compile(r"^\d{5}$")
_PHONE_RE = re.compile(r"^\+?[0-9 ().-]{6,20}$")


class SenderAddressForm(forms.Form):
    """The sender's address as the carrier will read it; checked here for shape only (the carrier decides)."""

    name = forms.CharField(
        label=_("Full name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    line1 = forms.CharField(
        label=_("Address"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    line2 = forms.CharField(
        label=_("Address (continued)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    city = forms.CharField(
        label=_("City"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    country = forms.CharField(
        label=_("Country (two-letter code, e.g. FR)"),
        max_length=2,
        min_length=2,
        widget=forms.TextInput(attrs={"autocomplete": "country", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        help_text=_("The carrier texts you when the parcel is on its way."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, phone_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = phone_required

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if not _COUNTRY_RE.match(country):
            raise forms.ValidationError(_("Give the country as two letters, e.g. FR."))
        return country

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not _PHONE_RE.match(phone):
            raise forms.ValidationError(_("Give a phone number with digits only, e.g. +33 6 12 34 56 78."))
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        postcode = str(cleaned.get("postcode", "")).strip().upper()
        if postcode and cleaned.get("country") == "FR" and not _FR_POSTCODE_RE.match(postcode):
            self.add_error("postcode", _("A French postcode has five digits, e.g. 69007."))
        elif postcode:
            cleaned["postcode"] = postcode
        return cleaned


def sender_address_initial(*, label: Label, return_request: ReturnRequest) -> dict[str, str]:
    """The address the label was last asked for with: the customer's correction, else the order's."""
    order = return_request.order
    initial = {
        "name": return_request.contact_name or order.customer_name,
        "line1": order.address_line1,
        "line2": order.address_line2,
        "postcode": order.postcode,
        "city": order.city,
        "country": order.country,
        "phone": order.customer_phone,
    }
    initial.update({key: str(value) for key, value in (label.sender_address or {}).items() if key in initial})
    return initial


def sender_address_form(*, label: Label, return_request: ReturnRequest, data: Any = None) -> SenderAddressForm:
    return SenderAddressForm(
        data,
        initial=sender_address_initial(label=label, return_request=return_request),
        phone_required=label.error_code == "phone_required",
        prefix="sender",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def label_address(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Correct the sender's address of a refused label, then have the label made again."""
    label = label_get_for_return(return_public_id=public_id)
    if label is None or label.return_request is None:
        raise Http404
    return_request = ReturnRequest.objects.select_related("order").get(pk=label.return_request_id)
    if not label_needs_customer_fix(label=label):
        return redirect("portal:tracking", public_id=public_id)
    data = request.POST if request.method == "POST" else None
    form = sender_address_form(label=label, return_request=return_request, data=data)
    if data is not None and form.is_valid():
        try:
            corrected = label_sender_correct(label=label, address=form.cleaned_data)
        except DomainError:
            messages.error(request, _("Your label has changed meanwhile: here is where it stands."))
        else:
            enqueue_on_commit(label_generate_task, corrected.pk)
            messages.success(request, _("Thank you. We are asking the carrier for your label again."))
        return redirect("portal:tracking", public_id=public_id)
    context = {"return_request": return_request, "label": label, "form": form}
    return render(request, "portal/label_address.html", context, status=400 if data is not None else 200)
