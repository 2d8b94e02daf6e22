"""Store credit in a real browser: the bonus on the resolution step and the review, the code on the tracking page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPolicy, ReturnRequest
from rma.warehouse.models import StoreCredit
from tests.portal.browser.a11y import assert_accessible_basics
from tests.portal.browser.test_portal_journey import find_order
from tests.portal.world import build_world
from tests.returns.factories import return_request_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def credit_policy(world, **rules):
    ReturnPolicy.objects.filter(pk=world.policy.pk).update(**rules)


def choose_the_candle(page: Page, base: str) -> None:
    find_order(page, base)
    page.get_by_role("checkbox", name=re.compile("Bougie")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Reason").select_option(label="Too small")
    page.get_by_role("button", name="Continue").click()


def test_the_resolution_step_offers_the_bonus_and_the_review_counts_it(page: Page, live_server, shots):
    world = build_world()
    credit_policy(world, store_credit_moment="handover", store_credit_bonus_percent=Decimal("10"))
    choose_the_candle(page, live_server.url)

    # The candle is worth €29.00: as store credit, €31.90 with the policy's 10 % bonus.
    offer = page.locator("[data-store-credit-offer]")
    expect(offer).to_have_text("Store credit: €31.90 (+10%)")
    expect(page.get_by_text("Refund to the original payment: €29.00")).to_be_visible()
    expect(page.get_by_text("sent by email with its code as soon as the parcel is on its way")).to_be_visible()
    shots(page, "store-credit-04-resolution")
    assert_accessible_basics(page)
    page.get_by_role("radio", name=re.compile("Store credit")).check()
    page.get_by_role("button", name="Continue").click()

    # Dropped off in a locker (a €3.90 fee): the credit is (29.00 - 3.90) + 10 % = €27.61.
    page.get_by_role("radio", name=re.compile("Locker Gare Part-Dieu")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-store-credit-bonus]")).to_have_text(
        re.compile(r"Store credit bonus \(\+10%\)\s*\+ €2\.51")
    )
    expect(page.locator(".totals__total")).to_contain_text("Estimated store credit")
    expect(page.locator(".totals__total")).to_contain_text("€27.61")
    shots(page, "store-credit-06-review")
    page.get_by_role("button", name="Confirm the return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your return number is")
    assert ReturnRequest.objects.get().resolution == "store_credit"


@pytest.mark.parametrize("browser_context_args", [{"locale": "fr-FR"}], indirect=False)
def test_the_resolution_step_in_french_without_a_bonus(page: Page, live_server, shots):
    world = build_world()
    credit_policy(world, store_credit_moment="inspection", store_credit_bonus_percent=Decimal("7.5"))
    find_order(page, live_server.url)
    page.get_by_role("checkbox", name=re.compile("Bougie")).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Motif").select_option(label="Trop petit")
    page.get_by_role("button", name="Continuer").click()

    # 29,00 € + 7,5 % = 31,18 € (rounded to the cent), issued once the items are checked.
    expect(page.locator("[data-store-credit-offer]")).to_have_text("Avoir\u00a0: 31,18\u00a0€ (+7,5\u00a0%)")
    expect(page.get_by_text("une fois les articles contrôlés")).to_be_visible()
    shots(page, "store-credit-fr-04-resolution")


def test_the_tracking_page_shows_the_code_once_the_parcel_is_handed_over(page: Page, live_server, shots):
    world = build_world()
    credit_policy(
        world,
        store_credit_moment="handover",
        store_credit_bonus_percent=Decimal("10"),
        store_credit_validity_days=365,
    )
    return_request = return_request_make(
        reason=world.too_small,
        relay=world.relay,
        order_line=world.mug,
        resolution="store_credit",
        status="label_ready",
    )
    tracking = f"{live_server.url}/r/{return_request.public_id}/"

    # Not handed over yet: no credit, no code.
    page.goto(tracking)
    expect(page.locator(".status")).to_have_text("Label ready")
    expect(page.locator("[data-store-credit]")).to_have_count(0)
    expect(page.locator(".totals__total")).to_have_text(re.compile(r"Estimated store credit\s*€27\.61"))

    from rma.returns.services import return_request_transition

    return_request_transition(return_request=return_request, to=ReturnStatus.IN_TRANSIT)
    credit = StoreCredit.objects.get()
    page.reload()

    card = page.locator("[data-store-credit]")
    expect(card.get_by_role("heading", name="Your store credit")).to_be_visible()
    expect(page.locator("[data-store-credit-code]")).to_have_text(credit.code)
    # €29.00 less the relay point's €3.90 fee, plus 10 %.
    expect(card).to_contain_text("€27.61")
    expect(card).to_contain_text("bonus +10% included")
    expect(card).to_contain_text("Left to spend")
    expect(card).to_contain_text(str(credit.expires_at.year))
    expect(page.locator(".totals__total")).to_have_text(re.compile(r"Store credit\s*€27\.61"))
    shots(page, "store-credit-08-tracking")
    assert_accessible_basics(page)


def test_a_returnless_store_credit_shows_its_code_and_the_same_amount_as_refunded(page: Page, live_server, shots):
    world = build_world()
    credit_policy(world, store_credit_bonus_percent=Decimal("10"), returnless_refund_below=Decimal("30.00"))
    # The candle (€29.00) is kept: its approval releases the refund, which issues the credit.
    return_request = return_request_make(
        reason=world.too_small, relay=world.relay, order_line=world.mug, resolution="store_credit"
    )
    credit = StoreCredit.objects.get(return_request=return_request)

    page.goto(f"{live_server.url}/r/{return_request.public_id}/")

    expect(page.locator(".status")).to_have_text("Refunded")
    card = page.locator("[data-store-credit]")
    expect(page.locator("[data-store-credit-code]")).to_have_text(credit.code)
    expect(card).to_contain_text("€31.90")
    expect(card).to_contain_text("bonus +10% included")
    # The total says what the card says: the credit the customer holds, bonus included; no estimate any more.
    expect(page.locator("[data-refunded]")).to_have_text(re.compile(r"Refunded as store credit\s*€31\.90"))
    expect(page.locator("[data-refund-estimate]")).to_have_count(0)
    shots(page, "store-credit-09-returnless-tracking")
    assert_accessible_basics(page)
