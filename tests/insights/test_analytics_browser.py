"""In Chromium: an agent reads the analytics of a month worked out by hand (tests/insights/analytics_data.py) from
page to page, in English and in French, and downloads a table; a shop manager sees their shop's figures only.
Screenshots go to test-artifacts/insights-<step>.png (the README shows them)."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rma.core import roles
from tests.helpers import screenshot, staff_member
from tests.insights.analytics_data import END, START
from tests.insights.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def october_of(page: Page) -> None:
    page.get_by_label("From", exact=True).fill(START)
    page.get_by_label("To", exact=True).fill(END)
    page.get_by_role("button", name="Show").click()


def test_an_agent_reads_the_analytics_in_english_and_french(page: Page, live_server, agent, october):
    sign_in(page, live_server.url + "/insights/analytics/rates/")
    october_of(page)

    expect(page.get_by_role("heading", name="Return rate", exact=True)).to_be_visible()
    expect(page.locator('[data-total="rate"]')).to_have_text("40.0\u00a0%")
    expect(page.get_by_role("img", name="Return rate, by month")).to_be_visible()
    apparel = page.locator("[data-table=category] tbody tr", has_text="Apparel")
    expect(apparel).to_contain_text("37.5\u00a0%")
    screenshot(page, "insights-05-rates")

    page.get_by_role("link", name="Reasons and outcomes").click()
    expect(page.locator('[data-total="returns"]')).to_have_text("3")
    expect(page.locator('[data-total="kept"]')).to_have_text("€100.00")
    expect(page.locator("[data-table=outcomes] tbody tr")).to_have_count(4)
    screenshot(page, "insights-06-reasons")

    page.get_by_role("link", name="Refunds and costs").click()
    expect(page.locator('[data-total="p50"]')).to_have_text("10 d")
    expect(page.locator('[data-total="p90"]')).to_have_text("40 d")
    expect(page.locator("[data-chart=days] rect")).to_have_count(3)

    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Remboursements, coûts et valorisation")).to_be_visible()
    expect(page.locator('[data-total="p50"]')).to_have_text("10\u00a0j")
    expect(page.locator('[data-total="within_share"]')).to_have_text("50,0\u00a0%")
    expect(page.locator('[data-total="per_return"]')).to_have_text("0,50\u00a0€")
    screenshot(page, "insights-07-refunds-fr")

    with page.expect_download() as download:
        page.locator('[data-csv="dispositions"]').click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "disposition,label,units,value,recovered,share"
    assert "restock,Remise en stock,1,50.00,50.00,1.0" in lines

    page.get_by_role("link", name="Envois des boutiques").click()
    expect(page.locator('[data-total="shipments"]')).to_have_text("0")
    expect(page.locator("[data-empty]")).to_have_text("Rien sur cette période.")


def test_a_shop_manager_sees_their_shops_rate(page: Page, live_server, shop, october):
    staff_member(shop, "sophie", roles.STORE_STAFF)
    page.goto(live_server.url + "/insights/analytics/rates/")
    page.get_by_label("Username").fill("sophie")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")
    october_of(page)

    expect(page.locator('[data-total="sold"]')).to_have_text("4")
    expect(page.locator('[data-total="rate"]')).to_have_text("25.0\u00a0%")
    expect(page.locator("#id_store")).to_contain_text("Lyon République")
    expect(page.locator("[data-table=store] tbody tr")).to_have_count(1)
