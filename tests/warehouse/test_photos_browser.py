"""In Chromium, with DEBUG off as in production: an operator opens the customer's photo from the warehouse's return
page; an operator of another warehouse gets a 404. Screenshots go to test-artifacts/warehouse-photos-<step>.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rma.returns.models import ReturnPhoto
from rma.warehouse.services import arrival_register
from tests.core.pictures import checked, jpeg_with_gps
from tests.helpers import screenshot
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/warehouse/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Scan a parcel")).to_be_focused()


def test_an_operator_opens_the_customers_photo_and_another_warehouse_gets_404(
    page: Page, live_server, settings, make_return, operator, outsider
):
    assert settings.DEBUG is False
    damaged = ReasonCodeFactory(
        code="damaged", label_en="Arrived damaged", label_fr="Arrivé abîmé", requires_photo=True
    )
    line = OrderLineFactory(quantity=1, name="Chemise en lin", sku="CHM-LIN-BLA-M")
    return_request = make_return(
        order_line=line, reason=damaged, photos={line.pk: [checked(jpeg_with_gps(size=(320, 240)))]}
    )
    arrival_register(code=return_request.rma_number, warehouse=return_request.destination_warehouse, actor=operator)
    photo = ReturnPhoto.objects.get()
    photo_path = reverse("return-photo", kwargs={"public_id": return_request.public_id, "photo_id": photo.pk})
    base = live_server.url

    log_in(page, base, "alice")
    page.keyboard.type(return_request.rma_number)
    page.keyboard.press("Enter")
    panel = page.locator("[data-customer-photos-panel]")
    expect(panel).to_contain_text("Customer's photos")
    thumbnail = panel.get_by_role("img", name="Customer's photo 1 of CHM-LIN-BLA-M")
    expect(thumbnail).to_be_visible()
    # The thumbnail really loaded (a broken image has no natural width).
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") == 240  # turned upright: the phone was held sideways
    screenshot(page, "warehouse-photos-01-return-page")

    with page.context.expect_page() as opened:
        panel.get_by_role("link").first.click()
    photo_page = opened.value
    photo_page.wait_for_load_state()
    assert photo_page.url == base + photo_path
    response = photo_page.request.get(base + photo_path)
    assert response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert photo_page.evaluate("document.images.length && document.images[0].naturalWidth") == 240
    screenshot(photo_page, "warehouse-photos-02-photo-opened")
    photo_page.close()

    # The unit page shows it too.
    page.goto(
        base + reverse("warehouse:unit-inspect", args=[return_request.public_id, return_request.lines.get().pk, 1])
    )
    expect(page.get_by_role("img", name="Customer's photo 1 of CHM-LIN-BLA-M")).to_be_visible()

    # An operator of another warehouse: the photo does not exist for them.
    page.context.clear_cookies()
    log_in(page, base, "lea")
    response = page.goto(base + photo_path)
    assert response is not None
    assert response.status == 404
    screenshot(page, "warehouse-photos-03-other-warehouse-404")
