"""Impact settings, read by returns_portal.settings.base: the carbon factors every return's estimate applies
(rma.returns.carbon) and the average unit weights the disposition disclosure uses (rma.insights.dispositions)."""

from typing import TypedDict


class CarbonFactors(TypedDict):
    """Shape of ``RMA_CARBON_FACTORS``: grams per drop-off kind, per car km, and shares of dedicated trips."""

    carrier_leg_g: dict[str, int]
    car_g_per_km: int
    dedicated_trip_share: dict[str, float]
    walkable_km: float


# Carbon estimate per drop-off option, in grams CO2e per parcel (ADEME 2023; Eco CO2 for Mondial Relay 2023):
# the carrier's leg, plus the customer's trip when it is made by car (per km, and the share of trips that are
# dedicated rather than combined with another errand). Shown as estimates; editable here.
RMA_CARBON_FACTORS: CarbonFactors = {
    "carrier_leg_g": {"store": 150, "relay_point": 287, "locker": 250, "post_office": 300, "home_pickup": 374},
    "car_g_per_km": 193,
    "dedicated_trip_share": {"store": 0.5, "relay_point": 0.3, "locker": 0.3, "post_office": 0.4, "home_pickup": 0},
    "walkable_km": 1.0,
}
# The name of the factor set above, stored with every return's estimate (rma.returns.models.ReturnFootprint): give
# the factors a new name whenever you change them, so reports can tell the estimates made with each set apart.
RMA_CARBON_FACTORS_VERSION = "ademe-2023.1"
# Average weight of one unit per product category, in grams: the disposition disclosure (rma.insights) estimates
# the weight of what was reused, recycled or destroyed with it, since orders carry no weight. Set your own.
RMA_CATEGORY_UNIT_WEIGHT_G: dict[str, int] = {
    "apparel": 350,
    "footwear": 900,
    "electronics": 600,
    "home": 1500,
    "beauty": 200,
    "other": 500,
}
# Where the factors come from, cited on the footprint report (rma.insights).
RMA_CARBON_FACTORS_SOURCES = [
    "ADEME, Base Empreinte (2023): road freight and passenger car emission factors",
    "Mondial Relay, Eco CO2 (2023): emissions per parcel by delivery mode",
]
# What a return costs the retailer, for the analytics (rma.insights): a label per carrier (its code, or "default"),
# and handling per unit the warehouse inspects. Estimates in the returns' currency; set your own contract prices.
RMA_INSIGHTS_LABEL_COST: dict[str, str] = {"default": "5.50"}
RMA_INSIGHTS_HANDLING_COST = "2.00"
# The nightly pass of the analytics' roll-ups rebuilds this many days whole (rma.insights.rollups).
RMA_INSIGHTS_REBUILD_DAYS = 62
