"""The reports' filters: a period of days, and a shop or a warehouse among those the reader may see."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rma.core import roles
from rma.locations.models import Store, Warehouse
from rma.orders.choices import Category

MAX_PERIOD_DAYS = 3 * 366


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, this one included."""
    first = today.replace(day=1)
    for _month in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, today


def stores_for(user: User) -> QuerySet[Store]:
    if roles.has_global_scope(user):
        return Store.objects.order_by("code")
    return Store.objects.filter(staff=user).order_by("code")


def warehouses_for(user: User) -> QuerySet[Warehouse]:
    if roles.has_global_scope(user):
        return Warehouse.objects.order_by("code")
    return Warehouse.objects.filter(staff=user).order_by("code")


class _SiteFilterForm(forms.Form):
    """A report's shop and warehouse filters, offering the sites the reader may see."""

    store = forms.ModelChoiceField(
        label=_("Shop"), queryset=Store.objects.none(), required=False, empty_label=_("All"), to_field_name="code"
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores_for(user)  # type: ignore[attr-defined]
        self.fields["warehouse"].queryset = warehouses_for(user)  # type: ignore[attr-defined]


class ReportFilterForm(_SiteFilterForm):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ("start", "end", "store", "warehouse")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default_start, default_end = default_period(timezone.localdate())
        start, end = data.get("start") or default_start, data.get("end") or default_end
        if start > end:
            raise forms.ValidationError(_("The period must start before it ends."), code="period_reversed")
        if (end - start).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("A report covers three years at most."), code="period_too_long")
        data["start"], data["end"] = start, end
        return data


class DispositionFilterForm(_SiteFilterForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All")), *Category.choices], required=False)
    field_order = ("year", "category", "store", "warehouse")

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or timezone.localdate().year


class AnalyticsFilterForm(ReportFilterForm):
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All")), *Category.choices], required=False)
    field_order = ("start", "end", "category", "store", "warehouse")  # type: ignore[assignment]
