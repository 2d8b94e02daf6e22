"""Carbon estimate of each way of sending a return, from the factors in ``settings.RMA_CARBON_FACTORS``.

estimate = the carrier's leg for this kind of drop-off
         + the customer's round trip by car (2 × distance × g/km × share of trips made only for this),
           counted as zero when the point is within walking distance.
The figures are estimates (ADEME 2023; Eco CO2 for Mondial Relay 2023); the portal's help cites them.
"""

from dataclasses import dataclass

from django.conf import settings

HOME_PICKUP = "home_pickup"


@dataclass(frozen=True)
class CarbonEstimate:
    grams: int
    carrier_leg_g: int
    trip_g: int
    walkable: bool


def carbon_estimate(*, kind: str, distance_km: float | None) -> CarbonEstimate:
    """Grams of CO2e for one parcel sent by ``kind`` (a drop-off kind, or "home_pickup") at ``distance_km``."""
    factors = settings.RMA_CARBON_FACTORS
    carrier_leg = int(factors["carrier_leg_g"].get(kind, max(factors["carrier_leg_g"].values())))
    if kind == HOME_PICKUP or distance_km is None:
        return CarbonEstimate(carrier_leg, carrier_leg, 0, kind == HOME_PICKUP)
    walkable = distance_km <= float(factors.get("walkable_km", 0))
    trip = 0
    if not walkable:
        share = float(factors["dedicated_trip_share"].get(kind, 1.0))
        trip = round(2 * distance_km * float(factors["car_g_per_km"]) * share)
    return CarbonEstimate(carrier_leg + trip, carrier_leg, trip, walkable)


# Two options are "as convenient" when they lie within the same band of distance from the customer;
# inside a band the greener one comes first, otherwise the nearer one does.
CONVENIENCE_BAND_KM = 1.0


def convenience_sort_key(*, distance_km: float, grams: int) -> tuple[int, int, float]:
    """Nearest first, but the greener option first among options about as near (same 1-km band)."""
    return (int(distance_km // CONVENIENCE_BAND_KM), grams, distance_km)
