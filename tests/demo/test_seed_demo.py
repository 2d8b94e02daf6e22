"""`manage.py seed_demo`: the demo data, its users, and that a second run changes nothing.

Seeding takes several seconds, so it runs once per class (setUpTestData); each test is rolled back to it.
The returns are made by the real services, so the rows a real return leaves behind (label, counter check,
arrival, inspections, dispositions, refund or exchange) must agree with each return's status.
"""

import re
import tempfile
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max, Sum
from django.test import TestCase, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from rma.core.roles import AGENT, INTEGRATION, STORE_STAFF, WAREHOUSE_STAFF
from rma.demo.geography import CITIES, SHOPS, WAREHOUSES
from rma.locations.models import DropOffPoint, PostcodePlace, Store, Warehouse
from rma.locations.selectors import postcode_coordinates
from rma.orders.models import Order, OrderLine
from rma.returns.choices import LegalBasis, Responsibility, ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import (
    PolicyFee,
    PolicyWindowOverride,
    ReasonCode,
    ReturnEvent,
    ReturnLine,
    ReturnPolicy,
    ReturnRequest,
)
from rma.returns.policy import order_eligibility
from rma.returns.services import ReturnLineInput, return_request_create
from rma.returns.states import RELEASING_STATUSES, can_transition
from rma.shipping.models import Carton, CounterCheck, Label, Shipment, ShipmentItem
from rma.warehouse.models import Arrival, CartonReceipt, CountedItem, Disposition, ExchangeRequest, Inspection, Refund
from tests.demo.seed_consistency import SeedConsistencyChecks
from tests.demo.seed_shipments import SeedShipmentChecks

User = get_user_model()
CARRIER_KINDS = {"relay_point", "locker", "post_office"}
TRY_ORDER = re.compile(r"^\s+(ML-\d{4}-\d{6})\s+(\S+@\S+)\s", re.MULTILINE)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Counts and the latest updated_at of everything seed_demo writes."""
    state: dict[str, object] = {}
    for model in (Warehouse, Store, DropOffPoint, ReasonCode, ReturnPolicy, PolicyWindowOverride, PolicyFee, Order,
                  OrderLine, ReturnRequest, ReturnLine, Label, CounterCheck, Arrival, Inspection, Disposition, Refund,
                  ExchangeRequest, Shipment, Carton, ShipmentItem, CartonReceipt, CountedItem):  # fmt: skip
        state[model.__name__] = (model.objects.count(), model.objects.aggregate(latest=Max("updated_at"))["latest"])
    state["events"] = ReturnEvent.objects.count()
    state["postcode places"] = sorted(PostcodePlace.objects.values_list("postcode", "latitude", "longitude"))
    state["users"] = sorted(User.objects.values_list("username", "password", "is_staff", "is_superuser"))
    state["memberships"] = sorted(User.groups.through.objects.values_list("user__username", "group__name"))
    state["store staff"] = sorted(Store.staff.through.objects.values_list("store__code", "user__username"))
    state["tokens"] = sorted(Token.objects.values_list("user__username", "key"))
    return state


class SeedDemoTests(SeedConsistencyChecks, SeedShipmentChecks, TestCase):
    @classmethod
    def setUpClass(cls):
        # The label files the seed renders go to a directory of the class's own.
        media = cls.enterClassContext(tempfile.TemporaryDirectory())
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.output = seed()

    def test_sites_and_drop_off_points(self):
        assert Warehouse.objects.count() == len(WAREHOUSES) == 2
        assert Store.objects.count() == len(SHOPS) == 5
        assert not Store.objects.filter(default_warehouse__isnull=True).exists()
        # 5 shops are drop-off points of kind "store", plus 200 carrier points: 205 in all.
        assert DropOffPoint.objects.count() == 205
        shop_points = DropOffPoint.objects.filter(kind="store")
        assert sorted(shop_points.values_list("carrier", "carrier_point_id", "store__code")) == sorted(
            ("maison_lumiere", shop["code"], shop["code"]) for shop in SHOPS
        )
        carrier_points = DropOffPoint.objects.exclude(kind="store")
        assert carrier_points.count() == 200
        assert set(carrier_points.values_list("kind", flat=True)) == CARRIER_KINDS
        assert not carrier_points.filter(store__isnull=False).exists()
        assert not DropOffPoint.objects.filter(latitude__isnull=True).exists()

    def test_every_demo_order_postcode_is_located_from_a_postcode_place(self):
        """The drop-off step locates a postcode only from the postcode table: the demo writes its towns' rows."""
        assert PostcodePlace.objects.count() == len({city.postcode for city in CITIES})
        paris_11 = next(city for city in CITIES if city.postcode == "75011")
        assert postcode_coordinates(postcode="75011") == (paris_11.latitude, paris_11.longitude)
        for postcode in Order.objects.values_list("postcode", flat=True).distinct():
            assert postcode_coordinates(postcode=postcode) is not None, postcode

    def test_reason_codes(self):
        reasons = {reason.code: reason for reason in ReasonCode.objects.all()}
        assert {"too-small", "too-large", "changed-mind", "not-as-described", "defective", "damaged-in-transit",
                "wrong-item", "arrived-too-late", "better-price", "ordered-several-sizes"} <= set(reasons)  # fmt: skip
        assert reasons["changed-mind"].label_fr == "J'ai changé d'avis"
        assert reasons["damaged-in-transit"].label_fr == "Endommagé pendant le transport"
        assert reasons["defective"].legal_basis == LegalBasis.NON_CONFORMITY
        assert reasons["defective"].requires_photo
        assert reasons["damaged-in-transit"].legal_basis == LegalBasis.TRANSPORT_DAMAGE
        for reason in reasons.values():
            # Our faults and the carrier's are free for the customer; the customer's own choice is not.
            assert reason.free_return == (reason.responsibility != Responsibility.CUSTOMER), reason.code
        positions = [reason.position for reason in ReasonCode.objects.all()]
        assert len(set(positions)) == len(positions)

    def test_default_policy(self):
        policy = ReturnPolicy.objects.get(is_default=True)
        assert policy.name == "Politique standard"
        assert (policy.window_days, policy.review_recent_returns, policy.review_recent_returns_days) == (30, 5, 90)
        assert str(policy.review_order_value_above) == "800.00"
        assert str(policy.returnless_refund_below) == "8.00"
        overrides = set(policy.window_overrides.values_list("category", "channel", "window_days"))
        assert overrides == {("electronics", "", 15), ("", "store", 30), ("footwear", "web", 45)}
        assert min(days for _c, _ch, days in overrides) >= 14
        fees = {(fee.responsibility, fee.drop_off_method): str(fee.amount) for fee in policy.fees.all()}
        assert fees[("customer", "relay_point")] == fees[("customer", "locker")] == "3.90"
        assert fees[("customer", "post_office")] == "3.90"
        assert fees[("customer", "store")] == "0.00"
        assert fees[("customer", "home_pickup")] == "6.90"
        assert {amount for (who, _method), amount in fees.items() if who != "customer"} == {"0.00"}
        assert len(fees) == 15

    def test_orders(self):
        assert Order.objects.count() == 500
        orders = Order.objects.prefetch_related("lines")
        for order in orders:
            assert 1 <= len(order.lines.all()) <= 4
            assert re.fullmatch(r"ML-2611-\d{6}", order.number)
            assert re.fullmatch(r"[a-z]+\.[a-z]+@example\.fr", order.customer_email), order.customer_email
            assert order.latitude is not None
            assert order.city
            if order.delivered_at is not None:
                assert order.delivered_at >= order.placed_at
        assert {"web", "store", "marketplace"} == set(Order.objects.values_list("channel", flat=True))
        assert Order.objects.filter(channel="web").count() > 300
        assert 0 < Order.objects.filter(delivered_at__isnull=True).count() < 60
        oldest = Order.objects.order_by("placed_at").first().placed_at
        assert timezone.now() - oldest <= timezone.timedelta(days=61)
        reasons = set(OrderLine.objects.values_list("non_returnable_reason", flat=True))
        assert {"", "final_sale", "hygiene"} <= reasons
        assert Order.objects.filter(customer_name__regex=r"[éèëïç]").exists()  # real French names, with accents

    def test_every_status_through_the_lifecycle(self):
        statuses = set(ReturnRequest.objects.values_list("status", flat=True))
        # Submitting approves a return or sends it to review at once: no real return rests in "submitted".
        assert statuses == set(ReturnStatus.values) - {ReturnStatus.SUBMITTED}
        now = timezone.now()
        for return_request in ReturnRequest.objects.prefetch_related("events"):
            events = list(return_request.events.all())
            assert events[0].from_status == ""
            assert events[0].to_status == ReturnStatus.DRAFT
            for previous, event in zip(events, events[1:], strict=False):
                assert event.from_status == previous.to_status
                assert can_transition(event.from_status, event.to_status)
                assert event.created_at >= previous.created_at
            assert events[-1].to_status == return_request.status
            assert events[-1].created_at <= now
            if return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY):
                assert return_request.send_by > now  # the expiry task leaves them alone
            if return_request.status == ReturnStatus.EXPIRED:
                assert return_request.send_by < events[-1].created_at
        assert ReturnEvent.objects.filter(to_status=ReturnStatus.APPROVED, from_status="needs_review").exists()
        assert ReturnRequest.objects.filter(resolution="exchange", status="exchanged").exists()
        # Returnless refunds make no label: the approval releases their refund at once.
        assert ReturnRequest.objects.filter(status=ReturnStatus.REFUNDED, returnless=True).exists()

    def test_quantities_held_by_returns_match_the_order_lines(self):
        held = (
            ReturnLine.objects.exclude(return_request__status__in=RELEASING_STATUSES)
            .values("order_line")
            .annotate(total=Sum("quantity"))
        )
        expected = {row["order_line"]: row["total"] for row in held}
        actual = dict(OrderLine.objects.filter(quantity_in_returns__gt=0).values_list("pk", "quantity_in_returns"))
        assert actual == expected

    def test_users_roles_and_scopes(self):
        users = {user.username: user for user in User.objects.prefetch_related("groups")}
        expected = {"admin", "agent", "integration"}
        expected |= {f"store-{shop['code']}" for shop in SHOPS} | {f"warehouse-{w['code']}" for w in WAREHOUSES}
        assert expected <= set(users)
        for username in expected:
            assert users[username].check_password("demo-password"), username
        assert users["admin"].is_superuser
        assert users["admin"].is_staff
        assert users["agent"].is_staff
        assert not users["agent"].is_superuser

        def groups(name):
            return set(users[name].groups.values_list("name", flat=True))

        assert groups("agent") == {AGENT}
        assert groups("integration") == {INTEGRATION}
        assert users["agent"].has_perm("returns.view_returnrequest")
        # The seeded agent can work: decide on returns under review and write internal notes.
        assert users["agent"].has_perms(["returns.review_returnrequest", "returns.add_returnnote"])
        assert not users["integration"].has_perm("returns.review_returnrequest")
        for shop in SHOPS:
            username = f"store-{shop['code']}"
            assert groups(username) == {STORE_STAFF}
            assert list(users[username].stores.values_list("code", flat=True)) == [shop["code"]]
        for warehouse in WAREHOUSES:
            username = f"warehouse-{warehouse['code']}"
            assert groups(username) == {WAREHOUSE_STAFF}
            assert users[username].has_perms(["returns.view_returnnote", "returns.add_returnnote"])
            assert list(users[username].warehouses.values_list("code", flat=True)) == [warehouse["code"]]

    def test_summary_gives_logins_and_token(self):
        token = Token.objects.get(user__username="integration")
        assert token.key in self.output
        assert "http://127.0.0.1:8000/admin/" in self.output
        assert "Customer portal: http://127.0.0.1:8000/" in self.output

    def test_summary_gives_the_address_the_server_uses(self):
        with override_settings(RMA_PUBLIC_BASE_URL="http://0.0.0.0:8123"):
            output = seed()
        assert "Customer portal: http://0.0.0.0:8123/" in output
        assert "Admin: http://0.0.0.0:8123/admin/" in output
        assert "127.0.0.1:8000" not in output
        assert "demo-password" in self.output
        assert "store-PAR01" in self.output
        assert "warehouse-WH-IDF" in self.output

    def test_printed_orders_can_start_a_return(self):
        printed = TRY_ORDER.findall(self.output)
        assert len(printed) == 2
        reason = ReasonCode.objects.get(code="changed-mind")
        point = DropOffPoint.objects.filter(kind="relay_point", accepts_returns=True).first()
        for number, email in printed:
            order = Order.objects.get(number=number, customer_email=email)
            assert not order.return_requests.exists()
            eligible = [verdict for verdict in order_eligibility(order=order) if verdict.eligible]
            assert eligible
            return_request = return_request_create(
                order=order,
                lines=[ReturnLineInput(order_line=v.order_line, quantity=1, reason=reason) for v in eligible],
                drop_off=DropOffChoice(method="relay_point", point=point),
                submit=True,
            )
            assert return_request.status == ReturnStatus.APPROVED

    def test_second_run_changes_nothing(self):
        before = snapshot()
        output = seed()
        assert snapshot() == before
        assert "Created this run: nothing." in output
        with_returns = Order.objects.filter(return_requests__isnull=False).distinct().count()
        assert f"0 created, 0 updated, {500 - with_returns} unchanged, {with_returns} with returns left" in output
        assert "shipments created: 0, returns created: 0." in output
        assert TRY_ORDER.findall(output) == TRY_ORDER.findall(self.output)

    def test_a_run_restores_the_demo_data_but_not_passwords(self):
        store = Store.objects.get(code="PAR01")
        store.name = "Renamed"
        store.save(update_fields=["name"])
        User.objects.filter(username="agent").update(is_staff=False)
        shop_user = User.objects.get(username="store-PAR01")
        shop_user.set_password("my-own-secret")
        shop_user.save(update_fields=["password"])
        DropOffPoint.objects.filter(kind="locker", return_requests__isnull=True).first().delete()

        seed()

        assert Store.objects.get(code="PAR01").name == "Maison Lumière Paris Rivoli"
        assert User.objects.get(username="agent").is_staff
        assert DropOffPoint.objects.count() == 205
        # A password someone chose is theirs: only new demo users get the demo password.
        assert User.objects.get(username="store-PAR01").check_password("my-own-secret")

    def test_a_run_days_later_moves_the_orders_without_returns_only(self):
        returned = Order.objects.filter(return_requests__isnull=False).distinct()
        kept = {order.pk: (order.placed_at, order.delivered_at) for order in returned}
        fresh = Order.objects.filter(return_requests__isnull=True).first()
        events = dict(ReturnEvent.objects.values_list("pk", "created_at"))
        later = timezone.now() + timedelta(days=3)

        with mock.patch.object(timezone, "now", return_value=later):
            output = seed()

        moved = Order.objects.get(pk=fresh.pk).placed_at - fresh.placed_at
        assert abs(moved - timedelta(days=3)) <= timedelta(hours=1)  # a change of summer time may add an hour
        assert {order.pk: (order.placed_at, order.delivered_at) for order in returned} == kept
        assert dict(ReturnEvent.objects.values_list("pk", "created_at")) == events
        assert len(TRY_ORDER.findall(output)) == 2
