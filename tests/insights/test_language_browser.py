"""In Chromium: switching language (the FR/EN button of the header) on a report keeps its query, so the reader sees
the same period and filters, and the same figures, in the other language."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.insights.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_language_and_back(
    page: Page, url: str, fields: dict[str, str], total: str, english: str, french: str
) -> None:
    """On `url` (signed in), FR then EN: each time the same address, the same filters and the total `total`."""
    for language, button, shown in (("en", None, english), ("fr", "FR", french), ("en", "EN", english)):
        if button:
            page.get_by_role("button", name=button).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page).to_have_url(url)
        for name, value in fields.items():
            expect(page.locator(f"#id_{name}")).to_have_value(value)
        expect(page.locator(f'[data-total="{total}"]')).to_have_text(shown)


@pytest.mark.parametrize(
    ("query", "rate_en", "rate_fr"),
    [
        # October's apparel: 3 of 8 returned (all of October, all categories: 40 %).
        ("start=2026-10-01&end=2026-10-31&category=apparel", "37.5\u00a0%", "37,5\u00a0%"),
        # A quarter with no sales: no rate (the default period, the last twelve months, would show 40 %).
        ("start=2026-01-01&end=2026-03-31", "—", "—"),
    ],
)
def test_the_return_rate_keeps_its_period_and_category_across_languages(
    page: Page, live_server, agent, october, query, rate_en, rate_fr
):
    url = f"{live_server.url}/insights/analytics/rates/?{query}"
    sign_in(page, url)
    fields = dict(pair.split("=") for pair in query.split("&"))
    switch_language_and_back(page, url, fields, "rate", rate_en, rate_fr)


def test_the_footprint_keeps_its_period_and_warehouse_across_languages(page: Page, live_server, agent, returns_sent):
    start, end = timezone.localdate().replace(day=1).isoformat(), timezone.localdate().isoformat()
    url = f"{live_server.url}/insights/footprint/?start={start}&end={end}&warehouse=WH-IDF"
    sign_in(page, url)
    # This month at WH-IDF: 3 returns (4 over the default twelve months, 5 with the other warehouse).
    fields = {"start": start, "end": end, "warehouse": "WH-IDF"}
    switch_language_and_back(page, url, fields, "kg", "2.0 kg CO₂e", "2,0 kg CO₂e")
    expect(page.locator('[data-total="returns"]')).to_have_text("3")


def test_the_dispositions_keep_their_year_warehouse_and_category_across_languages(
    page: Page, live_server, agent, disposed
):
    year = str(timezone.localdate().year)
    url = f"{live_server.url}/insights/dispositions/?year={year}&warehouse=WH-IDF&category=footwear"
    sign_in(page, url)
    # Footwear at WH-IDF this year: 2 units (9 for every category).
    fields = {"year": year, "warehouse": "WH-IDF", "category": "footwear"}
    switch_language_and_back(page, url, fields, "units", "2", "2")
    expect(page.locator('[data-total="destroyed"]')).to_have_text("1")
