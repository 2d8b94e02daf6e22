"""Fill the database with a demo of "Maison Lumière": sites, drop-off points, policy, users, orders and returns.

Idempotent and deterministic: every row has a natural key (warehouse and shop codes, carrier point ids, reason
codes, order external ids, usernames) and is written only when it differs from what is stored, so a second run
changes nothing. Dates are relative to the start of today (Europe/Paris), so that a second run on the same day
computes exactly the same orders, and a run on a later day keeps the demo fresh. Returns are made once, by the
services a real return goes through (rma.demo.returns): when the demo orders already have returns, that step
is skipped. So are the shops' shipments (rma.demo.shipments) when the demo shops already have some.
"""

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import models, transaction
from rest_framework.authtoken.models import Token

from rma.core import roles
from rma.core.role_groups import role_groups_sync
from rma.core.services import model_update
from rma.demo import geography as geo
from rma.demo.carriers import demo_carrier_accounts_seed
from rma.demo.orders import EXTERNAL_ID_PREFIX, DemoOrders, orders_for_returns, orders_to_try
from rma.demo.returns import DemoReturns
from rma.demo.shipments import DemoShipments, shipments_summary
from rma.insights.refresh import marks_reset
from rma.insights.rollups import all_days_rebuild
from rma.locations.choices import DropOffKind, DropOffMethod
from rma.locations.models import DropOffPoint, PostcodePlace, Store, Warehouse
from rma.orders.choices import Channel
from rma.orders.models import Order, OrderLine
from rma.orders.services import order_upsert
from rma.returns.choices import LegalBasis, Responsibility, ReturnStatus
from rma.returns.models import (
    PolicyFee,
    PolicyWindowOverride,
    ReasonCode,
    ReturnPolicy,
    ReturnRequest,
)
from rma.shipping.models import Shipment
from rma.warehouse.services import warehouse_reference_data_seed

S = ReturnStatus

SEED = 20261125
# Set when a demo user is created, never reset afterwards: a password someone changed (or the one of an
# "admin" that existed before) is kept.
DEMO_PASSWORD = "demo-password"
STORE_CARRIER = "maison_lumiere"
STAFF_EMAIL_DOMAIN = "maison-lumiere.example"

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


@dataclass
class SeedSummary:
    created: Counter = field(default_factory=Counter)
    orders: Counter = field(default_factory=Counter)
    returns_created: int = 0
    shipments_created: int = 0
    token: str = ""
    customer_orders: list[tuple[Order, int]] = field(default_factory=list)


ModelT = TypeVar("ModelT", bound=models.Model)


def _upsert(
    model: type[ModelT],
    lookup: dict[str, Any],
    values: dict[str, Any],
    summary: SeedSummary,
    *,
    on_create: Callable[[], dict[str, Any]] | None = None,
) -> ModelT:
    """update_or_create that writes only what differs, so that a second run does not touch updated_at."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values, **(on_create() if on_create else {}))
        instance.full_clean()
        instance.save()
        summary.created[model._meta.model_name] += 1
        return instance
    model_update(instance=instance, fields=list(values), data=values)
    return instance


class Command(BaseCommand):
    help = (
        "Create or refresh the Maison Lumière demo: 2 warehouses, 5 shops, 200 carrier drop-off points, reason "
        "codes, the default return policy, demo users (password 'demo-password'), ~500 orders and a few returns in "
        "every status. Safe to run again: it changes nothing the second time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        self.rng = random.Random(SEED)
        self.summary = SeedSummary()
        with transaction.atomic():
            # The role groups and their permissions, as `migrate` makes them (rma.core.role_groups).
            role_groups_sync()
            self.groups = {name: Group.objects.get(name=name) for name in roles.ALL_ROLES}
            warehouses = self.seed_warehouses()
            shops = self.seed_shops(warehouses)
            self.seed_drop_off_points()
            self.seed_postcode_places()
            reasons = self.seed_reason_codes()
            self.seed_policy()
            warehouse_reference_data_seed()
            self.summary.created["carrieraccount"] += demo_carrier_accounts_seed()
            users = self.seed_users(shops, warehouses)
            self.seed_orders()
            if not ReturnRequest.objects.filter(order__external_id__startswith=EXTERNAL_ID_PREFIX).exists():
                self.seed_returns(reasons=reasons, users=users)
            # Made once, like the returns: when the demo shops already have shipments, that step is skipped.
            if not Shipment.objects.filter(store__in=shops.values()).exists():
                self.seed_shipments(reasons=reasons, users=users)
            self.summary.customer_orders = orders_to_try()
        # The analytics' daily roll-ups of what is there now; the worker follows what changes from here.
        marks_reset()
        all_days_rebuild()
        self.print_summary(time.monotonic() - started)

    # ---- sites and drop-off points

    def seed_warehouses(self) -> dict[str, Warehouse]:
        warehouses = {}
        for data in geo.WAREHOUSES:
            values = {key: value for key, value in data.items() if key != "code"}
            warehouses[data["code"]] = _upsert(Warehouse, {"code": data["code"]}, values, self.summary)
        return warehouses

    def seed_shops(self, warehouses: dict[str, Warehouse]) -> dict[str, Store]:
        shops = {}
        for data in geo.SHOPS:
            values = {key: value for key, value in data.items() if key not in ("code", "default_warehouse")}
            values["opening_hours"] = SHOP_HOURS
            values["default_warehouse"] = warehouses[data["default_warehouse"]]
            shop = _upsert(Store, {"code": data["code"]}, values, self.summary)
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
            _upsert(DropOffPoint, {"carrier": STORE_CARRIER, "carrier_point_id": shop.code}, point, self.summary)
        return shops

    def seed_drop_off_points(self) -> None:
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
        self.summary.created["dropoffpoint"] += len(to_create)

    def seed_postcode_places(self) -> None:
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
        self.summary.created["postcodeplace"] += len(new)

    # ---- reasons and policy

    def seed_reason_codes(self) -> dict[str, ReasonCode]:
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
            reasons[code] = _upsert(ReasonCode, {"code": code}, values, self.summary)
        return reasons

    def seed_policy(self) -> ReturnPolicy:
        # Only one default policy may exist: an earlier default of another name steps aside.
        ReturnPolicy.objects.filter(is_default=True).exclude(name=POLICY_NAME).update(is_default=False)
        policy = _upsert(ReturnPolicy, {"name": POLICY_NAME}, POLICY_VALUES, self.summary)
        for category, channel, days in WINDOW_OVERRIDES:
            _upsert(
                PolicyWindowOverride,
                {"policy": policy, "category": category, "channel": channel},
                {"window_days": days},
                self.summary,
            )
        for responsibility in Responsibility.values:
            for method in DropOffMethod.values:
                amount = CUSTOMER_FEES[method] if responsibility == Responsibility.CUSTOMER else Decimal("0.00")
                _upsert(
                    PolicyFee,
                    {"policy": policy, "responsibility": responsibility, "drop_off_method": method},
                    {"amount": amount},
                    self.summary,
                )
        return policy

    # ---- users

    def seed_users(self, shops: dict[str, Store], warehouses: dict[str, Warehouse]) -> dict[str, User]:
        hashed: list[str] = []

        def password() -> dict[str, str]:
            if not hashed:  # one (slow, on purpose) hash per run, shared by the users it creates
                hashed.append(make_password(DEMO_PASSWORD))
            return {"password": hashed[0]}

        users = {}

        def user(username: str, first_name: str, last_name: str, *, group: str = "", **flags: bool):
            values = {
                "email": f"{username.lower()}@{STAFF_EMAIL_DOMAIN}",
                "first_name": first_name,
                "last_name": last_name,
                "is_active": True,
                "is_staff": flags.get("is_staff", False),
                "is_superuser": flags.get("is_superuser", False),
            }
            account = _upsert(get_user_model(), {"username": username}, values, self.summary, on_create=password)
            if group:
                account.groups.add(self.groups[group])
            users[username] = account
            return account

        user("admin", "Alice", "Administratrice", is_staff=True, is_superuser=True)
        # Agents work in their review queue (/agents/) and use the admin as a support tool.
        user("agent", "Camille", "Bernard", group=roles.AGENT, is_staff=True)
        for code, shop in shops.items():
            shop.staff.add(user(f"store-{code}", "Équipe", shop.name, group=roles.STORE_STAFF))
        for code, warehouse in warehouses.items():
            warehouse.staff.add(user(f"warehouse-{code}", "Équipe", warehouse.name, group=roles.WAREHOUSE_STAFF))
        integration = user("integration", "Boutique en ligne", "(API)", group=roles.INTEGRATION)
        token, created = Token.objects.get_or_create(user=integration)
        self.summary.token = token.key
        if created:
            self.summary.created["token"] += 1
        return users

    # ---- orders

    def seed_orders(self) -> None:
        # An order with returns keeps its dates: a later run (another day, other dates) must not move its
        # delivery after the returns made from it.
        with_returns = set(
            Order.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX, return_requests__isnull=False)
            .values_list("external_id", flat=True)
            .distinct()
        )
        for payload in DemoOrders(rng=self.rng).payloads():
            if payload["external_id"] in with_returns:
                self.summary.orders["kept"] += 1
                continue
            self.summary.orders[order_upsert(data=payload).outcome] += 1

    # ---- returns

    def seed_returns(self, *, reasons: dict[str, ReasonCode], users: dict[str, User]) -> None:
        """Returns in every status, through the services (see rma.demo.returns)."""
        demo = DemoReturns(reasons=reasons, users=users, seed=SEED + 1)
        self.summary.returns_created += demo.seed(orders=orders_for_returns())

    def seed_shipments(self, *, reasons: dict[str, ReasonCode], users: dict[str, User]) -> None:
        """Shops' shipments to their warehouse at every stage, through the services (see rma.demo.shipments)."""
        demo = DemoShipments(reasons=reasons, users=users, seed=SEED + 2)
        self.summary.shipments_created, returns = demo.seed(orders=orders_for_returns())
        self.summary.returns_created += returns

    # ---- summary

    def print_summary(self, elapsed: float) -> None:
        write, summary = self.stdout.write, self.summary
        created = ", ".join(f"{name} {count}" for name, count in summary.created.items() if count) or "nothing"
        orders = summary.orders
        write(self.style.SUCCESS(f"Maison Lumière demo ready in {elapsed:.1f} s."))
        write(f"Created this run: {created}.")
        write(
            f"Orders this run: {orders['created']} created, {orders['updated']} updated, "
            f"{orders['unchanged']} unchanged, {orders['kept']} with returns left as they were; "
            f"shipments created: {summary.shipments_created}, returns created: {summary.returns_created}."
        )
        points = Counter(DropOffPoint.objects.values_list("kind", flat=True))
        statuses = Counter(ReturnRequest.objects.values_list("status", flat=True))
        write("")
        write(f"  Warehouses         {Warehouse.objects.count()}")
        write(f"  Shops              {Store.objects.count()}")
        write(
            f"  Drop-off points    {sum(points.values())} ("
            + ", ".join(f"{points[kind]} {kind}" for kind in DropOffKind.values)
            + ")"
        )
        write(f"  Reason codes       {ReasonCode.objects.count()}")
        write(f"  Orders             {Order.objects.count()} ({OrderLine.objects.count()} lines)")
        write(
            f"  Returns            {sum(statuses.values())} ("
            + ", ".join(f"{statuses[status]} {status}" for status in S.values if statuses[status])
            + ")"
        )
        write(f"  Shipments          {shipments_summary()}")
        write("")
        # The address the server really answers on: scripts/run.sh and `make run` set RMA_PUBLIC_BASE_URL from
        # HOST and PORT, and the emails' links use the same setting.
        base = str(settings.RMA_PUBLIC_BASE_URL).rstrip("/")
        write(f"Customer portal: {base}/   Shops: {base}/store/   Warehouses: {base}/warehouse/")
        write(f"Admin: {base}/admin/  (demo users are created with the password {DEMO_PASSWORD})")
        write("  admin (superuser), agent (customer service)")
        write("  " + ", ".join(f"store-{shop['code']}" for shop in geo.SHOPS) + " (shop staff)")
        write("  " + ", ".join(f"warehouse-{w['code']}" for w in geo.WAREHOUSES) + " (warehouse staff)")
        write(f"API token of the 'integration' user: {summary.token}")
        write(f"  header: Authorization: Token {summary.token}")
        write("")
        write("Orders to start a return with (order number + email):")
        for order, eligible in summary.customer_orders:
            write(f"  {order.number}  {order.customer_email}  ({eligible} returnable lines)")
