"""In Chromium, in English then French: the review queue shows why a high-risk customer's return waits (the score and
its reasons), and the return's page the customer's whole history across her emails. Screenshots go to
test-artifacts/agents-risk-<step>.png."""

from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from rma.returns.choices import ReturnStatus
from rma.returns.customer_history import customer_history_for_return
from rma.returns.risk import risk_score
from tests.helpers import screenshot
from tests.returns.factories import ReturnPolicyFactory, return_request_make
from tests.returns.risk_world import chloe_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill("camille")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url)


@pytest.fixture
def policy(db):
    """The default policy, which approves by itself (the queue's fixture reviews orders over 100 €)."""
    return ReturnPolicyFactory()


@pytest.fixture
def risky(policy, reason, relay, warehouse):
    """A new return of Chloé's (tests/returns/risk_world.py): her history before it scores 90, so it waits."""
    world = chloe_world(reason=reason, relay=relay, warehouse=warehouse)
    line = world.r1.order.lines.get(unit_price=Decimal("100.00"))
    return_request = return_request_make(order_line=line, quantity=1, reason=reason, relay=relay)
    assert return_request.status == ReturnStatus.NEEDS_REVIEW
    return return_request


def reasons_in(language: str, return_request) -> list[str]:
    with translation.override(language):
        return [reason.described for reason in risk_score(customer_history_for_return(return_request)).reasons]


def test_an_agent_sees_the_risk_score_and_its_reasons_in_the_queue_and_on_the_return(
    page: Page, live_server, camille, risky
):
    sign_in(page, live_server.url + "/agents/")

    row = page.locator(f'[data-queue] tbody tr[data-return="{risky.rma_number}"]')
    expect(row.locator("[data-review-reason]")).to_contain_text("Risk score 90/100: 1 unit received without")
    # Now, with this return in her history too: five returns, 4 of 6 units returned.
    expect(row.locator("[data-risk-score]")).to_have_text("Risk score: 100/100")
    expect(row.locator("[data-risk-reason]")).to_have_text(
        [
            "1 unit received without the announced item (+30)",
            "1 unit graded as worn or used (+25)",
            "Return rate of 67% (4 of 6 units) (+15)",
            "1 rejected return (+10)",
            "5 returns (+10)",
            "Orders and returns under 3 emails (+10)",
        ]
    )
    expect(row.locator("[data-risk]")).to_have_class("risk risk--high")
    screenshot(page, "agents-risk-01-queue")

    row.get_by_role("link", name=risky.rma_number).click()
    history = page.locator("[data-history]")
    expect(history.locator("[data-history-summary]")).to_have_text("5 returns · 320.00\u00a0€")
    expect(history.locator('[data-figure="return_rate"]')).to_have_text("Return rate: 67% (4 of 6 units)")
    expect(history.locator('[data-figure="worn"]')).to_have_text("Units graded as worn or used: 1")
    expect(history.locator('[data-figure="unmatched"]')).to_have_text("Units received without the announced item: 1")
    expect(history.locator("[data-history-emails]")).to_have_text(
        "Under 3 emails: c.martin@example.com, chloe.m@other.fr, chloe@example.fr"
    )
    expect(history.locator("[data-risk-score]")).to_have_text("Risk score: 100/100")
    expect(history.locator("[data-risk-reason]")).to_have_count(6)
    screenshot(page, "agents-risk-02-return")

    # In French: the same figures, in French words and numbers.
    page.get_by_role("button", name="FR").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("Historique du client")).to_be_visible()
    history = page.locator("[data-history]")
    expect(history.locator("[data-history-summary]")).to_have_text("5 retours · 320,00\u00a0€")
    expect(history.locator("[data-risk-score]")).to_have_text("Score de risque\u00a0: 100/100")
    expect(history.locator('[data-figure="return_rate"]')).to_have_text(
        "Taux de retour\u00a0: 67\u00a0% (4 unités sur 6)"
    )
    expect(history.locator("[data-risk-reason]")).to_have_text(reasons_in("fr", risky))
    expect(history.locator("[data-risk-reason]").first).to_have_text("1 unité reçue sans l’article annoncé (+30)")
    screenshot(page, "agents-risk-03-return-fr")

    page.goto(live_server.url + "/agents/")
    row = page.locator(f'[data-queue] tbody tr[data-return="{risky.rma_number}"]')
    expect(row.locator("[data-risk-score]")).to_have_text("Score de risque\u00a0: 100/100")
    expect(row.locator("[data-risk-reason]")).to_have_text(reasons_in("fr", risky))
    screenshot(page, "agents-risk-04-queue-fr")
