"""In a real browser: a refund without return shown as really refunded, and an exchange the shop can no longer
send refused with its reason."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_approve
from tests.core.factories import UserFactory
from tests.portal.browser.a11y import assert_accessible_basics
from tests.portal.browser.test_portal_journey import find_order
from tests.portal.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start_with(page: Page, base: str, item: str) -> None:
    find_order(page, base)
    page.get_by_role("checkbox", name=re.compile(item)).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Reason").select_option(label="Too small")
    page.get_by_role("button", name="Continue").click()


def test_a_returnless_refund_shows_the_estimate_then_the_amount_refunded(page: Page, live_server, shots):
    world = build_world()
    # The candle (29.00) is worth less than returning it costs; an agent looks at every return first.
    world.policy.returnless_refund_below = Decimal("30.00")
    world.policy.auto_approve = False
    world.policy.save(update_fields=["returnless_refund_below", "auto_approve"])
    base = live_server.url

    start_with(page, base, "Bougie")
    page.get_by_label("Refund to the original payment").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name=re.compile("Tabac de la Guillotière")).check()
    page.get_by_role("button", name="Continue").click()
    # Nothing is sent back: no drop-off fee, the full price is refunded.
    expect(page.get_by_text("Free", exact=True)).to_be_visible()
    expect(page.locator(".totals__total")).to_contain_text("€29.00")
    page.get_by_role("button", name="Confirm the return").click()

    return_request = ReturnRequest.objects.get()
    page.get_by_role("link", name="Follow my return").click()
    expect(page.locator("[data-refund-estimate]")).to_have_text(re.compile(r"Estimated refund\s*€29.00"))
    expect(page.locator("[data-refunded]")).to_have_count(0)
    shots(page, "returnless-1-estimate")

    # The agent approves: the refund is released with the approval.
    return_request_approve(return_request=return_request, actor=UserFactory(username="agent-zoe"))
    page.reload()
    expect(page.locator(".status")).to_have_text("Refunded")
    expect(page.locator("[data-refunded]")).to_have_text(re.compile(r"Refunded\s*€29.00"))
    expect(page.locator("[data-refund-estimate]")).to_have_count(0)
    expect(page.locator(".lead")).to_contain_text("Your refund has been issued")
    shots(page, "returnless-2-refunded")
    assert_accessible_basics(page)


def test_an_exchange_for_a_size_gone_out_of_stock_is_refused_with_its_reason(
    page: Page, live_server, shots, fake_shop
):
    build_world()
    fake_shop.products["CHM-LIN"] = [
        {"sku": "CHM-LIN-BLA-M", "size": "M", "colour": "blanc", "available": True, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-L", "size": "L", "colour": "blanc", "available": True, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-S", "size": "S", "colour": "blanc", "available": True, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-XL", "size": "XL", "colour": "blanc", "available": True, "price": "64.90"},
    ]
    start_with(page, live_server.url, "Chemise en lin")

    page.get_by_role("radio", name=re.compile("^Exchange")).check()
    select = page.get_by_label("Exchange for")
    expect(page.get_by_text("Only sizes and colours the shop has in stock are listed.")).to_be_visible()
    # A dearer size is not offered (the policy wants the same price).
    expect(select.locator("option[value='CHM-LIN-BLA-XL']")).to_have_count(0)
    select.select_option("CHM-LIN-BLA-L")
    # Meanwhile the shop sells its last L.
    fake_shop.variant("CHM-LIN", "CHM-LIN-BLA-L", available=False)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("alert")).to_contain_text("CHM-LIN-BLA-L is out of stock")
    expect(page.get_by_role("heading", level=1)).to_have_text("What would you like instead?")
    shots(page, "exchange-out-of-stock")
    assert_accessible_basics(page)

    page.get_by_role("radio", name=re.compile("^Exchange")).check()
    page.get_by_label("Exchange for").select_option("CHM-LIN-BLA-S")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("What would you like instead?")
    assert not ReturnRequest.objects.exists()
