"""Forms of the customer portal: they only shape and check input; the services decide."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from rma.core.exceptions import DomainError
from rma.core.images import PICTURE_ACCEPT, CheckedImage, image_check, upload_max_bytes
from rma.integrations.shop import Variant, shop_client_get
from rma.orders.models import OrderLine
from rma.portal.formatting import variant_label
from rma.returns.choices import Resolution
from rma.returns.exchanges import ExchangeRefused, exchange_check
from rma.returns.models import ReasonCode
from rma.returns.policy import PICKUP_SLOTS, LineEligibility, policy_get_default

PHOTO_ACCEPT = PICTURE_ACCEPT


def photo_max_bytes() -> int:
    return upload_max_bytes()


def photos_per_line() -> int:
    return int(settings.RMA_PHOTOS_PER_LINE)


@dataclass(frozen=True)
class CheckedPhoto:
    """An upload that passed the image check: the re-encoded picture, and the name the customer gave it."""

    image: CheckedImage
    filename: str


def photo_check(upload: UploadedFile) -> CheckedPhoto:
    """A real JPEG, PNG, WebP or HEIC picture within the limits, or a ValidationError that says why."""
    name = upload.name or ""
    try:
        image = image_check(upload, name=name, size=upload.size)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from None
    return CheckedPhoto(image=image, filename=name)


class LookupForm(forms.Form):
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=32,
        help_text=_("As shown in your order confirmation email, for example ML100042."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    email_or_postcode = forms.CharField(
        label=_("Email address or delivery postcode"),
        max_length=254,
        help_text=_("The email address used for the order, or the postcode it was delivered to."),
        widget=forms.TextInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_order_number(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data["order_number"]).lstrip("#")


class ItemsForm(forms.Form):
    """Which eligible lines come back, and how many units of each."""

    def __init__(
        self, *args: Any, eligibility: list[LineEligibility], initial_lines: dict[str, int] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.eligibility = eligibility
        initial_lines = initial_lines or {}
        for verdict in eligibility:
            if not verdict.eligible:
                continue
            pk = verdict.order_line.pk
            self.fields[f"line_{pk}"] = forms.BooleanField(
                required=False, label=_("Return this item"), initial=str(pk) in initial_lines
            )
            # A plain integer (shown as a list): the range is checked in clean() with a message that says why.
            self.fields[f"qty_{pk}"] = forms.IntegerField(
                label=_("Quantity"),
                widget=forms.Select(choices=[(n, n) for n in range(1, verdict.returnable_quantity + 1)]),
                initial=initial_lines.get(str(pk), 1),
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        eligible = {v.order_line.pk: v for v in self.eligibility if v.eligible}
        refused = {v.order_line.pk: v for v in self.eligibility if not v.eligible}
        # A line sent although it cannot be returned (an old page, or a hand-made request).
        for verdict in refused.values():
            if self.data.get(f"line_{verdict.order_line.pk}"):
                raise forms.ValidationError(verdict.message, code=verdict.code)
        chosen: dict[str, int] = {}
        for pk, verdict in eligible.items():
            if not cleaned.get(f"line_{pk}"):
                continue
            if self.has_error(f"qty_{pk}"):
                continue
            quantity = cleaned.get(f"qty_{pk}")
            quantity = 1 if quantity is None else quantity
            if quantity < 1:
                self.add_error(f"qty_{pk}", _("Choose a quantity of at least 1."))
            elif quantity > verdict.returnable_quantity:
                self.add_error(
                    f"qty_{pk}",
                    forms.ValidationError(
                        _("Only %(count)d of this item can be returned."),
                        code="over_quantity",
                        params={"count": verdict.returnable_quantity},
                    ),
                )
            else:
                chosen[str(pk)] = quantity
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one item to return."), code="no_lines")
        cleaned["lines"] = chosen
        return cleaned


class ReasonChoiceField(forms.ModelChoiceField):
    # The reasons read once for a page (reasons_set), shared by every line's form: no query per form.
    reasons: dict[str, ReasonCode] | None = None

    def label_from_instance(self, obj: ReasonCode) -> str:
        return obj.label

    def reasons_set(self, reasons: Sequence[ReasonCode]) -> None:
        """Offer and accept these reasons (already read) instead of reading the queryset again."""
        self.reasons = {str(reason.pk): reason for reason in reasons}
        self.choices = [("", self.empty_label), *((reason.pk, self.label_from_instance(reason)) for reason in reasons)]

    def to_python(self, value: Any) -> ReasonCode | None:
        if self.reasons is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        reason = self.reasons.get(str(value))
        if reason is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return reason


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(
        self, data: UploadedFile | Sequence[UploadedFile] | None, initial: UploadedFile | None = None
    ) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


class LineReasonForm(forms.Form):
    """The reason, comment and photos of one line (prefixed with the line's id)."""

    reason = ReasonChoiceField(
        label=_("Reason"),
        queryset=ReasonCode.objects.filter(is_active=True),
        empty_label=_("Choose a reason…"),
        error_messages={"required": _("Choose a reason."), "invalid_choice": _("Choose a reason from the list.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )

    def __init__(
        self, *args: Any, staged_count: int = 0, reasons: Sequence[ReasonCode] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.staged_count = staged_count
        if reasons is not None:
            field = self.fields["reason"]
            assert isinstance(field, ReasonChoiceField)
            field.reasons_set(reasons)
        self.fields["photos"].help_text = _(
            "JPEG, PNG, WebP or HEIC; up to %(size)d MB each, %(count)d photos per item."
        ) % {"size": photo_max_bytes() // (1024 * 1024), "count": photos_per_line()}

    def clean_photos(self) -> list[CheckedPhoto]:
        checked, errors = [], []
        for upload in self.cleaned_data.get("photos") or []:
            try:
                checked.append(photo_check(upload))
            except forms.ValidationError as error:
                errors.append(error)
        if errors:
            raise forms.ValidationError(errors)
        if self.staged_count + len(checked) > photos_per_line():
            raise forms.ValidationError(
                _("You can send up to %(count)d photos per item."),
                code="too_many",
                params={"count": photos_per_line()},
            )
        return checked

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        reason = cleaned.get("reason")
        if (
            reason is not None
            and reason.requires_photo
            and not self.has_error("photos")
            and self.staged_count + len(cleaned.get("photos") or []) == 0
        ):
            self.add_error("photos", forms.ValidationError(_("Add at least one photo for this reason."), "required"))
        return cleaned


class ResolutionForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("What would you like?"),
        choices=Resolution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you would like.")},
    )

    def __init__(
        self,
        *args: Any,
        exchange_options: dict[int, list[Variant]],
        order_lines: dict[int, OrderLine],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.exchange_options = exchange_options
        self.order_lines = order_lines
        self.exchange_possible = bool(exchange_options) and all(exchange_options.values())
        for pk, variants in exchange_options.items():
            # Any SKU is taken in and checked in clean() by the exchange rules, which say why one is refused
            # (out of stock since the page was shown, another product…) rather than "not a valid choice".
            self.fields[f"exchange_{pk}"] = forms.CharField(
                label=_("Exchange for"),
                max_length=64,
                widget=forms.Select(
                    choices=[("", _("Choose a size or colour…"))] + [(v.sku, variant_label(v)) for v in variants]
                ),
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("resolution") != Resolution.EXCHANGE:
            return cleaned
        if not self.exchange_possible:
            self.add_error(
                "resolution", _("An exchange is not available for these items. Choose a refund or store credit.")
            )
            return cleaned
        policy = policy_get_default()
        client = shop_client_get()
        for pk in self.exchange_options:
            name = f"exchange_{pk}"
            sku = cleaned.get(name) or ""
            if not sku:
                self.add_error(name, _("Choose the size or colour you want in exchange."))
                continue
            try:
                exchange_check(order_line=self.order_lines[pk], exchange_sku=sku, policy=policy, client=client)
            except ExchangeRefused as refusal:
                self.add_error(name, forms.ValidationError(refusal.message, code=refusal.code))
        return cleaned


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    def clean_postcode(self) -> str:
        postcode = re.sub(r"\s+", "", self.cleaned_data["postcode"]).upper()
        if not re.fullmatch(r"[0-9A-Z]{3,10}", postcode):
            raise forms.ValidationError(_("Enter a postcode, for example 75011."), code="invalid")
        return postcode


class DropOffForm(forms.Form):
    HOME_PICKUP = "home_pickup"

    option = forms.ChoiceField(
        label=_("Where will you hand over the parcel?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where you will hand over the parcel.")},
    )
    pickup_date = forms.ChoiceField(label=_("Pickup date"), required=False)
    pickup_slot = forms.ChoiceField(
        label=_("Time slot"), required=False, widget=forms.RadioSelect, choices=[(s, s) for s in PICKUP_SLOTS]
    )

    def __init__(
        self,
        *args: Any,
        point_choices: list[tuple[str, str]],
        pickup_dates: list[tuple[date, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["option"]).choices = [*point_choices, (self.HOME_PICKUP, _("Home pickup"))]
        cast(forms.ChoiceField, self.fields["pickup_date"]).choices = [("", _("Choose a date…"))] + [
            (d.isoformat(), label) for d, label in pickup_dates
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("option") == self.HOME_PICKUP:
            if not cleaned.get("pickup_date"):
                self.add_error("pickup_date", _("Choose a pickup date."))
            if not cleaned.get("pickup_slot"):
                self.add_error("pickup_slot", _("Choose a time slot."))
        return cleaned
