"""`manage.py seed_scale`: how the returns travelled and were settled agrees with their histories.

Tracking events of parcels dropped at carrier points, counter checks and shop-to-warehouse shipments of returns
handed in at a shop, store credits of returns settled with one; then the pages that show them open on the data,
including labels whose rows point at no file.
"""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from rma.core import roles
from rma.demo.scale.plan import EXCHANGE_SHARE, STORE_CREDIT_SHARE, STORE_SHARE, plan_returns
from rma.locations.choices import DropOffKind
from rma.returns.choices import Resolution
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnEvent, ReturnLine, ReturnRequest
from rma.shipping.carriers.base import TrackingStatus
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import CounterCheck, Label, Shipment, ShipmentItem, TrackingEvent
from rma.warehouse.choices import RefundMethod, StoreCreditStatus
from rma.warehouse.models import Refund, StoreCredit
from tests.core.factories import UserFactory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DEADLINE = timedelta(days=14)
COUNT = 300


def test_store_drop_offs_and_store_credits_come_in_their_planned_shares():
    plans = list(plan_returns(count=5000, seed=4, now=NOW, send_deadline=DEADLINE))
    at_store = sum(planned.at_store for planned in plans) / len(plans)
    assert abs(at_store - STORE_SHARE) < 0.02
    resolutions = Counter(planned.resolution for planned in plans)
    assert abs(resolutions[Resolution.STORE_CREDIT] / len(plans) - STORE_CREDIT_SHARE) < 0.02
    assert abs(resolutions[Resolution.EXCHANGE] / len(plans) - EXCHANGE_SHARE) < 0.03
    for planned in plans:
        if planned.status == S.EXCHANGED:
            assert planned.resolution == Resolution.EXCHANGE
        if planned.status == S.REFUNDED:
            assert planned.resolution in (Resolution.REFUND, Resolution.STORE_CREDIT)


@override_settings(RMA_SEND_DEADLINE=DEADLINE)
class SeedScaleTravelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_scale", returns=COUNT, batch_size=100, stdout=StringIO(), stderr=StringIO())
        cls.moments = defaultdict(dict)
        for return_id, status, moment in ReturnEvent.objects.values_list(
            "return_request_id", "to_status", "created_at"
        ):
            cls.moments[return_id][status] = moment

    def test_parcels_dropped_at_carrier_points_have_the_carriers_events_from_their_hand_over(self):
        events = defaultdict(list)
        for event in TrackingEvent.objects.order_by("at", "id"):
            events[event.label_id].append(event)
        labels = Label.objects.select_related("return_request")
        checked = 0
        for label in labels:
            request, moments = label.return_request, self.moments[label.return_request_id]
            travelled = S.IN_TRANSIT in moments and request.drop_off_method != DropOffKind.STORE
            if not travelled:
                assert not events[label.pk], request.status
                continue
            history = events[label.pk]
            statuses = [event.status for event in history]
            assert statuses[0] == TrackingStatus.HANDED_OVER
            assert history[0].at == moments[S.IN_TRANSIT]
            assert (statuses[-1] == TrackingStatus.DELIVERED) == (S.RECEIVED in moments)
            if S.RECEIVED in moments:
                assert history[-1].at == moments[S.RECEIVED]
            assert all(event.at >= moments[S.IN_TRANSIT] for event in history)
            assert label.tracking_status == statuses[-1]
            assert label.tracking_status_at == history[-1].at
            checked += 1
        assert checked > COUNT // 4

    def test_returns_handed_in_at_a_shop_were_checked_there_and_travel_in_its_shipments(self):
        at_store = ReturnRequest.objects.filter(drop_off_method=DropOffKind.STORE).select_related("store")
        assert at_store.count() > COUNT * 0.08
        checks = defaultdict(list)
        for check in CounterCheck.objects.select_related("return_line"):
            checks[check.return_line.return_request_id].append(check)
        items = {item.return_request_id: item for item in ShipmentItem.objects.select_related("shipment", "carton")}
        travelled = 0
        for request in at_store:
            moments = self.moments[request.pk]
            assert request.store is not None
            assert request.destination_warehouse_id == request.store.default_warehouse_id
            if S.IN_TRANSIT not in moments:
                assert not checks[request.pk], request.status
                assert request.pk not in items, request.status
                continue
            travelled += 1
            lines = set(ReturnLine.objects.filter(return_request=request).values_list("pk", flat=True))
            assert {check.return_line_id for check in checks[request.pk]} == lines
            assert all(check.accepted and check.store_id == request.store_id for check in checks[request.pk])
            assert all(check.created_at == moments[S.IN_TRANSIT] for check in checks[request.pk])
            item = items[request.pk]
            shipment = item.shipment
            assert item.carton.shipment_id == shipment.pk
            assert shipment.store_id == request.store_id
            assert shipment.warehouse_id == request.destination_warehouse_id
            assert shipment.dispatched_at >= moments[S.IN_TRANSIT]
            if S.RECEIVED in moments:
                assert shipment.status == ShipmentStatus.RECEIVED
                assert shipment.dispatched_at <= shipment.received_at <= moments[S.RECEIVED]
            else:
                assert shipment.status == ShipmentStatus.DISPATCHED
                assert shipment.received_at is None
        assert travelled > 0
        assert ShipmentItem.objects.count() == len(items)  # each return in one shipment
        assert not CounterCheck.objects.exclude(
            return_line__return_request__drop_off_method=DropOffKind.STORE
        ).exists()

    def test_returns_settled_with_store_credit_have_their_credit_for_the_refunds_amount(self):
        refunds = {refund.return_request_id: refund for refund in Refund.objects.all()}
        credits = {credit.return_request_id: credit for credit in StoreCredit.objects.all()}
        assert credits
        for request in ReturnRequest.objects.all():
            with_credit = request.resolution == Resolution.STORE_CREDIT and S.REFUNDED in self.moments[request.pk]
            assert (request.pk in credits) == with_credit, request.rma_number
            if not with_credit:
                continue
            credit, refund = credits[request.pk], refunds[request.pk]
            assert refund.method == RefundMethod.STORE_CREDIT
            assert credit.amount == refund.amount == request.refund_estimate
            assert credit.created_at == refund.released_at == self.moments[request.pk][S.REFUNDED]
            assert (credit.balance == 0) == (credit.status == StoreCreditStatus.SPENT)
        assert not Refund.objects.filter(method=RefundMethod.STORE_CREDIT).exclude(
            return_request__resolution=Resolution.STORE_CREDIT
        )

    def test_the_customers_pages_open_for_every_status_and_a_label_without_files_is_not_offered(self):
        for status in S.values:
            request = ReturnRequest.objects.filter(status=status).order_by("pk").first()
            if request is None:
                continue
            response = self.client.get(reverse("portal:tracking", kwargs={"public_id": request.public_id}))
            assert response.status_code == 200, status
        ready = ReturnRequest.objects.filter(status=S.LABEL_READY).order_by("pk").first()
        assert ready.label.status == "ready"
        assert not ready.label.pdf  # the data set writes no files
        page = self.client.get(reverse("portal:tracking", kwargs={"public_id": ready.public_id}))
        assert reverse("customer-label-pdf", kwargs={"public_id": ready.public_id}) not in page.content.decode()
        download = self.client.get(reverse("customer-label-pdf", kwargs={"public_id": ready.public_id}))
        assert download.status_code == 404

    def test_the_agents_return_page_opens_for_every_status_with_its_tracking_and_credit(self):
        self.client.force_login(UserFactory(username="agent-scale", roles=[roles.AGENT]))
        for status in S.values:
            for request in ReturnRequest.objects.filter(status=status).order_by("pk")[:2]:
                response = self.client.get(reverse("agents:return", kwargs={"public_id": request.public_id}))
                assert response.status_code == 200, status
        credit = StoreCredit.objects.select_related("return_request").order_by("pk").first()
        page = self.client.get(reverse("agents:return", kwargs={"public_id": credit.return_request.public_id}))
        assert page.status_code == 200

    def test_a_shops_shipments_open_on_the_data(self):
        shipment = Shipment.objects.filter(number__startswith="SH-").order_by("pk").first()
        assert shipment is not None
        operator = UserFactory(username="shop-scale", roles=[roles.STORE_STAFF])
        shipment.store.staff.add(operator)
        self.client.force_login(operator)
        listing = self.client.get(reverse("store:shipments"), HTTP_ACCEPT_LANGUAGE="en")
        assert listing.status_code == 200
        assert shipment.number in listing.content.decode()
        detail = self.client.get(reverse("store:shipment", kwargs={"public_id": shipment.public_id}))
        assert detail.status_code == 200


@pytest.mark.parametrize("count", [3000])
def test_plans_of_a_large_run_keep_every_shop_return_in_transit_before_it_is_received(count):
    for planned in plan_returns(count=count, seed=9, now=NOW, send_deadline=DEADLINE):
        if planned.at_store and planned.reached(S.RECEIVED):
            assert planned.when(S.IN_TRANSIT) <= planned.when(S.RECEIVED)
