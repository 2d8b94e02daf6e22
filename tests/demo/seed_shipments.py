"""The demo shipments agree with themselves: each stage has the rows the shop's and the warehouse's services write.

A mixin of the seeded TestCase in test_seed_demo.py, so that the demo is seeded once for all its checks.
"""

from django.utils import timezone

from rma.returns.choices import ReturnStatus
from rma.shipping.choices import ShipmentItemKind, ShipmentStatus
from rma.shipping.models import Carton, CounterCheck, Shipment, ShipmentItem
from rma.warehouse.models import Arrival, CartonReceipt

S = ReturnStatus
RECEIVED = (ShipmentStatus.RECEIVED, ShipmentStatus.RECEIVED_WITH_DISCREPANCIES)
IN_TRANSIT_OR_LATER = (S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.EXCHANGED, S.CLOSED)


def _returns_of(shipment):
    items = ShipmentItem.objects.filter(shipment=shipment, removed_at__isnull=True, return_request__isnull=False)
    return [item.return_request for item in items.select_related("return_request").order_by("pk")]


class SeedShipmentChecks:
    """Tests for a TestCase whose setUpTestData ran seed_demo."""

    def test_shipments_at_every_stage_from_a_few_shops(self):
        statuses = set(Shipment.objects.values_list("status", flat=True))
        assert {ShipmentStatus.OPEN, ShipmentStatus.CLOSED, ShipmentStatus.DISPATCHED} <= statuses
        assert statuses & set(RECEIVED)
        assert 2 <= Shipment.objects.values("store").distinct().count() <= 3
        assert ShipmentItem.objects.filter(kind=ShipmentItemKind.UNSOLD).exists()
        assert ShipmentItem.objects.filter(kind=ShipmentItemKind.DAMAGED).exists()
        assert ShipmentItem.objects.filter(kind=ShipmentItemKind.CUSTOMER_RETURN).exists()
        assert "Shipments          4 (" in self.output
        for shipment in Shipment.objects.select_related("store"):
            assert shipment.warehouse_id == shipment.store.default_warehouse_id
            assert Carton.objects.filter(shipment=shipment).exists()

    def test_shipped_returns_were_handed_in_at_the_counter_of_the_shop(self):
        for shipment in Shipment.objects.all():
            for return_request in _returns_of(shipment):
                assert return_request.store_id == shipment.store_id
                checks = CounterCheck.objects.filter(return_line__return_request=return_request)
                assert checks.exists()
                assert all(check.accepted and check.store_id == shipment.store_id for check in checks)

    def test_closed_shipments_have_their_documents_and_dispatched_ones_their_returns_on_the_way(self):
        open_shipment = Shipment.objects.get(status=ShipmentStatus.OPEN)
        assert not open_shipment.manifest_pdf
        assert open_shipment.closed_at is None
        for shipment in Shipment.objects.exclude(status=ShipmentStatus.OPEN):
            assert shipment.manifest_pdf
            assert shipment.manifest_csv
            assert shipment.documents_ready_at is not None
            assert shipment.closed_at <= shipment.documents_ready_at
            for carton in Carton.objects.filter(shipment=shipment):
                assert carton.tracking_number
                assert carton.weight_grams
        for shipment in Shipment.objects.filter(status__in=(ShipmentStatus.DISPATCHED, *RECEIVED)):
            assert shipment.dispatched_at is not None
            assert shipment.pickup_reference
            returns = _returns_of(shipment)
            assert all(return_request.status in IN_TRANSIT_OR_LATER for return_request in returns)

    def test_the_received_shipment_was_received_carton_by_carton(self):
        shipment = Shipment.objects.get(status__in=RECEIVED)
        assert shipment.received_at is not None
        operator = f"warehouse-{shipment.warehouse.code}"
        for carton in Carton.objects.filter(shipment=shipment):
            receipt = CartonReceipt.objects.get(carton=carton)
            assert receipt.counted_at is not None
            assert receipt.received_by.username == operator
            assert receipt.counted_items.exists()
        returns = _returns_of(shipment)
        assert returns
        for return_request in returns:
            assert return_request.status == S.RECEIVED
            assert Arrival.objects.get(return_request=return_request).warehouse_id == shipment.warehouse_id

    def test_shipment_dates_follow_their_returns(self):
        now = timezone.now()
        for shipment in Shipment.objects.all():
            moments = [shipment.created_at, shipment.closed_at, shipment.dispatched_at, shipment.received_at]
            moments = [moment for moment in moments if moment is not None]
            assert moments == sorted(moments)
            assert moments[-1] < now
            for return_request in _returns_of(shipment):
                handed_in = return_request.events.filter(to_status=S.IN_TRANSIT).latest("id").created_at
                assert handed_in <= shipment.created_at
