"""In a real browser: a customer makes a return, looks up another order, then goes back to the first return's
confirmation page; it still answers, in French and in English."""

import re

import pytest
from playwright.sync_api import Page, expect

from rma.returns.models import ReturnRequest
from tests.orders.factories import OrderLineFactory
from tests.portal.world import POSTCODE, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def find(page: Page, base: str, number: str, secret: str) -> None:
    page.goto(base + "/")
    page.get_by_label(re.compile("Order number|Numéro de commande")).fill(number)
    page.get_by_label(re.compile("Email address or|Adresse e-mail ou")).fill(secret)
    page.get_by_role("button", name=re.compile("Find my order|Retrouver ma commande")).click()


@pytest.mark.parametrize("browser_context_args", [{"locale": "fr-FR"}], indirect=False)
def test_an_earlier_confirmation_answers_after_another_lookup(page: Page, live_server):
    build_world()
    OrderLineFactory(order__number="ML200000", order__customer_email="other@example.fr", name="Pull en laine")
    base = live_server.url

    find(page, base, "ML100042", POSTCODE)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("checkbox", name=re.compile("Chemise en lin")).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Motif").select_option(label="Trop petit")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("radio", name=re.compile("^Remboursement")).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("radio", name=re.compile("Maison Lumière Lyon Part-Dieu")).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Confirmer le retour").click()
    return_request = ReturnRequest.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(return_request.rma_number)
    confirmation = page.url

    # The same browser looks up another order: a new portal session, for that order.
    find(page, base, "ML200000", "other@example.fr")
    expect(page.get_by_role("checkbox", name=re.compile("Pull en laine"))).to_be_visible()

    page.goto(confirmation)
    expect(page.get_by_role("heading", level=1)).to_contain_text(return_request.rma_number)
    page.get_by_role("button", name=re.compile("English")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your return number is")
