from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from rma.core.exceptions import Conflict, DomainError, NotEligible
from rma.orders.models import OrderLine
from rma.returns.choices import LegalBasis, Resolution, Responsibility, ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import PolicyFee, PolicyWindowOverride, ReturnRequest
from rma.returns.services import ReturnLineInput, return_request_cancel, return_request_create
from tests.locations.factories import DropOffPointFactory, StoreFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


def test_creates_a_submitted_return_that_the_policy_approves(make_return, line, warehouse):
    return_request = make_return(order_line=line, quantity=2)

    assert return_request.status == ReturnStatus.APPROVED
    assert return_request.rma_number.startswith("R-")
    assert len(return_request.rma_number) == 11
    assert return_request.send_by > timezone.now()
    assert return_request.destination_warehouse == warehouse
    assert return_request.refund_estimate == Decimal("99.80")
    line.refresh_from_db()
    assert line.quantity_in_returns == 2
    events = list(return_request.events.values_list("from_status", "to_status", "actor_label"))
    assert events == [
        ("", "draft", "customer"),
        ("draft", "submitted", "customer"),
        ("submitted", "approved", "policy"),
    ]


def test_cannot_return_more_than_bought_minus_other_returns(make_return, line):
    make_return(order_line=line, quantity=1)
    with pytest.raises(NotEligible) as excinfo:
        make_return(order_line=line, quantity=2)
    assert excinfo.value.code == "over_quantity"
    assert ReturnRequest.objects.count() == 1
    line.refresh_from_db()
    assert line.quantity_in_returns == 1


def test_cancelling_releases_the_units(make_return, line):
    first = make_return(order_line=line, quantity=2)
    return_request_cancel(return_request=first, note="changed my mind")
    line.refresh_from_db()
    assert line.quantity_in_returns == 0
    second = make_return(order_line=line, quantity=2)
    assert second.status == ReturnStatus.APPROVED


def test_the_database_refuses_more_units_in_returns_than_bought(line):
    with pytest.raises(IntegrityError):
        OrderLine.objects.filter(pk=line.pk).update(quantity_in_returns=F("quantity") + 1)


def test_refuses_after_the_window_with_a_readable_date(make_return):
    order = OrderFactory(delivered_at=timezone.now() - timedelta(days=45))
    with pytest.raises(NotEligible) as excinfo:
        make_return(order_line=OrderLineFactory(order=order))
    assert excinfo.value.code == "window_closed"
    assert "closed on" in excinfo.value.message
    assert ReturnRequest.objects.count() == 0


def test_a_defective_item_is_covered_by_the_legal_guarantee_after_the_window(make_return):
    order = OrderFactory(delivered_at=timezone.now() - timedelta(days=200))
    defective = ReasonCodeFactory(
        code="defective", responsibility=Responsibility.MERCHANT, legal_basis=LegalBasis.NON_CONFORMITY
    )
    return_request = make_return(order_line=OrderLineFactory(order=order), reason=defective)
    assert return_request.status == ReturnStatus.APPROVED


def test_category_override_changes_the_window(make_return, policy):
    PolicyWindowOverride.objects.create(policy=policy, category="electronics", window_days=15)
    order = OrderFactory(delivered_at=timezone.now() - timedelta(days=20))
    with pytest.raises(NotEligible):
        make_return(order_line=OrderLineFactory(order=order, category="electronics"))
    assert make_return(order_line=OrderLineFactory(order=order, category="apparel")).pk


def test_channel_and_category_override_is_the_most_specific(make_return, policy):
    PolicyWindowOverride.objects.create(policy=policy, channel="web", window_days=20)
    PolicyWindowOverride.objects.create(policy=policy, category="footwear", channel="web", window_days=60)
    order = OrderFactory(delivered_at=timezone.now() - timedelta(days=40))
    assert make_return(order_line=OrderLineFactory(order=order, category="footwear")).pk
    with pytest.raises(NotEligible):
        make_return(order_line=OrderLineFactory(order=order, category="apparel"))


def test_final_sale_and_hygiene_items_are_refused(make_return):
    for reason, code in (("final_sale", "final_sale"), ("hygiene", "hygiene")):
        with pytest.raises(NotEligible) as excinfo:
            make_return(order_line=OrderLineFactory(non_returnable_reason=reason))
        assert excinfo.value.code == code
        assert "cannot be returned" in excinfo.value.message


def test_an_undelivered_order_cannot_be_returned_yet(make_return):
    with pytest.raises(NotEligible) as excinfo:
        make_return(order_line=OrderLineFactory(order=OrderFactory(delivered_at=None)))
    assert excinfo.value.code == "not_delivered"


def test_lines_of_another_order_are_refused(policy, relay, reason):
    line = OrderLineFactory()
    with pytest.raises(DomainError) as excinfo:
        return_request_create(
            order=OrderFactory(),
            lines=[ReturnLineInput(order_line=line, quantity=1, reason=reason)],
            drop_off=DropOffChoice(method="relay_point", point=relay),
        )
    assert excinfo.value.code == "foreign_line"


@pytest.mark.parametrize(
    ("choice_kwargs", "code"),
    [
        ({"method": "locker"}, "invalid_drop_off"),  # no point
        ({"method": "home_pickup"}, "invalid_pickup_date"),
        ({"method": "teleport"}, "invalid_drop_off"),
    ],
)
def test_drop_off_is_validated(make_return, choice_kwargs, code):
    with pytest.raises(DomainError) as excinfo:
        make_return(drop_off=DropOffChoice(**choice_kwargs))
    assert excinfo.value.code == code
    assert ReturnRequest.objects.count() == 0


def test_point_kind_must_match_the_method(make_return, relay):
    with pytest.raises(DomainError) as excinfo:
        make_return(drop_off=DropOffChoice(method="locker", point=relay))
    assert excinfo.value.code == "invalid_drop_off"


def test_home_pickup_needs_a_future_weekday_and_a_slot(make_return):
    day = timezone.localdate() + timedelta(days=2)
    if day.isoweekday() == 7:
        day += timedelta(days=1)
    with pytest.raises(DomainError) as excinfo:
        make_return(drop_off=DropOffChoice(method="home_pickup", pickup_date=day, pickup_slot="03:00-04:00"))
    assert excinfo.value.code == "invalid_pickup_slot"
    return_request = make_return(
        drop_off=DropOffChoice(method="home_pickup", pickup_date=day, pickup_slot="08:00-12:00")
    )
    assert return_request.pickup_date == day


def test_fees_follow_responsibility_and_method(make_return, policy, relay):
    PolicyFee.objects.create(policy=policy, responsibility="customer", drop_off_method="relay_point", amount="3.90")
    PolicyFee.objects.create(policy=policy, responsibility="merchant", drop_off_method="relay_point", amount="0")
    paid = make_return(order_line=OrderLineFactory(unit_price=Decimal("20.00"), quantity=1))
    assert paid.fee_amount == Decimal("3.90")
    assert paid.refund_estimate == Decimal("16.10")
    wrong_item = ReasonCodeFactory(code="wrong-item", responsibility=Responsibility.MERCHANT)
    free = make_return(order_line=OrderLineFactory(unit_price=Decimal("20.00"), quantity=1), reason=wrong_item)
    assert free.fee_amount == Decimal("0.00")
    assert free.refund_estimate == Decimal("20.00")
    exchange_line = OrderLineFactory(quantity=1, sku="CHM-LIN-BLA-M")
    exchange = return_request_create(
        order=exchange_line.order,
        lines=[ReturnLineInput(order_line=exchange_line, quantity=1, reason=wrong_item, exchange_sku="CHM-LIN-BLA-L")],
        drop_off=DropOffChoice(method="relay_point", point=relay),
        resolution=Resolution.EXCHANGE,
        submit=True,
    )
    assert exchange.lines.get().exchange_sku == "CHM-LIN-BLA-L"
    assert exchange.fee_amount == Decimal("0.00")
    assert exchange.refund_estimate == Decimal("0.00")


def test_high_value_orders_need_review(make_return, policy):
    policy.review_order_value_above = Decimal("500")
    policy.save()
    return_request = make_return(order_line=OrderLineFactory(unit_price=Decimal("600.00"), quantity=1))
    assert return_request.status == ReturnStatus.NEEDS_REVIEW
    assert "High-value" in return_request.review_reason


def test_customers_with_many_recent_returns_need_review(make_return, policy):
    policy.review_recent_returns = 2
    policy.save()
    email = "serial@example.fr"
    for _ in range(2):
        assert make_return(contact_email=email).status == ReturnStatus.APPROVED
    assert make_return(contact_email=email).status == ReturnStatus.NEEDS_REVIEW


def test_the_recent_returns_rule_counts_the_window_in_any_case_and_not_the_cancelled(make_return, policy):
    policy.review_recent_returns = 2
    policy.review_recent_returns_days = 30
    policy.save()
    email = "serial@example.fr"
    old = make_return(contact_email=email)
    ReturnRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    cancelled = make_return(contact_email=email)
    return_request_cancel(return_request=cancelled, actor=None)
    assert make_return(contact_email=email.upper()).status == ReturnStatus.APPROVED  # none before it counts
    assert make_return(contact_email=email).status == ReturnStatus.APPROVED  # one before it

    flagged = make_return(contact_email="Serial@Example.FR")

    assert flagged.status == ReturnStatus.NEEDS_REVIEW
    assert flagged.review_reason == "The customer has 2 recent returns."


def test_cheap_items_are_refunded_without_return(make_return, policy):
    policy.returnless_refund_below = Decimal("10.00")
    policy.save()
    return_request = make_return(order_line=OrderLineFactory(unit_price=Decimal("4.50"), quantity=1))
    assert return_request.returnless is True
    # Approved, then refunded at once (rma.warehouse.reactions): the customer keeps the item.
    assert return_request.status == ReturnStatus.REFUNDED


def test_a_shop_drop_off_goes_to_the_shop_warehouse(make_return):
    store = StoreFactory()
    point = DropOffPointFactory(kind="store", store=store, carrier="maison_lumiere")
    return_request = make_return(drop_off=DropOffChoice(method="store", point=point))
    assert return_request.destination_warehouse == store.default_warehouse
    assert return_request.store == store


def test_the_same_idempotency_key_gives_back_the_same_return(make_return, line):
    first = make_return(order_line=line, idempotency_key="k-1", idempotency_scope="7")
    again = make_return(order_line=line, idempotency_key="k-1", idempotency_scope="7")
    assert again.pk == first.pk
    assert ReturnRequest.objects.count() == 1
    with pytest.raises(Conflict) as excinfo:
        make_return(order_line=line, quantity=2, idempotency_key="k-1", idempotency_scope="7")
    assert excinfo.value.code == "idempotency_key_reused"


def test_inactive_reasons_are_refused(make_return):
    with pytest.raises(DomainError) as excinfo:
        make_return(reason=ReasonCodeFactory(code="gone", is_active=False))
    assert excinfo.value.code == "invalid_reason"


def test_an_exchange_needs_another_variant(make_return):
    with pytest.raises(DomainError) as excinfo:
        make_return(resolution=Resolution.EXCHANGE)
    assert excinfo.value.code == "exchange_sku_required"


def test_without_a_policy_row_the_built_in_defaults_apply(warehouse, relay, reason):
    line = OrderLineFactory()
    return_request = return_request_create(
        order=line.order,
        lines=[ReturnLineInput(order_line=line, quantity=1, reason=reason)],
        drop_off=DropOffChoice(method="relay_point", point=relay),
        submit=True,
    )
    assert return_request.status == ReturnStatus.APPROVED
    assert return_request.fee_amount == Decimal("0.00")
