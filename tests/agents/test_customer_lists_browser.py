"""In Chromium: a superuser puts a customer on the block list through the admin form, with a reason and an expiry,
and finds the entry in the list next to those already there. The screenshot goes to
test-artifacts/customer-lists-admin.png (the README shows it)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import formats, timezone
from playwright.sync_api import Page, expect

from rma.returns.customer_lists import customer_list_entry_create
from rma.returns.models import CustomerListEntry
from tests.core.factories import UserFactory
from tests.helpers import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def superuser(db):
    return UserFactory(username="margaux", is_staff=True, is_superuser=True)


@pytest.fixture
def listed(camille):
    """Two entries an agent made earlier: a trusted customer, and an address that had parcels reported empty."""
    customer_list_entry_create(
        kind="allow", match="email", value="Helene.Vidal@example.fr", reason="Loyal customer since 2019", actor=camille
    )
    customer_list_entry_create(
        kind="block",
        match="address",
        value="8 rue des Lilas, 69003 Lyon",
        reason="Three parcels reported empty",
        actor=camille,
    )


def sign_in_to_admin(page: Page, url: str) -> None:
    """Open the admin page `url` as the superuser margaux, through the admin's sign-in page."""
    page.goto(url)
    page.get_by_label("Username").fill("margaux")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(url)


def test_a_superuser_blocks_a_customer_until_a_date_in_the_admin(page: Page, live_server, superuser, listed):
    changelist = live_server.url + "/admin/returns/customerlistentry/"
    sign_in_to_admin(page, changelist)
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    # The admin keeps its menu folded (in the browser's storage): the list's every column fits the screen.
    page.get_by_role("button", name="Toggle navigation").click()

    page.get_by_role("link", name="Add customer list entry").click()
    page.get_by_label("List").select_option("block")
    page.get_by_label("Matches on").select_option("phone")
    page.get_by_label("Value").fill("06 12 34 56 78")
    page.get_by_label("Reason").fill("Chargebacks on three orders")
    until = timezone.localdate() + timedelta(days=180)
    page.locator("#id_expires_at_0").fill(until.isoformat())
    page.locator("#id_expires_at_1").fill("18:00:00")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(changelist)
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expires = formats.localize(datetime.combine(until, time(18), tzinfo=timezone.get_current_timezone()))
    # Newest first: value, list, matches on, reason, expires at, added by (then when).
    expect(rows.nth(0).locator("th, td").nth(1)).to_have_text("06 12 34 56 78")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("Block list")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("Phone number")
    expect(rows.nth(0).locator("td").nth(3)).to_have_text("Chargebacks on three orders")
    expect(rows.nth(0).locator("td").nth(4)).to_have_text(expires)
    expect(rows.nth(0).locator("td").nth(5)).to_have_text("margaux")
    expect(rows.nth(2)).to_contain_text("Loyal customer since 2019")
    entry = CustomerListEntry.objects.get(value="06 12 34 56 78")
    assert (entry.kind, entry.normalized_value, entry.added_by) == ("block", "33612345678", superuser)
    screenshot(page, "customer-lists-admin")
