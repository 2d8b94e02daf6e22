"""The physical network: shops, warehouses and the points where parcels are dropped off."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rma.core.models import AddressModel, TimeStampedModel
from rma.locations.choices import WEEKDAYS, DropOffKind

# A time of day as "HH:MM"; "24:00" may end a slot (open until midnight), never start one.
_HHMM_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


def validate_opening_hours(value: object) -> None:
    """Opening hours are {"mon": [["09:00", "12:30"], ...], ...} with ordered, non-overlapping "HH:MM" slots; a
    day left out is closed."""
    if not isinstance(value, dict) or set(value) - set(WEEKDAYS):
        raise ValidationError(_("Opening hours must map weekdays (mon…sun) to lists of slots."))
    for day, slots in value.items():
        if not isinstance(slots, list):
            raise ValidationError(_("Bad opening slots on %(day)s: %(slot)s"), params={"day": day, "slot": slots})
        previous_end = ""
        for slot in slots:
            if (
                not isinstance(slot, list | tuple)
                or len(slot) != 2
                or not all(isinstance(t, str) and _HHMM_RE.match(t) for t in slot)
                or slot[0] == "24:00"
                or not previous_end <= slot[0] < slot[1]
            ):
                raise ValidationError(_("Bad opening slot on %(day)s: %(slot)s"), params={"day": day, "slot": slot})
            previous_end = slot[1]


def validate_compartments(value: object) -> None:
    """A locker's compartments are [{"size": "A", "height": 8, "width": 38, "depth": 64}, ...]: the carrier's name
    of the size and its inside dimensions in centimetres."""
    if not isinstance(value, list):
        raise ValidationError(_("Compartments must be a list of sizes."))
    for compartment in value:
        if (
            not isinstance(compartment, dict)
            or set(compartment) != {"size", "height", "width", "depth"}
            or not isinstance(compartment["size"], str)
            or not compartment["size"].strip()
            or not all(
                isinstance(compartment[d], int | float) and not isinstance(compartment[d], bool) and compartment[d] > 0
                for d in ("height", "width", "depth")
            )
        ):
            raise ValidationError(
                _('Bad compartment %(compartment)s: give {"size", "height", "width", "depth"} in cm.'),
                params={"compartment": compartment},
            )


class Warehouse(AddressModel, TimeStampedModel):
    """A site where returns are received, inspected and sorted."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="warehouses", verbose_name=_("staff")
    )
    # Advance notices (see the notifications app).
    notify_webhook_url = models.URLField(_("advance-notice webhook URL"), blank=True)
    notify_webhook_secret = models.CharField(_("webhook signing secret"), max_length=128, blank=True)
    notify_email = models.EmailField(_("advance-notice email"), blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Store(AddressModel, TimeStampedModel):
    """A shop of the retailer: takes returns at the counter and ships goods back to a warehouse."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    opening_hours = models.JSONField(_("opening hours"), default=dict, blank=True, validators=[validate_opening_hours])
    default_warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stores",
        verbose_name=_("default warehouse"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="stores", verbose_name=_("staff")
    )

    class Meta:
        ordering = ("code",)
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DropOffPointQuerySet(models.QuerySet):
    def usable(self) -> "DropOffPointQuerySet":
        return self.filter(is_active=True, accepts_returns=True)


class DropOffPoint(AddressModel, TimeStampedModel):
    """A place where a customer can leave a return: one of our shops, a relay point, a locker, a post office."""

    carrier = models.CharField(_("carrier"), max_length=32)
    carrier_point_id = models.CharField(_("carrier's point id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=DropOffKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, null=True, blank=True, related_name="drop_off_point", verbose_name=_("shop")
    )
    opening_hours = models.JSONField(_("opening hours"), default=dict, blank=True, validators=[validate_opening_hours])
    closures = models.JSONField(
        _("closures"), default=list, blank=True, help_text=_('List of {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}.')
    )
    open_24_7 = models.BooleanField(_("open 24/7"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    max_weight_kg = models.PositiveSmallIntegerField(_("max weight (kg)"), null=True, blank=True)
    max_dimensions_cm = models.PositiveSmallIntegerField(_("max length + width + height (cm)"), null=True, blank=True)
    compartments = models.JSONField(
        _("locker compartments"),
        default=list,
        blank=True,
        validators=[validate_compartments],
        help_text=_('A locker\'s compartment sizes: [{"size": "A", "height": 8, "width": 38, "depth": 64}] in cm.'),
    )
    accepts_returns = models.BooleanField(_("accepts returns"), default=True)
    label_printing = models.BooleanField(_("prints labels from a QR code"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DropOffPointQuerySet.as_manager()

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("drop-off point")
        verbose_name_plural = _("drop-off points")
        constraints = [
            models.UniqueConstraint(
                fields=("carrier", "carrier_point_id"), name="%(app_label)s_%(class)s_unique_carrier_point"
            ),
        ]
        indexes = [models.Index(fields=("latitude", "longitude"), name="locations_dropoff_coords")]

    def __str__(self) -> str:
        return f"{self.name} ({self.postcode} {self.city})"


class PostcodePlace(models.Model):
    """One place served by a postcode, with its coordinates, from an official postcode file (see
    `manage.py postcodes_import`). A postcode serves several places and a place may have several postcodes, so a
    row is one (postcode, place) pair; locating a postcode means taking its places' centre."""

    country = models.CharField(_("country"), max_length=2, default="FR")
    postcode = models.CharField(_("postcode"), max_length=16)
    insee_code = models.CharField(_("INSEE code"), max_length=5, blank=True)
    name = models.CharField(_("place"), max_length=100, help_text=_("The locality (line 5) or else the commune."))
    commune = models.CharField(_("commune"), max_length=100)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ("country", "postcode", "name")
        verbose_name = _("postcode place")
        verbose_name_plural = _("postcode places")
        constraints = [
            models.UniqueConstraint(
                fields=("country", "postcode", "insee_code", "name"), name="%(app_label)s_%(class)s_unique_place"
            ),
        ]
        indexes = [models.Index(fields=("country", "postcode"), name="locations_postcodeplace_pc")]

    def __str__(self) -> str:
        return f"{self.postcode} {self.name}"


class AddressPoint(models.Model):
    """One postal address and where it is, from the Base Adresse Nationale (see `manage.py addresses_import`), so
    that a customer's address is placed on its own door rather than at the middle of its postcode."""

    ban_id = models.CharField(_("BAN id"), max_length=64, unique=True, help_text=_("The file's « id » (clé BAN)."))
    postcode = models.CharField(_("postcode"), max_length=16)
    insee_code = models.CharField(_("INSEE code"), max_length=5)
    street = models.CharField(_("street"), max_length=200, help_text=_("As the file writes it (nom_voie)."))
    street_key = models.CharField(
        _("street key"), max_length=200, help_text=_("The street's name normalised for matching what people type.")
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    suffix = models.CharField(_("suffix"), max_length=16, blank=True, help_text=_("bis, ter, a…"))
    city = models.CharField(_("city"), max_length=100)
    city_key = models.CharField(_("city key"), max_length=100)
    former_city_key = models.CharField(
        _("former commune key"), max_length=100, blank=True, help_text=_("The former commune, when it merged.")
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ("postcode", "street_key", "number", "suffix", "ban_id")
        verbose_name = _("address point")
        verbose_name_plural = _("address points")
        indexes = [models.Index(fields=("postcode", "street_key"), name="locations_addresspoint_street")]

    def __str__(self) -> str:
        number = f"{self.number or ''}{self.suffix and ' ' + self.suffix}".strip()
        return f"{number} {self.street}, {self.postcode} {self.city}".strip()
