"""Fill the database with a demo of "Maison Lumière": sites, drop-off points, policy, users, orders and returns.

Idempotent and deterministic: every row has a natural key (warehouse and shop codes, carrier point ids, reason
codes, order external ids, usernames) and is written only when it differs from what is stored, so a second run
changes nothing. Dates are relative to the start of today (Europe/Paris), so that a second run on the same day
computes exactly the same orders, and a run on a later day keeps the demo fresh. Returns are made once, by the
services a real return goes through (rma.demo.returns): when the demo orders already have returns, that step
is skipped. So are the shops' shipments (rma.demo.shipments) when the demo shops already have some. The sites,
drop-off points, reason codes and policy are made by rma.demo.reference, which seed_scale shares.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.authtoken.models import Token

from rma.core import roles
from rma.core.role_groups import role_groups_sync
from rma.demo import geography as geo
from rma.demo.carriers import demo_carrier_accounts_seed
from rma.demo.orders import EXTERNAL_ID_PREFIX, DemoOrders, orders_for_returns, orders_to_try
from rma.demo.reference import (
    drop_off_points_seed,
    policy_seed,
    postcode_places_seed,
    reason_codes_seed,
    row_upsert,
    shops_seed,
    warehouses_seed,
)
from rma.demo.returns import DemoReturns
from rma.demo.shipments import DemoShipments, shipments_summary
from rma.insights.refresh import marks_reset
from rma.insights.rollups import all_days_rebuild
from rma.locations.choices import DropOffKind
from rma.locations.models import DropOffPoint, Store, Warehouse
from rma.orders.models import Order, OrderLine
from rma.orders.services import order_upsert
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReasonCode, ReturnRequest
from rma.shipping.models import Shipment
from rma.warehouse.services import warehouse_reference_data_seed

S = ReturnStatus

SEED = 20261125
# Set when a demo user is created, never reset afterwards: a password someone changed (or the one of an
# "admin" that existed before) is kept.
DEMO_PASSWORD = "demo-password"
STAFF_EMAIL_DOMAIN = "maison-lumiere.example"


@dataclass
class SeedSummary:
    created: Counter = field(default_factory=Counter)
    orders: Counter = field(default_factory=Counter)
    returns_created: int = 0
    shipments_created: int = 0
    token: str = ""
    customer_orders: list[tuple[Order, int]] = field(default_factory=list)


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
            created = self.summary.created
            warehouses = warehouses_seed(created=created)
            shops = shops_seed(warehouses=warehouses, created=created)
            drop_off_points_seed(created=created)
            postcode_places_seed(created=created)
            reasons = reason_codes_seed(created=created)
            policy_seed(created=created)
            warehouse_reference_data_seed()
            created["carrieraccount"] += demo_carrier_accounts_seed()
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
            account = row_upsert(
                get_user_model(), {"username": username}, values, self.summary.created, on_create=password
            )
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
