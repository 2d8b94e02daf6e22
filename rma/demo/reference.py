"""The demo's reference data: warehouses, shops and their counters, carriers' drop-off points, postcodes, reason codes
and the default return policy. seed_demo makes them before its users, orders and returns; seed_scale makes them the
same way for the returns it writes in bulk.

Each function writes a row only when it differs from what is stored (so a second run changes nothing) and counts
the rows it creates in `created`, by model name.
"""

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models

from rma.core.services import model_update
from rma.demo import geography as geo
from rma.locations.choices import DropOffKind, DropOffMethod
from rma.locations.models import DropOffPoint, PostcodePlace, Store, Warehouse
from rma.orders.choices import Channel
from rma.returns.choices import LegalBasis, Responsibility
from rma.returns.models import PolicyFee, PolicyWindowOverride, ReasonCode, ReturnPolicy

STORE_CARRIER = "maison_lumiere"

SHOP_HOURS = {day: [["10:00", "19:30"]] for day in geo.WEEKDAYS[:6]} | {"sun": []}

REASON_CODES: tuple[tuple[str, str, str, str, bool, bool, str], ...] = (
    # code, French, English, responsibility, requires a photo, free return, legal basis
    ("too-small", "Trop petit", "Too small", Responsibility.CUSTOMER, False, False, LegalBasis.WITHDRAWAL),
    ("too-large", "Trop grand", "Too large", Responsibility.CUSTOMER, False, False, LegalBasis.WITHDRAWAL),
    ("changed-mind", "J'ai changé d'avis", "Changed my mind", Responsibility.CUSTOMER, False, False,
     LegalBasis.WITHDRAWAL),
    ("not-as-described", "Non conforme à la description", "Not as described", Responsibility.MERCHANT, True, True,
     LegalBasis.NON_CONFORMITY),
    ("defective", "Défectueux", "Defective", Responsibility.MERCHANT, True, True, LegalBasis.NON_CONFORMITY),
    ("damaged-in-transit", "Endommagé pendant le transport", "Damaged in transit", Responsibility.CARRIER, True,
     True, LegalBasis.TRANSPORT_DAMAGE),
    ("wrong-item", "Mauvais article reçu", "Wrong item received", Responsibility.MERCHANT, False, True,
     LegalBasis.NON_CONFORMITY),
    # Late delivery is the carrier's fault (so the return is free), but the return itself is a withdrawal.
    ("arrived-too-late", "Arrivé trop tard", "Arrived too late", Responsibility.CARRIER, False, True,
     LegalBasis.WITHDRAWAL),
    ("better-price", "Meilleur prix ailleurs", "Found a better price elsewhere", Responsibility.CUSTOMER, False,
     False, LegalBasis.WITHDRAWAL),
    ("ordered-several-sizes", "Commandé plusieurs tailles", "Ordered several sizes", Responsibility.CUSTOMER, False,
     False, LegalBasis.WITHDRAWAL),
    ("other", "Autre raison", "Other reason", Responsibility.CUSTOMER, False, False, LegalBasis.WITHDRAWAL),
)  # fmt: skip

POLICY_NAME = "Politique standard"
POLICY_VALUES: dict[str, Any] = {
    "is_default": True,
    "window_days": 30,
    "conformity_window_days": 730,
    "auto_approve": True,
    "review_order_value_above": Decimal("800.00"),
    "review_recent_returns": 5,
    "review_recent_returns_days": 90,
    "returnless_refund_below": Decimal("8.00"),
    "free_exchanges": True,
    # Store credit at handover with a 10 % bonus, valid a year: the resolution step shows the offer.
    "store_credit_moment": "handover",
    "store_credit_bonus_percent": Decimal("10.00"),
    "store_credit_validity_days": 365,
}
# (category, channel, days): never under the 14-day withdrawal right.
WINDOW_OVERRIDES = (("electronics", "", 15), ("", Channel.STORE, 30), ("footwear", Channel.WEB, 45))
CUSTOMER_FEES: dict[str, Decimal] = {
    DropOffMethod.STORE: Decimal("0.00"),
    DropOffMethod.RELAY_POINT: Decimal("3.90"),
    DropOffMethod.LOCKER: Decimal("3.90"),
    DropOffMethod.POST_OFFICE: Decimal("3.90"),
    DropOffMethod.HOME_PICKUP: Decimal("6.90"),
}


ModelT = TypeVar("ModelT", bound=models.Model)


def row_upsert(
    model: type[ModelT],
    lookup: dict[str, Any],
    values: dict[str, Any],
    created: Counter[str],
    *,
    on_create: Callable[[], dict[str, Any]] | None = None,
) -> ModelT:
    """update_or_create that writes only what differs, so that a second run does not touch updated_at; a row it
    creates is counted in `created`, under its model's name."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values, **(on_create() if on_create else {}))
        instance.full_clean()
        instance.save()
        created[str(model._meta.model_name)] += 1  # always set on a concrete model
        return instance
    model_update(instance=instance, fields=list(values), data=values)
    return instance


# ---- sites and drop-off points


def warehouses_seed(*, created: Counter[str]) -> dict[str, Warehouse]:
    """The demo's warehouses, by code."""
    warehouses = {}
    for data in geo.WAREHOUSES:
        values = {key: value for key, value in data.items() if key != "code"}
        warehouses[data["code"]] = row_upsert(Warehouse, {"code": data["code"]}, values, created)
    return warehouses


def shops_seed(*, warehouses: dict[str, Warehouse], created: Counter[str]) -> dict[str, Store]:
    """The demo's shops, by code, each with its counter as a drop-off point."""
    shops = {}
    for data in geo.SHOPS:
        values = {key: value for key, value in data.items() if key not in ("code", "default_warehouse")}
        values["opening_hours"] = SHOP_HOURS
        values["default_warehouse"] = warehouses[data["default_warehouse"]]
        shop = row_upsert(Store, {"code": data["code"]}, values, created)
        shops[shop.code] = shop
        point = {
            key: data[key]
            for key in ("name", "address_line1", "address_line2", "postcode", "city", "country", "latitude")
        }
        point |= {
            "longitude": data["longitude"],
            "kind": DropOffKind.STORE,
            "store": shop,
            "opening_hours": SHOP_HOURS,
            "open_24_7": False,
            "wheelchair_accessible": True,
            "max_weight_kg": 30,
            "max_dimensions_cm": 150,
            "accepts_returns": True,
            "label_printing": True,
            "is_active": True,
        }
        row_upsert(DropOffPoint, {"carrier": STORE_CARRIER, "carrier_point_id": shop.code}, point, created)
    return shops


def drop_off_points_seed(*, created: Counter[str]) -> None:
    """The carriers' points in bulk: one query to read, one to create, one to update what changed."""
    generated = geo.generate_drop_off_points(count=200, seed=7)
    existing = {
        (point.carrier, point.carrier_point_id): point
        for point in DropOffPoint.objects.filter(carrier__in={p["carrier"] for p in generated})
    }
    to_create, to_update, changed_fields = [], [], set()
    for data in generated:
        point = existing.get((data["carrier"], data["carrier_point_id"]))
        if point is None:
            point = DropOffPoint(**data)
            point.full_clean(validate_unique=False, validate_constraints=False)
            to_create.append(point)
            continue
        changed = {name for name, value in data.items() if getattr(point, name) != value}
        if changed:
            for name in changed:
                setattr(point, name, data[name])
            to_update.append(point)
            changed_fields |= changed
    DropOffPoint.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        DropOffPoint.objects.bulk_update(to_update, [*sorted(changed_fields), "updated_at"], batch_size=500)
    created["dropoffpoint"] += len(to_create)


def postcode_places_seed(*, created: Counter[str]) -> None:
    """The demo towns' postcodes, so that the drop-off step and the API locate them without La Poste's file
    (`postcodes_import` loads the real one; a postcode neither lists is unknown, never guessed)."""
    known = set(PostcodePlace.objects.filter(country="FR").values_list("postcode", flat=True))
    new = [
        PostcodePlace(
            country="FR",
            postcode=city.postcode,
            name=city.name.upper(),
            commune=city.name,
            latitude=city.latitude,
            longitude=city.longitude,
        )
        for city in geo.CITIES
        if city.postcode not in known
    ]
    PostcodePlace.objects.bulk_create(new, ignore_conflicts=True)
    created["postcodeplace"] += len(new)


# ---- reasons and policy


def reason_codes_seed(*, created: Counter[str]) -> dict[str, ReasonCode]:
    """The reason codes of REASON_CODES, by code, in that order."""
    reasons = {}
    for position, (code, label_fr, label_en, responsibility, photo, free, legal) in enumerate(REASON_CODES, 1):
        values = {
            "label_fr": label_fr,
            "label_en": label_en,
            "responsibility": responsibility,
            "requires_photo": photo,
            "free_return": free,
            "legal_basis": legal,
            "position": position * 10,
            "is_active": True,
        }
        reasons[code] = row_upsert(ReasonCode, {"code": code}, values, created)
    return reasons


def policy_seed(*, created: Counter[str]) -> ReturnPolicy:
    """The default return policy, its window overrides and the customer's fees."""
    # Only one default policy may exist: an earlier default of another name steps aside.
    ReturnPolicy.objects.filter(is_default=True).exclude(name=POLICY_NAME).update(is_default=False)
    policy = row_upsert(ReturnPolicy, {"name": POLICY_NAME}, POLICY_VALUES, created)
    for category, channel, days in WINDOW_OVERRIDES:
        row_upsert(
            PolicyWindowOverride,
            {"policy": policy, "category": category, "channel": channel},
            {"window_days": days},
            created,
        )
    for responsibility in Responsibility.values:
        for method in DropOffMethod.values:
            amount = CUSTOMER_FEES[method] if responsibility == Responsibility.CUSTOMER else Decimal("0.00")
            row_upsert(
                PolicyFee,
                {"policy": policy, "responsibility": responsibility, "drop_off_method": method},
                {"amount": amount},
                created,
            )
    return policy
