"""In Chromium, in English and in French: an operator whose board holds more than it shows follows "See all" to the
whole list of expected returns and pages through it.

Screenshots go to test-artifacts/warehouse-list-<language>-<step>.png.
"""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from rma.warehouse.selectors import returns_expected

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.parametrize(
    ("language", "see_all", "next_page", "back"),
    [("en", "See all 4+", "Next", "Back to the board"), ("fr", "Tout voir (4+)", "Suivante", "Retour au tableau")],
)
def test_an_operator_pages_through_the_expected_returns(
    page: Page, live_server, settings, make_return, warehouse, operator, language, see_all, next_page, back
):
    settings.RMA_WAREHOUSE_BOARD_ROWS = 2
    settings.RMA_WAREHOUSE_BOARD_COUNT_LIMIT = 4
    settings.RMA_WAREHOUSE_LIST_ROWS = 3
    for _ in range(5):
        make_return()
    order = [r.rma_number for r in returns_expected(warehouses=[warehouse])]
    page.set_extra_http_headers({"Accept-Language": language})
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + "/warehouse/login/")
    page.locator("input[name=username]").fill("alice")
    page.locator("input[name=password]").fill("demo-password")
    page.keyboard.press("Enter")

    board = page.locator("[data-board=expected] tbody tr")
    expect(board).to_have_count(2)
    expect(page.locator("[data-count=expected]")).to_have_text("4+")
    page.get_by_role("link", name=see_all).click()

    rows = page.locator("[data-board=expected] tbody tr")
    expect(rows).to_have_count(3)
    for position, number in enumerate(order[:3]):
        expect(rows.nth(position)).to_contain_text(number)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"warehouse-list-{language}-1.png"), full_page=True)
    page.get_by_role("link", name=next_page).click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text(order[4])
    page.get_by_role("link", name=back).click()
    expect(page.locator("[data-board=expected]")).to_be_visible()
