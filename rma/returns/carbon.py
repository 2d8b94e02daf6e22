"""Carbon estimate of each way of sending a return, from the factors in ``settings.RMA_CARBON_FACTORS``.

estimate = the carrier's leg for this kind of drop-off
         + the customer's round trip by car (2 × distance × g/km × share of trips made only for this),
           counted as zero when the point is within walking distance.
The figures are estimates (ADEME 2023; Eco CO2 for Mondial Relay 2023); the portal's help cites them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from rma.locations.models import DropOffPoint
from rma.locations.nearest import distance_km as great_circle_km
from rma.locations.selectors import postcode_coordinates
from rma.orders.models import Order
from rma.returns.models import ReturnFootprint, ReturnRequest

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


def order_position(order: Order) -> tuple[float, float] | None:
    """Where the customer starts from: the order's coordinates, else its postcode's centre (one query)."""
    if order.latitude is not None and order.longitude is not None:
        return (order.latitude, order.longitude)
    return postcode_coordinates(postcode=order.postcode, city=order.city, country=order.country or "FR")


def footprint_build(
    *,
    return_request: ReturnRequest,
    order: Order,
    point: DropOffPoint | None,
    locate: Callable[[Order], tuple[float, float] | None] = order_position,
) -> ReturnFootprint:
    """The estimate of a new return, with the factors it applies (saved by the caller, with the return).

    The customer's trip starts where `locate` puts the order (order_position: its coordinates, else its postcode's
    centre, one query); when neither is known, only the carrier's leg is counted, and the distance is left empty.
    A returnless refund sends nothing: its estimate is 0 g (its baseline still counts, as what the return would
    have cost)."""
    factors = settings.RMA_CARBON_FACTORS
    kind = HOME_PICKUP if point is None else point.kind
    distance: float | None = None
    if point is not None and point.latitude is not None and point.longitude is not None:
        start = locate(order)
        if start is not None:
            distance = great_circle_km(start[0], start[1], point.latitude, point.longitude)
    estimate = carbon_estimate(kind=kind, distance_km=distance)
    farthest = settings.RMA_DROP_OFF_MAX_KM.get(kind)
    if distance is not None and farthest is not None and distance > farthest:
        # Farther than the portal offers this kind of point: the customer was there for something else (a parcel
        # handed in at a shop's counter while travelling), so no trip is counted for the return.
        estimate = CarbonEstimate(estimate.carrier_leg_g, estimate.carrier_leg_g, 0, estimate.walkable)
    if return_request.returnless:  # refunded without sending anything back: no parcel, no trip
        estimate = CarbonEstimate(grams=0, carrier_leg_g=0, trip_g=0, walkable=estimate.walkable)
    return ReturnFootprint(
        return_request=return_request,
        method=return_request.drop_off_method,
        distance_m=None if distance is None else round(distance * 1000),
        walkable=estimate.walkable and point is not None,
        grams=estimate.grams,
        carrier_leg_g=estimate.carrier_leg_g,
        trip_g=estimate.trip_g,
        baseline_g=carbon_estimate(kind=HOME_PICKUP, distance_km=None).grams,
        car_g_per_km=int(factors["car_g_per_km"]),
        trip_share=Decimal(str(factors["dedicated_trip_share"].get(kind, 1.0 if point is not None else 0))),
        walkable_km=Decimal(str(factors.get("walkable_km", 0))),
        factors_version=settings.RMA_CARBON_FACTORS_VERSION,
    )
