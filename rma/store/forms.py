"""Forms of the shop pages: they only shape input; the services decide."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rma.core.forms import DecimalCommaField
from rma.locations.models import Warehouse
from rma.returns.choices import Resolution
from rma.shipping.choices import CounterCondition, ShipmentItemKind
from rma.shipping.services.shipments import LOOSE_ITEM_KINDS, MAX_LOOSE_QUANTITY


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan a return"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("QR code, RMA number or tracking number")}),
    )


class OrderLookupForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=32)
    email_or_postcode = forms.CharField(label=_("Email or delivery postcode"), max_length=254)


class OpenShipmentForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.none(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["warehouse"]).queryset = Warehouse.objects.filter(
            is_active=True
        ).order_by("code")


class ShipmentScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan a return or a carton"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("RMA number, QR code, or a carton's barcode")}),
    )
    carton = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class LooseItemForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LOOSE_QUANTITY, initial=1)
    kind = forms.ChoiceField(
        label=_("Why it goes back"),
        choices=[(kind.value, kind.label) for kind in ShipmentItemKind if kind in LOOSE_ITEM_KINDS],
        initial=ShipmentItemKind.UNSOLD,
    )
    carton = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class WeightForm(forms.Form):
    weight_kg = DecimalCommaField(label=_("Weight (kg)"), min_value=0, max_value=70, decimal_places=3, required=False)


class DispatchForm(forms.Form):
    pickup_reference = forms.CharField(label=_("Carrier pickup reference"), max_length=64, required=False)


class WarehouseChangeForm(OpenShipmentForm):
    pass


CONDITION_CHOICES = CounterCondition.choices
RESOLUTION_CHOICES = Resolution.choices
