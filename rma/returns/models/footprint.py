"""The carbon estimate of a return, kept as it was made when the return was created."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rma.locations.choices import DropOffMethod


class ReturnFootprint(models.Model):
    """What sending this return back emits, estimated when it was created (rma.returns.carbon): the way chosen, the
    distance to the drop-off, every factor applied and the version of the factor set they come from. Reports add
    these rows up, so a later change of the factors does not rewrite what customers were shown.

    grams = carrier_leg_g + trip_g; trip_g = 2 × distance × car_g_per_km × trip_share, or 0 when walkable or at
    home. baseline_g is the same parcel collected at home: what an all-home-pickup service would have emitted."""

    return_request = models.OneToOneField(
        "returns.ReturnRequest", on_delete=models.CASCADE, primary_key=True, related_name="footprint"
    )
    created_at = models.DateTimeField(_("estimated at"), default=timezone.now)
    method = models.CharField(_("drop-off"), max_length=20, choices=DropOffMethod.choices)
    # Customer to drop-off point, from the order's delivery address; null at home, or when it cannot be located.
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    walkable = models.BooleanField(_("within walking distance"), default=False)
    grams = models.PositiveIntegerField(_("estimate (g CO2e)"))
    carrier_leg_g = models.PositiveIntegerField(_("carrier's leg (g CO2e)"))
    trip_g = models.PositiveIntegerField(_("customer's trip (g CO2e)"))
    baseline_g = models.PositiveIntegerField(_("collected at home instead (g CO2e)"))
    car_g_per_km = models.PositiveIntegerField(_("car (g CO2e per km)"))
    trip_share = models.DecimalField(_("share of trips made for this"), max_digits=4, decimal_places=3)
    walkable_km = models.DecimalField(_("walking distance (km)"), max_digits=5, decimal_places=2)
    factors_version = models.CharField(_("factor set"), max_length=40)

    class Meta:
        verbose_name = _("carbon estimate")
        verbose_name_plural = _("carbon estimates")
        indexes = [models.Index(fields=("created_at", "method"), name="returns_footprint_period")]

    def __str__(self) -> str:
        return f"{self.grams} g CO2e ({self.method})"
