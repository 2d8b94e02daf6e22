"""Carrier accounts: which carrier serves which returns, with whose credentials, is data the admin edits.

An account names a carrier (a code of rma.shipping.carriers), the credentials its adapter documents, the products
and options used, the address parcels go back to, and the rules that choose it: the drop-off methods, the
customer's countries and the destination warehouses it serves (empty = all). The services that pick an account
for a return and turn it into an adapter are in rma.shipping.services.accounts.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from rma.core.models import TimeStampedModel
from rma.core.secrets import env_secrets
from rma.locations.choices import DropOffMethod


def carrier_choices() -> list[tuple[str, str]]:
    """The carriers an account may use: the registry's codes (read when a form is built, never frozen in a
    migration, so that adding an adapter changes no schema)."""
    from rma.shipping.carriers import carrier_codes  # the registry imports the adapters: only when asked

    return [(code, code.replace("_", " ").title()) for code in carrier_codes()]


def _validate_string_list(value: Any, *, allowed: list[str] | None = None, what: "str | StrPromise") -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValidationError(_("%(what)s must be a list of codes."), params={"what": what})
    if allowed is not None:
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise ValidationError(
                _("Unknown %(what)s: %(codes)s."), params={"what": what, "codes": ", ".join(unknown)}
            )


def validate_drop_off_methods(value: Any) -> None:
    _validate_string_list(value, allowed=list(DropOffMethod.values), what=_("drop-off methods"))


def validate_countries(value: Any) -> None:
    _validate_string_list(value, what=_("countries"))
    if not all(len(code) == 2 and code.isascii() and code.isalpha() and code.isupper() for code in value):
        raise ValidationError(_("Countries are two-letter ISO codes in capitals, e.g. FR, BE."))


def validate_credentials(value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and key and isinstance(item, str) for key, item in value.items()
    ):
        raise ValidationError(_('Credentials are an object of names to texts, e.g. {"password": "…"}.'))


def validate_options(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_('Options are an object, e.g. {"product": "CORE"}.'))


class CarrierAccount(TimeStampedModel):
    """A contract with a carrier, and the returns it serves.

    Credentials are stored here or, when ``secrets_env_prefix`` is set, read from the environment: the variable
    ``<PREFIX>_<NAME in capitals>`` wins over the stored value of ``name`` (e.g. RMA_COLISSIMO_PASSWORD for
    "password"). The admin never shows a stored credential back.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    # Choices are read from the carrier registry when a form is built (a callable: nothing frozen in migrations).
    carrier = models.CharField(_("carrier"), max_length=32, choices=carrier_choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Among accounts that fit a return, the lowest number is used.")
    )
    credentials = models.JSONField(_("credentials"), default=dict, blank=True, validators=[validate_credentials])
    secrets_env_prefix = models.CharField(
        _("credentials from the environment"),
        max_length=64,
        blank=True,
        help_text=_(
            "e.g. RMA_COLISSIMO: the variable RMA_COLISSIMO_PASSWORD gives the credential “password”, and wins "
            "over the stored one."
        ),
    )
    base_url = models.URLField(
        _("API address"), blank=True, help_text=_("Leave empty for the carrier's production address.")
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        validators=[validate_options],
        help_text=_("The adapter's documented options: products, label format, language…"),
    )
    timeout = models.FloatField(_("timeout (s)"), default=10.0)
    # Where parcels go back to; blank = the return's destination warehouse.
    return_name = models.CharField(_("return address: name"), max_length=200, blank=True)
    return_line1 = models.CharField(_("return address"), max_length=200, blank=True)
    return_line2 = models.CharField(_("return address (continued)"), max_length=200, blank=True)
    return_postcode = models.CharField(_("return address: postcode"), max_length=16, blank=True)
    return_city = models.CharField(_("return address: city"), max_length=100, blank=True)
    return_country = models.CharField(_("return address: country"), max_length=2, blank=True)
    return_phone = models.CharField(_("return address: phone"), max_length=32, blank=True)
    # The rules: empty = all.
    drop_off_methods = models.JSONField(
        _("drop-off methods served"),
        default=list,
        blank=True,
        validators=[validate_drop_off_methods],
        help_text=_('e.g. ["relay_point", "locker"]. Empty: every method.'),
    )
    countries = models.JSONField(
        _("customers' countries served"),
        default=list,
        blank=True,
        validators=[validate_countries],
        help_text=_('ISO codes, e.g. ["FR", "BE"]. Empty: every country.'),
    )
    warehouses = models.ManyToManyField(
        "locations.Warehouse",
        blank=True,
        related_name="carrier_accounts",
        verbose_name=_("destination warehouses served"),
        help_text=_("Empty: every warehouse."),
    )

    class Meta:
        ordering = ("priority", "name")
        verbose_name = _("carrier account")
        verbose_name_plural = _("carrier accounts")
        indexes = [models.Index(fields=("enabled", "priority"), name="shipping_account_enabled_prio")]

    def __str__(self) -> str:
        return f"{self.name} ({self.carrier})"

    def credentials_resolved(self) -> dict[str, str]:
        """The credentials the adapter gets: the stored ones, overridden by ``<PREFIX>_<NAME>`` variables."""
        stored = {key: str(value) for key, value in (self.credentials or {}).items()}
        return {**stored, **env_secrets(prefix=self.secrets_env_prefix)}

    def credentials_sources(self) -> dict[str, str]:
        """Where each credential comes from, "environment" or "stored", by name (never a value)."""
        from_env = env_secrets(prefix=self.secrets_env_prefix)
        names = sorted({*(self.credentials or {}), *from_env})
        return {name: "environment" if name in from_env else "stored" for name in names}

    @property
    def has_return_address(self) -> bool:
        return bool(self.return_line1 and self.return_postcode and self.return_city)
