"""In Chromium: an agent signs in, opens the footprint report, reads the totals, the chart and its tables, narrows
the period, switches to French, and downloads the CSV. Screenshots go to test-artifacts/insights-<step>.png."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.helpers import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, url: str) -> None:
    """Open `url` as the agent camille: through the sign-in page, and back to it."""
    page.goto(url)
    page.get_by_label("Username").fill("camille")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url)


def test_an_agent_reads_the_footprint_in_english_and_french_and_downloads_it(
    page: Page, live_server, agent, returns_sent
):
    sign_in(page, live_server.url + "/insights/footprint/")

    expect(page.get_by_role("heading", name="Carbon footprint of returns")).to_be_visible()
    expect(page.locator('[data-total="returns"]')).to_have_text("4")
    expect(page.locator('[data-total="kg"]')).to_have_text("3.3 kg CO₂e")
    expect(page.get_by_role("img", name="Estimated emissions each month")).to_be_visible()
    expect(page.locator("[data-chart=months] rect")).to_have_count(4)  # two months, two bars each
    expect(page.locator("[data-table=methods] tbody tr")).to_have_count(3)
    expect(page.locator("[data-versions]")).to_have_text("test-2026.1")
    screenshot(page, "insights-01-footprint")

    # This month only.
    page.get_by_label("From", exact=True).fill(timezone.localdate().replace(day=1).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator('[data-total="returns"]')).to_have_text("3")
    expect(page.locator("[data-chart=months] rect")).to_have_count(2)

    # In French, the same figures in French words and numbers.
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Empreinte carbone des retours")).to_be_visible()
    expect(page.locator('[data-total="kg"]')).to_have_text("2,0 kg CO₂e")
    screenshot(page, "insights-02-footprint-fr")

    with page.expect_download() as download:
        page.locator("[data-csv]").click()
    content = Path(download.value.path()).read_text()
    assert (
        content.splitlines()[0]
        == "month,method,returns,grams_co2e,baseline_grams_co2e,saved_grams_co2e,greener,walked"
    )
    assert len(content.splitlines()) == 4  # this month: locker, relay point, home pickup


def test_an_agent_reads_what_became_of_returned_units_in_english_and_french(page: Page, live_server, agent, disposed):
    sign_in(page, live_server.url + "/insights/dispositions/")

    expect(page.get_by_role("heading", name="What became of returned units")).to_be_visible()
    expect(page.locator('[data-total="units"]')).to_have_text("9")
    expect(page.locator('[data-total="destroyed"]')).to_have_text("3")
    apparel = page.locator('[data-category="Apparel"]')
    expect(apparel.locator('[data-treatment="destroyed"]')).to_contain_text("Health, hygiene or safety risk")
    screenshot(page, "insights-03-dispositions")

    page.get_by_label("Category").select_option("footwear")
    page.get_by_role("button", name="Show").click()
    expect(page.locator('[data-total="units"]')).to_have_text("2")

    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Ce que sont devenus les articles retournés")).to_be_visible()
    expect(page.locator('[data-treatment="resold_secondhand"] th')).to_have_text("Revendus d’occasion")
    screenshot(page, "insights-04-dispositions-fr")

    with page.expect_download() as download:
        page.locator('[data-export="json"]').click()
    assert '"treatment": "destroyed"' in Path(download.value.path()).read_text()
