"""Forms of the warehouse pages: they only shape input; the services decide."""

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from rma.core.images import PICTURE_ACCEPT
from rma.warehouse.choices import Derogation, DiscrepancyKind, DispositionKind, UnitCondition
from rma.warehouse.models import ChecklistItem, Grade


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan a parcel"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": _("Tracking, RMA, carton or shipment number, then Enter"),
                "class": "scan-input",
            }
        ),
    )


class WarehouseSwitchForm(forms.Form):
    warehouse = forms.IntegerField(widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in items]


class InspectionForm(forms.Form):
    """Condition, grade (from the category's scale), checklist (one checkbox per item), serial, notes, photos."""

    condition = forms.ChoiceField(
        label=_("Condition"), choices=UnitCondition.choices, initial=UnitCondition.RECEIVED, widget=forms.RadioSelect
    )
    grade = forms.ModelChoiceField(
        label=_("Grade"), queryset=Grade.objects.none(), required=False, widget=forms.RadioSelect, empty_label=None
    )
    serial_number = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultipleImageField(label=_("Photos"), widget=MultipleFileInput(attrs={"accept": PICTURE_ACCEPT}))

    def __init__(
        self, *args, grades: list[Grade], checklist_items: list[ChecklistItem], needs_serial: bool, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        grade_field = cast(forms.ModelChoiceField, self.fields["grade"])  # declared above
        grade_field.queryset = Grade.objects.filter(pk__in=[g.pk for g in grades])
        grade_field.choices = [(g.pk, g) for g in grades]
        self.grades = grades
        self.checklist_items = checklist_items
        for item in checklist_items:
            self.fields[f"check_{item.code}"] = forms.BooleanField(label=item.label, required=False)
        serial = self.fields["serial_number"]
        serial.required = False  # enforced by the service, with its message
        if needs_serial:
            serial.widget.attrs.update({"autofocus": True, "data-enter": "next", "autocomplete": "off"})
        self.needs_serial = needs_serial

    @property
    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[f"check_{item.code}"] for item in self.checklist_items]

    def checklist(self) -> dict[str, bool]:
        return {item.code: bool(self.cleaned_data.get(f"check_{item.code}")) for item in self.checklist_items}


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Disposition"), choices=DispositionKind.choices, widget=forms.RadioSelect)
    override_reason = forms.CharField(
        label=_("Why not the suggestion?"), required=False, max_length=1000, widget=forms.TextInput
    )
    derogation = forms.ChoiceField(
        label=_("Legal derogation (required to destroy)"),
        required=False,
        choices=[("", "—"), *Derogation.choices],
    )
    derogation_note = forms.CharField(label=_("Derogation details"), required=False, max_length=1000)


class MatchForm(forms.Form):
    code = forms.CharField(
        label=_("RMA or tracking number of the return it is"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "class": "scan-input"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CountForm(forms.Form):
    """One count in a carton: a return's label, or a SKU with its quantity ("3*SKU" works too)."""

    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=9999,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "qty-input", "data-enter": "next", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=_("Count an item"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": _("SKU or return label, then Enter"),
                "class": "scan-input",
            }
        ),
    )
    damaged = forms.BooleanField(label=_("Damaged"), required=False)


class DiscrepancyReportForm(ReportPeriodForm):
    store = forms.ChoiceField(label=_("Shop"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *DiscrepancyKind.choices])

    def __init__(self, *args, stores: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["store"]).choices = [("", _("All shops")), *stores]
