"""Admin → Carrier accounts: credentials are typed in and never shown back; the page says where each comes from."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from rma.shipping.accounts import CarrierAccount, validate_credentials


class CarrierAccountForm(forms.ModelForm):
    """The credentials field is write-only: empty keeps what is stored; a JSON object replaces the names it gives
    (a name given as "" or null is removed) and keeps the others."""

    credentials_new = forms.CharField(
        label=_("credentials"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            'A JSON object, e.g. {"contract_number": "…", "password": "…"} (the names the carrier\'s adapter '
            "documents). Never shown back: leave empty to keep the stored ones; the names you type replace theirs, "
            'and a name set to "" is removed.'
        ),
    )

    base_url = forms.URLField(
        label=_("API address"),
        required=False,
        assume_scheme="https",
        help_text=CarrierAccount._meta.get_field("base_url").help_text,
    )

    class Meta:
        model = CarrierAccount
        fields = (
            "name",
            "carrier",
            "enabled",
            "priority",
            "secrets_env_prefix",
            "base_url",
            "timeout",
            "options",
            "drop_off_methods",
            "countries",
            "warehouses",
            "return_name",
            "return_line1",
            "return_line2",
            "return_postcode",
            "return_city",
            "return_country",
            "return_phone",
        )
        widgets = {
            "drop_off_methods": forms.Textarea(attrs={"rows": 1}),
            "countries": forms.Textarea(attrs={"rows": 1}),
            "options": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_credentials_new(self) -> dict[str, str | None]:
        text = self.cleaned_data.get("credentials_new") or ""
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Not valid JSON.")) from None
        if not isinstance(value, dict) or not all(
            isinstance(key, str) and key and (item is None or isinstance(item, str)) for key, item in value.items()
        ):
            raise forms.ValidationError(_('Credentials are an object of names to texts, e.g. {"password": "…"}.'))
        return value

    def save(self, commit: bool = True) -> CarrierAccount:
        account: CarrierAccount = super().save(commit=False)
        merged = dict(self.instance.credentials or {}) if self.instance.pk else {}
        for name, value in self.cleaned_data.get("credentials_new", {}).items():
            if value:
                merged[name] = value
            else:
                merged.pop(name, None)
        validate_credentials(merged)
        account.credentials = merged
        if commit:
            account.save()
            self.save_m2m()
        return account


@admin.register(CarrierAccount)
class CarrierAccountAdmin(admin.ModelAdmin):
    form = CarrierAccountForm
    list_display = ("name", "carrier", "enabled", "priority", "rules", "updated_at")
    list_filter = ("carrier", "enabled")
    search_fields = ("name", "carrier")
    filter_horizontal = ("warehouses",)
    readonly_fields = ("credentials_status",)
    fieldsets = (
        (None, {"fields": ("name", "carrier", "enabled", "priority")}),
        (_("Credentials"), {"fields": ("credentials_new", "secrets_env_prefix", "credentials_status")}),
        (_("Carrier's API"), {"fields": ("base_url", "timeout", "options")}),
        (
            _("Which returns it serves (empty: all)"),
            {"fields": ("drop_off_methods", "countries", "warehouses")},
        ),
        (
            _("Return address (empty: the return's destination warehouse)"),
            {
                "fields": (
                    "return_name",
                    "return_line1",
                    "return_line2",
                    "return_postcode",
                    "return_city",
                    "return_country",
                    "return_phone",
                )
            },
        ),
    )

    @admin.display(description=_("rules"))
    def rules(self, obj: CarrierAccount) -> str:
        parts = [
            ", ".join(obj.drop_off_methods) or str(_("every method")),
            ", ".join(obj.countries) or str(_("every country")),
        ]
        return " · ".join(parts)

    @admin.display(description=_("credentials in use"))
    def credentials_status(self, obj: CarrierAccount) -> Any:
        """Which credentials are set and where each comes from, never a value."""
        sources = obj.credentials_sources() if obj.pk else {}
        if not sources:
            return _("none")
        words = {"environment": _("from the environment"), "stored": _("stored")}
        return format_html_join(
            ", ", "<code>{}</code>: {}", ((name, words[source]) for name, source in sources.items())
        )
