"""The review queue and a return's page show the customer's risk score and its reasons, and the return's page the
whole history across emails (tests/returns/risk_world.py holds the figures worked out by hand)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPolicy
from tests.returns.factories import ReturnPolicyFactory, return_request_make
from tests.returns.risk_world import chloe_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db):
    """The default policy, which approves by itself (the queue's fixture reviews orders over 100 €)."""
    return ReturnPolicyFactory()


@pytest.fixture
def risky(policy, reason, relay, warehouse):
    world = chloe_world(reason=reason, relay=relay, warehouse=warehouse)
    line = world.r1.order.lines.get(unit_price=Decimal("100.00"))
    return return_request_make(order_line=line, quantity=1, reason=reason, relay=relay)


def test_the_queue_shows_the_score_and_its_reasons(client, camille, risky, flagged):
    ReturnPolicy.objects.update(review_order_value_above=Decimal("100.00"))
    calm = flagged(email="lea@example.com")  # a high-value order of a customer without history
    client.force_login(camille)

    response = client.get(reverse("agents:queue"))

    rows = {row.return_request.pk: row for row in response.context["rows"]}
    assert risky.status == ReturnStatus.NEEDS_REVIEW
    assert rows[risky.pk].history.risk.score == 100
    assert rows[risky.pk].history.risk.high
    assert rows[risky.pk].history.risk.reasons[0] == "1 unit received without the announced item (+30)"
    assert (rows[calm.pk].history.risk.score, rows[calm.pk].history.risk.reasons) == (0, [])
    page = response.content.decode()
    assert "Risk score: 100/100" in page
    assert "Risk score 90/100: 1 unit received without the announced item (+30)" in page  # why it was flagged


def test_the_returns_page_shows_the_whole_history(client, camille, risky):
    client.force_login(camille)

    response = client.get(reverse("agents:return", args=[risky.public_id]))

    history = response.context["history"]
    assert history.summary == "5 returns · 320.00\u00a0€"
    assert dict(history.figures) == {
        "return_rate": "Return rate: 67% (4 of 6 units)",
        "worn": "Units graded as worn or used: 1",
        "unmatched": "Units received without the announced item: 1",
    }
    assert history.emails == "Under 3 emails: c.martin@example.com, chloe.m@other.fr, chloe@example.fr"
    assert history.risk.label == "Risk score: 100/100"
    assert 'data-figure="worn"' in response.content.decode()
