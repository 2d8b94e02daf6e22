"""Finding drop-off points near a customer, nearest first."""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.core.reference_memo import ReferenceMemo
from rma.locations.addresses import address_coordinates
from rma.locations.models import DropOffPoint, PostcodePlace, Warehouse
from rma.locations.nearest import SEARCH_RADII_KM, NearbyPoint, distance_km, points_near
from rma.locations.postcodes import name_key

__all__ = [
    "SEARCH_RADII_KM",
    "NearbyPoint",
    "address_coordinates",
    "distance_km",
    "drop_off_points_near",
    "postcode_coordinates",
]


def postcode_coordinates(*, postcode: str, city: str = "", country: str = "FR") -> tuple[float, float] | None:
    """Where a postcode is: the centre of its places in the official postcode file (`postcodes_import`); when a
    city is given and names one of them (La Poste's spelling or the customer's: "Saint-Étienne" is "ST ETIENNE"),
    that place, since one postcode may cover towns far apart.

    A postcode the file does not list is not located (None): no place is guessed from the points we happen to
    know (their average can be nowhere near the postcode). `seed_demo` writes the demo's postcodes."""
    postcode = postcode.strip().replace(" ", "")
    if not postcode:
        return None
    places = list(PostcodePlace.objects.filter(country=country, postcode=postcode))
    if places:
        wanted = name_key(city)
        matching = [p for p in places if wanted and wanted in (name_key(p.name), name_key(p.commune))]
        chosen = matching or places
        return (
            sum(p.latitude for p in chosen) / len(chosen),
            sum(p.longitude for p in chosen) / len(chosen),
        )
    return None


def drop_off_points_near(
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    postcode: str = "",
    city: str = "",
    kinds: list[str] | None = None,
    limit: int = 20,
    max_km_by_kind: Mapping[str, float] | None = None,
    address: str = "",
) -> list[NearbyPoint]:
    """Usable drop-off points nearest first, by coordinates, or by the customer's address (`address` is its first
    line: number and street) when the address file knows it, else by postcode (and city, when the postcode covers
    several towns). `max_km_by_kind` caps the distance per kind ({"store": 50}: no shop further than 50 km); a kind
    it leaves out is searched up to the widest ring (see rma.locations.nearest)."""
    if latitude is None or longitude is None:
        coordinates = None
        if address.strip():
            coordinates = address_coordinates(line1=address, postcode=postcode, city=city)
        if coordinates is None:
            coordinates = postcode_coordinates(postcode=postcode, city=city)
        if coordinates is None:
            raise DomainError(_("We do not know this postcode."), code="unknown_postcode")
        latitude, longitude = coordinates
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError(_("Coordinates are out of range."), code="invalid_coordinates")
    # Seven decimals place a point within a centimetre; a subnormal like -5e-324 would underflow PostgreSQL's
    # trigonometry (a 500) and means 0 anyway.
    latitude, longitude = round(latitude, 7), round(longitude, 7)
    queryset = DropOffPoint.objects.usable().select_related("store")
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return points_near(
        queryset=queryset,
        latitude=latitude,
        longitude=longitude,
        kinds=kinds,
        max_km_by_kind=max_km_by_kind,
        limit=limit,
    )


_active_warehouses = ReferenceMemo(
    "locations.active_warehouses", lambda: list(Warehouse.objects.filter(is_active=True)), models=[Warehouse]
)


def warehouses_active() -> list[Warehouse]:
    """The active warehouses (in their default order); kept in memory between requests (rma.core.reference_memo)."""
    return _active_warehouses.get()
