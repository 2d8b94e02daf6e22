"""In Chromium: an agent signs in, reads the queue (why each return was flagged, the customer's history), approves
one return with a reason, adds an internal note to another and rejects it; the customer's tracking page shows each
reason and never the note.

Screenshots of each step go to test-artifacts/agents-<step>.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from tests.helpers import ARTIFACTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_reviews_the_queue_approves_one_rejects_another_and_adds_a_note(
    page: Page, live_server, camille, flagged
):
    first = flagged(email="lea@example.com")
    second = flagged(email="marc@example.com")
    ReturnRequest.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(hours=5))
    base = live_server.url

    # The shared sign-in lands agents on their queue.
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("camille")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/agents/")

    rows = page.locator("[data-queue] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-return", first.rma_number)  # the longest waiting first
    expect(rows.nth(0).locator("[data-review-reason]")).to_contain_text("High-value order")
    expect(rows.nth(0).locator("[data-history-summary]")).to_have_text("1 return · 149.00\u00a0€")
    expect(rows.nth(0).locator('[data-outcome="needs_review"]')).to_have_text("Under review: 1")
    screenshot(page, "agents-01-queue")

    # Approve the first with a word for the customer.
    page.get_by_role("link", name=first.rma_number).click()
    expect(page.locator("[data-review-reason]")).to_contain_text("High-value order")
    page.get_by_label("Message to the customer (optional)").fill("Photos vérifiées, bon retour !")
    screenshot(page, "agents-02-return")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("[data-message=success]")).to_have_text(f"{first.rma_number} approved.")
    expect(page.locator("[data-queue] tbody tr")).to_have_count(1)

    # The second: an internal note first, then the rejection with its reason.
    page.get_by_role("link", name=second.rma_number).click()
    page.get_by_label("Internal note").fill("NOTE-INTERNE : la cliente a déjà porté l'article.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("[data-note]")).to_contain_text("NOTE-INTERNE")
    expect(page.locator("[data-note]")).to_contain_text("camille")
    expect(page.get_by_label("Why is it rejected?")).to_have_attribute("required", "")  # no rejection without one
    page.get_by_label("Why is it rejected?").fill("L'article a été porté.")
    screenshot(page, "agents-03-reject")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator("[data-message=success]")).to_have_text(f"{second.rma_number} rejected.")
    expect(page.locator("[data-queue-empty]")).to_be_visible()

    # Approved, and its label made at once (eager tasks in the tests).
    assert ReturnRequest.objects.get(pk=first.pk).status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
    assert ReturnRequest.objects.get(pk=second.pk).status == ReturnStatus.REJECTED

    # The customers' tracking pages: the reason, never the note.
    customer = page.context.browser.new_page()
    customer.goto(f"{base}/r/{first.public_id}/")
    expect(customer.locator("body")).to_contain_text("Photos vérifiées, bon retour !")
    customer.goto(f"{base}/r/{second.public_id}/")
    expect(customer.locator("body")).to_contain_text("L'article a été porté.")
    expect(customer.locator("body")).not_to_contain_text("NOTE-INTERNE")
    customer.screenshot(path=str(ARTIFACTS / "agents-04-customer-tracking.png"), full_page=True)
    customer.close()
