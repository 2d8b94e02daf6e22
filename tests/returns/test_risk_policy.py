"""The policy reads the customer's risk score at submission: a high score sends the return to review with its
reasons; a block still comes first, and an allow-listed customer is not sent there by it."""

from decimal import Decimal

import pytest
from django.utils import translation

from rma.returns.choices import ReturnStatus
from rma.returns.customer_lists import customer_list_entry_create
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.returns.factories import return_request_make
from tests.returns.risk_world import chloe_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(policy, reason, relay, warehouse):
    return chloe_world(reason=reason, relay=relay, warehouse=warehouse)


@pytest.fixture
def new_return(world, reason, relay):
    """Another return of Chloé's, on her first order (A): her history scores 90."""

    def make():
        line = world.r1.order.lines.get(unit_price=Decimal("100.00"))
        return return_request_make(order_line=line, quantity=1, reason=reason, relay=relay)

    return make


def test_a_high_risk_customers_return_goes_to_review_with_the_reasons(new_return):
    return_request = new_return()

    assert return_request.status == ReturnStatus.NEEDS_REVIEW
    # The history before this return scores 30 + 25 + 15 + 10 + 10: the most points first, as many as 200
    # characters hold.
    assert return_request.review_reason == (
        "Risk score 90/100: 1 unit received without the announced item (+30) · 1 unit graded as worn or used (+25) · "
        "Return rate of 50% (3 of 6 units) (+15) · 1 rejected return (+10) · …"
    )
    assert len(return_request.review_reason) <= 200
    # The event of the move keeps the same words.
    event = return_request.events.get(to_status=ReturnStatus.NEEDS_REVIEW)
    assert event.note == return_request.review_reason


def test_a_return_under_the_threshold_is_approved(world, reason, relay, settings):
    settings.RMA_RISK_REVIEW_SCORE = 91
    line = world.r1.order.lines.get(unit_price=Decimal("100.00"))

    return_request = return_request_make(order_line=line, quantity=1, reason=reason, relay=relay)

    assert return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
    assert return_request.review_reason == ""


def test_an_allow_listed_customer_is_not_sent_to_review_by_the_score(new_return):
    customer_list_entry_create(kind="allow", match="phone", value="06 12 34 56 78", reason="VIP", actor=None)

    return_request = new_return()

    assert return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)


def test_a_block_still_comes_first(new_return):
    customer_list_entry_create(kind="block", match="email", value="chloe@example.fr", reason="Chargebacks", actor=None)

    return_request = new_return()

    assert return_request.status == ReturnStatus.NEEDS_REVIEW
    assert return_request.review_reason == "Customer on the block list: Chargebacks"


def test_a_first_return_scores_nothing_and_is_approved(policy, reason, relay):
    line = OrderLineFactory(order=OrderFactory(customer_email="new@example.fr"), quantity=1)

    return_request = return_request_make(order_line=line, quantity=1, reason=reason, relay=relay)

    assert return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
