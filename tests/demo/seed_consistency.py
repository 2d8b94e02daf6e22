"""The demo returns agree with themselves: each status has the rows the services write on the way to it.

A mixin of the seeded TestCase in test_seed_demo.py, so that the demo is seeded once for both.
"""

from django.db.models import Sum

from rma.returns.choices import Resolution, ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.choices import LabelStatus
from rma.shipping.models import CounterCheck, Label
from rma.warehouse.choices import RefundMethod, UnitCondition
from rma.warehouse.models import Arrival, Disposition, ExchangeRequest, Inspection, Refund, StoreCredit

S = ReturnStatus
LABELLED = (S.LABEL_READY, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.EXCHANGED, S.CLOSED)
RECEIVED_OR_LATER = (S.RECEIVED, S.INSPECTED, S.REFUNDED, S.EXCHANGED, S.CLOSED)
INSPECTED_OR_LATER = (S.INSPECTED, S.REFUNDED, S.EXCHANGED, S.CLOSED)


def _event_at(return_request, status):
    return ReturnEvent.objects.filter(return_request=return_request, to_status=status).latest("id").created_at


class SeedConsistencyChecks:
    """Tests for a TestCase whose setUpTestData ran seed_demo."""

    def returns(self, *statuses):
        """The returns in these statuses that were sent back (returnless refunds ship nothing: see their test)."""
        return ReturnRequest.objects.filter(status__in=statuses, returnless=False).order_by("pk")

    def test_the_stored_times_of_the_last_move_and_the_receipt_agree_with_the_events(self):
        """The boards order on them: a demo return must be as old there as its timeline says."""
        for return_request in ReturnRequest.objects.exclude(status=S.DRAFT).order_by("pk"):
            moved = ReturnEvent.objects.filter(return_request=return_request).latest("created_at", "id")
            assert return_request.status_changed_at == moved.created_at, return_request.rma_number
            if return_request.status in RECEIVED_OR_LATER and not return_request.returnless:
                assert return_request.received_at == _event_at(return_request, S.RECEIVED), return_request.rma_number

    def test_returnless_refunds_are_released_at_approval_with_nothing_shipped(self):
        returnless = ReturnRequest.objects.filter(returnless=True)
        assert returnless.count() == 2
        for return_request in returnless:
            assert return_request.status == S.REFUNDED
            assert return_request.fee_amount == 0
            refund = Refund.objects.get(return_request=return_request)
            assert refund.amount == return_request.refund_estimate
            assert refund.released_at == _event_at(return_request, S.REFUNDED)
            assert not Label.objects.filter(return_request=return_request).exists()
            assert not Arrival.objects.filter(return_request=return_request).exists()

    def test_every_return_at_label_ready_or_later_has_its_ready_label(self):
        assert self.returns(*LABELLED).count() == 18 + 5  # the scenarios, and the returns shops ship
        for return_request in self.returns(*LABELLED):
            label = Label.objects.get(return_request=return_request)
            assert label.status == LabelStatus.READY, return_request.status
            assert label.tracking_number
            assert label.pdf
            assert label.zpl
            assert label.ready_at == _event_at(return_request, S.LABEL_READY)

    def test_labels_of_the_other_returns_follow_their_status(self):
        for return_request in self.returns(S.DRAFT, S.NEEDS_REVIEW, S.REJECTED):
            assert not Label.objects.filter(return_request=return_request).exists()
        for return_request in self.returns(S.APPROVED):
            labels = Label.objects.filter(return_request=return_request)
            if return_request.returnless:
                assert not labels.exists()  # the customer keeps the item: nothing to ship
            else:
                assert labels.get().status == LabelStatus.PENDING  # the label worker makes it
        for return_request in self.returns(S.CANCELLED, S.EXPIRED):
            assert Label.objects.get(return_request=return_request).status == LabelStatus.VOIDED

    def test_every_received_return_has_an_arrival_at_its_warehouse(self):
        for return_request in self.returns(*RECEIVED_OR_LATER):
            arrival = Arrival.objects.get(return_request=return_request)
            assert arrival.warehouse_id == return_request.destination_warehouse_id
            assert arrival.received_by.warehouses.filter(pk=arrival.warehouse_id).exists()
            assert arrival.created_at == _event_at(return_request, S.RECEIVED)
        assert not Arrival.objects.exclude(return_request__status__in=RECEIVED_OR_LATER).exists()
        assert ReturnEvent.objects.filter(to_status=S.IN_TRANSIT, actor_label="carrier").exists()
        # One parcel reached the dock without any carrier scan: the warehouse's arrival put it in transit.
        assert ReturnEvent.objects.filter(to_status=S.IN_TRANSIT, actor__warehouses__isnull=False).exists()

    def test_every_inspected_return_has_each_unit_inspected_and_placed(self):
        for return_request in self.returns(*INSPECTED_OR_LATER):
            units = return_request.lines.aggregate(units=Sum("quantity"))["units"]
            inspections = Inspection.objects.filter(return_line__return_request=return_request)
            assert inspections.count() == units
            received = inspections.filter(condition=UnitCondition.RECEIVED)
            assert Disposition.objects.filter(inspection__in=received).count() == received.count()
        assert not Inspection.objects.exclude(return_line__return_request__status__in=INSPECTED_OR_LATER).exists()

    def test_store_credit_returns_handed_over_have_their_credit_once(self):
        # The demo policy issues store credit at handover, with a 10 % bonus.
        handed_over = ReturnRequest.objects.filter(
            resolution=Resolution.STORE_CREDIT, events__to_status=S.IN_TRANSIT
        ).distinct()
        assert handed_over.exists()
        for return_request in handed_over:
            credit = StoreCredit.objects.get(return_request=return_request)
            assert credit.moment == "handover"
            assert credit.bonus_amount > 0
        # A returnless one is never handed over: its credit comes with the refund released at its approval.
        returnless = ReturnRequest.objects.filter(
            resolution=Resolution.STORE_CREDIT, returnless=True, status=S.REFUNDED
        )
        for return_request in returnless:
            credit = StoreCredit.objects.get(return_request=return_request)
            assert credit.moment == "approval"
            assert credit.amount == return_request.refund_estimate + credit.bonus_amount
        assert StoreCredit.objects.count() == handed_over.count() + returnless.count()

    def test_refunds_exchanges_and_closures(self):
        for return_request in self.returns(S.REFUNDED):
            refund = Refund.objects.get(return_request=return_request)
            assert refund.amount > 0
            expected = (
                RefundMethod.STORE_CREDIT
                if return_request.resolution == Resolution.STORE_CREDIT
                else (RefundMethod.ORIGINAL_PAYMENT)
            )
            assert refund.method == expected
            assert refund.released_at == _event_at(return_request, S.REFUNDED)
        assert Refund.objects.filter(method=RefundMethod.STORE_CREDIT).exists()
        assert Refund.objects.filter(breakdown__deductions__regex=r"^[1-9]").exists()  # a worn unit
        for return_request in self.returns(S.EXCHANGED):
            exchange = ExchangeRequest.objects.get(return_request=return_request)
            assert all(line["sku"] != line["replaces_sku"] for line in exchange.lines)
        for return_request in self.returns(S.CLOSED):
            assert not Refund.objects.filter(return_request=return_request).exists()
            assert not Inspection.objects.filter(
                return_line__return_request=return_request, condition=UnitCondition.RECEIVED
            ).exists()
        assert not Refund.objects.exclude(return_request__status=S.REFUNDED).exists()
        assert not ExchangeRequest.objects.exclude(return_request__status=S.EXCHANGED).exists()

    def test_returns_handed_in_at_a_shop_were_checked_at_its_counter(self):
        handed_in = self.returns(*LABELLED[1:]).filter(drop_off_method="store")
        assert handed_in.count() >= 2
        assert handed_in.filter(channel="store").exists()  # started at the counter
        for return_request in handed_in:
            checks = CounterCheck.objects.filter(return_line__return_request=return_request)
            assert checks.count() == return_request.lines.count()
            assert all(check.accepted and check.store_id == return_request.store_id for check in checks)
        refused = self.returns(S.CANCELLED).filter(drop_off_method="store").get()
        assert not CounterCheck.objects.filter(return_line__return_request=refused, accepted=True).exists()
        assert CounterCheck.objects.filter(return_line__return_request=refused).exists()

    def test_expired_returns_were_expired_by_the_expiry_service(self):
        for return_request in self.returns(S.EXPIRED):
            event = ReturnEvent.objects.get(return_request=return_request, to_status=S.EXPIRED)
            assert event.actor_label == "system"
            assert return_request.send_by < event.created_at
