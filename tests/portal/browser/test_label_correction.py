"""In a real browser: the carrier refuses the customer's postcode; the tracking page says so in words, the customer
corrects the address in the form (keyboard only), and the label is made with the corrected address."""

import pytest
from playwright.sync_api import Page, expect

from rma.shipping import carriers
from rma.shipping.accounts import CarrierAccount
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.locations.factories import DropOffPointFactory
from tests.portal.browser.a11y import assert_accessible_basics
from tests.shipping.accounts.standin import CarrierSystem, factory_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSAL = "The carrier does not know the postcode 69003: please check it."


@pytest.fixture
def standin(monkeypatch) -> CarrierSystem:
    # The live server runs in a thread of this process: it builds its adapters from the same registry.
    system = CarrierSystem(unknown_postcodes={"69003"})
    monkeypatch.setitem(carriers._FACTORIES, system.code, factory_for(system))
    return system


def test_the_customer_corrects_a_refused_postcode_and_gets_the_label(
    page: Page, live_server, standin, make_return, shots
):
    CarrierAccount.objects.create(name="Stand-in FR", carrier="standin", credentials={"api_key": "key-123"})
    point = DropOffPointFactory(kind="relay_point", carrier="standin", carrier_point_id="SI-0042")
    return_request = make_return(point=point)  # approved by the policy: the label task runs and is refused
    label = Label.objects.get(return_request=return_request)
    assert (label.status, label.error_code) == (LabelStatus.FAILED, "postcode_unknown")

    page.goto(f"{live_server.url}/r/{return_request.public_id}/")

    expect(page.get_by_role("alert")).to_have_text(REFUSAL)
    postcode = page.get_by_label("Postcode")
    expect(postcode).to_have_value("69003")
    assert_accessible_basics(page)
    shots(page, "label-correction-01-refused")

    postcode.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("69007")
    page.get_by_label("Mobile phone").fill("+33 6 12 34 56 78")
    page.get_by_role("button", name="Ask for my label again").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Thank you. We are asking the carrier for your label again.")).to_be_visible()
    expect(page.get_by_role("link", name="Download the label (PDF)")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    shots(page, "label-correction-02-ready")
    label.refresh_from_db()
    assert label.status == LabelStatus.READY
    refused, accepted = standin.requests
    assert (refused.sender.postcode, accepted.sender.postcode) == ("69003", "69007")
    assert accepted.sender.phone == "+33 6 12 34 56 78"
    assert refused.reference == accepted.reference
    assert list(standin.bookings.values()) == [label.tracking_number]
