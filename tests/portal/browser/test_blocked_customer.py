"""In a real browser, in French and in English: a customer on the block list finds their order and is asked, politely,
to contact customer service; no step of a return opens, even by typing its address."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from rma.portal.lookup import SELF_SERVICE_REFUSED
from rma.returns.customer_lists import customer_list_entry_create
from rma.returns.models import ReturnRequest
from tests.portal.world import EMAIL, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("browser_context_args", "language", "heading"),
    [({"locale": "en-GB"}, "en", "Return an item"), ({"locale": "fr-FR"}, "fr", "Retourner un article")],
    indirect=False,
)
def test_a_blocked_customer_is_sent_to_customer_service_in_their_language(
    page: Page, live_server, shots, language, heading
):
    build_world()
    customer_list_entry_create(
        kind="block", match="address", value="8 rue des Lilas, 69003 Lyon", reason="Wardrobing, 6 returns", actor=None
    )
    with translation.override(language):
        message = str(SELF_SERVICE_REFUSED)

    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(re.compile("Order number|Numéro de commande")).fill("ML100042")
    page.get_by_label(re.compile("Email address or|Adresse e-mail ou")).fill(EMAIL)
    page.get_by_role("button", name=re.compile("Find my order|Retrouver ma commande")).click()

    refusal = page.get_by_role("alert").filter(has_text=message)
    expect(refusal).to_be_visible()
    expect(refusal).to_have_text(message)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text(re.compile("block|bloqu|Wardrobing", re.IGNORECASE))).to_have_count(0)
    shots(page, f"blocked-customer-{language}")

    page.goto(live_server.url + reverse("portal:items"))
    expect(page.get_by_role("checkbox", name=re.compile("Chemise en lin"))).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert not ReturnRequest.objects.exists()
