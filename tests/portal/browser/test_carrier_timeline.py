"""In a real browser: the customer's tracking page shows the carrier's steps (when, our words, the carrier's own
words, where), newest first, once the carrier has scanned the parcel; in English and in French."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.models import Label
from rma.shipping.tracking_tasks import label_track_task
from tests.portal.browser.a11y import assert_accessible_basics
from tests.shipping.tracking.conftest import StandInCarrier, TrackingStatus, at, standin  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scanned_return(make_return, standin):  # noqa: F811
    """A return whose parcel the stand-in carrier scanned twice, polled once (the label was made on commit)."""
    return_request = make_return(contact_email="lea@example.fr")
    Label.objects.filter(return_request=return_request).update(carrier=StandInCarrier.code)
    label = Label.objects.get(return_request=return_request)
    standin.scan(
        label.tracking_number,
        TrackingStatus.HANDED_OVER,
        code="DEPOSE",
        text="Colis déposé au point relais",
        place="Tabac de la Gare, 75011 Paris",
        at=at(60 * 26),
    )
    standin.scan(
        label.tracking_number,
        TrackingStatus.IN_TRANSIT,
        code="TRI",
        text="Colis en cours de tri",
        place="Plateforme de Chilly-Mazarin",
        at=at(60 * 3),
    )
    label_track_task.delay(label.pk)
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.IN_TRANSIT
    return return_request, label


def test_the_customer_sees_the_carriers_steps_newest_first(page: Page, live_server, scanned_return, shots):
    return_request, label = scanned_return
    page.goto(live_server.url + reverse("portal:tracking", kwargs={"public_id": return_request.public_id}))

    section = page.locator("[data-carrier-steps]")
    expect(section.get_by_role("heading", name="Your parcel with the carrier")).to_be_visible()
    steps = section.get_by_role("listitem")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("In transit")
    expect(steps.nth(0)).to_contain_text("Colis en cours de tri")
    expect(steps.nth(0)).to_contain_text("Plateforme de Chilly-Mazarin")
    expect(steps.nth(1)).to_contain_text("Handed over to the carrier")
    expect(steps.nth(1)).to_contain_text("Colis déposé au point relais")
    expect(steps.nth(1)).to_contain_text("Tabac de la Gare, 75011 Paris")
    expect(steps.nth(0).locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(section).to_contain_text(label.tracking_number)
    # The return's own progress says it is on its way.
    expect(page.locator(".timeline__item.is-current").first).to_contain_text("On its way")
    assert_accessible_basics(page)
    shots(page, "tracking-carrier-steps")


@pytest.mark.parametrize("browser_context_args", [{"locale": "fr-FR"}], indirect=False)
def test_the_french_page_shows_the_same_steps(page: Page, live_server, scanned_return):
    return_request, _label = scanned_return
    page.goto(live_server.url + reverse("portal:tracking", kwargs={"public_id": return_request.public_id}))

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    steps = page.locator("[data-carrier-steps] li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("Colis en cours de tri")
    expect(steps.nth(1)).to_contain_text("Tabac de la Gare, 75011 Paris")


def test_no_carrier_section_before_any_scan(page: Page, live_server, make_return):
    return_request = make_return()
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY
    page.goto(live_server.url + reverse("portal:tracking", kwargs={"public_id": return_request.public_id}))

    expect(page.get_by_role("heading", level=1)).to_contain_text(return_request.rma_number)
    expect(page.locator("[data-carrier-steps]")).to_have_count(0)
