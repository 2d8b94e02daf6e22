"""The customer journey in a real browser, end to end, with a screenshot of each step in test-artifacts/."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from rma.returns.models import ReturnRequest
from tests.core.pictures import real_heic
from tests.portal.browser.a11y import assert_accessible_basics
from tests.portal.conftest import image_bytes
from tests.portal.world import EMAIL, POSTCODE, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def labels_available() -> bool:
    try:
        reverse("customer-label-pdf", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    except NoReverseMatch:
        return False
    return True


def find_order(page: Page, base: str, secret: str = EMAIL) -> None:
    page.goto(base + "/")
    page.get_by_label(re.compile("Order number|Numéro de commande")).fill("ML100042")
    page.get_by_label(re.compile("Email address or|Adresse e-mail ou")).fill(secret)
    page.get_by_role("button", name=re.compile("Find my order|Retrouver ma commande")).click()


def test_refund_with_a_photo_at_a_relay_point_then_label_tracking_and_cancel(page: Page, live_server, shots, tmp_path):
    build_world()
    base = live_server.url

    # 1. A wrong pair gets the one generic message.
    find_order(page, base, secret="someone@else.fr")
    expect(page.get_by_role("alert")).to_contain_text("could not find an order")
    expect(page.get_by_role("alert")).to_be_focused()
    shots(page, "01-lookup-error")
    assert_accessible_basics(page)
    find_order(page, base)

    # 2. Items: refusals say why; choose the shirt.
    expect(page.get_by_role("heading", level=1)).to_have_text("Which items are you returning?")
    expect(page.get_by_text("final sale")).to_be_visible()
    expect(page.get_by_text(re.compile("The return window closed on"))).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("Chemise en lin")).check()
    page.get_by_label("Quantity").select_option("2")
    shots(page, "02-items")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Continue").click()

    # 3. A reason that needs a photo: refused without one, accepted with two (one HEIC).
    page.get_by_label("Reason").select_option(label="Arrived damaged")
    expect(page.get_by_text("(required for this reason)")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Add at least one photo for this reason.")
    photo = tmp_path / "parcel.jpg"
    photo.write_bytes(image_bytes("JPEG", (640, 480)))
    heic = tmp_path / "IMG_0042.heic"
    heic.write_bytes(real_heic((640, 480)))
    page.locator("input[type=file]").set_input_files([str(photo), str(heic)])
    expect(page.locator(".thumbs--new .thumb")).to_have_count(2)  # previews before upload
    page.get_by_label(re.compile("Comment")).fill("The box was crushed.")
    shots(page, "03-reasons")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Continue").click()

    # 4. Resolution: refund to the original payment.
    page.get_by_label("Refund to the original payment").check()
    shots(page, "04-resolution")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Continue").click()

    # 5. Drop-off: every kind, with distance, carbon and opening hours; choose the relay point.
    for kind in ("Shop", "Relay point", "Parcel locker", "Post office", "Collected at home"):
        expect(page.locator(".option .badge", has_text=kind).first).to_be_visible()
    expect(page.locator(".fact--carbon").first).to_contain_text("CO₂e")
    page.get_by_role("radio", name=re.compile("Tabac de la Guillotière")).check()
    shots(page, "05-drop-off")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Continue").click()

    # 6. Review: free (the carrier damaged it), refund estimate, then confirm.
    expect(page.get_by_text("Free", exact=True)).to_be_visible()
    expect(page.locator(".totals__total")).to_contain_text("€119.80")
    shots(page, "06-review")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Confirm the return").click()

    # 7. Confirmation with the RMA number; the label once the worker has made it.
    return_request = ReturnRequest.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(return_request.rma_number)
    assert return_request.lines.get().photos.count() == 2
    if labels_available():
        from rma.shipping.models import Label

        link = page.get_by_role("link", name="Download the label (PDF)")
        expect(link).to_be_visible(timeout=15_000)
        # The page waits for the worker: while the label is pending it says so, then shows it by itself.
        Label.objects.filter(return_request=return_request).update(status="pending")
        page.reload()
        expect(page.get_by_text("Your label is being prepared")).to_be_visible()
        Label.objects.filter(return_request=return_request).update(status="ready")
        expect(link).to_be_visible(timeout=15_000)
        expect(page.locator(".qr svg")).to_be_visible()
        shots(page, "07-confirmation")
        with page.expect_download() as download_info:
            link.click()
        pdf = download_info.value.path().read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert b"%%EOF" in pdf[-1024:]
    else:  # before the labels app serves downloads: the label is being prepared, or ready without a link yet
        expect(page.get_by_text("Your label is being prepared").or_(page.locator(".qr svg"))).to_be_visible()
        shots(page, "07-confirmation")

    # 8. Tracking by the emailed link, then cancel.
    page.get_by_role("link", name="Follow my return").click()
    expect(page).to_have_url(re.compile(rf"/r/{return_request.public_id}/$"))
    expect(page.locator(".timeline")).to_contain_text("Approved")
    shots(page, "08-tracking")
    assert_accessible_basics(page)
    page.get_by_role("link", name="Cancel this return").click()
    page.get_by_role("button", name="Yes, cancel the return").click()
    expect(page.get_by_role("status")).to_contain_text("Your return has been cancelled.")
    expect(page.locator(".status")).to_have_text("Cancelled")
    expect(page.get_by_role("link", name="Cancel this return")).to_have_count(0)
    shots(page, "09-cancelled")


@pytest.mark.parametrize("browser_context_args", [{"locale": "fr-FR"}], indirect=False)
def test_exchange_at_the_shop_in_french(page: Page, live_server, shots):
    build_world()
    find_order(page, live_server.url, secret=POSTCODE)  # the postcode works as well as the email

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Quels articles renvoyez-vous\s\?"))
    page.get_by_role("checkbox", name=re.compile("Chemise en lin")).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Motif").select_option(label="Trop petit")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("radio", name=re.compile("^Échange")).check()
    page.get_by_label("Échanger contre").select_option("CHM-LIN-BLA-L")
    shots(page, "fr-04-resolution")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("radio", name=re.compile("Maison Lumière Lyon Part-Dieu")).check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("taille L · blanc")).to_be_visible()
    shots(page, "fr-06-review")
    page.get_by_role("button", name="Confirmer le retour").click()
    return_request = ReturnRequest.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(return_request.rma_number)
    assert return_request.resolution == "exchange"
    assert return_request.locale == "fr"
    assert return_request.lines.get().exchange_sku == "CHM-LIN-BLA-L"
    shots(page, "fr-07-confirmation")

    # The language switch keeps the page.
    page.get_by_role("button", name=re.compile("English")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your return number is")


def test_locker_and_home_pickup_on_a_phone(page: Page, live_server, shots):
    world = build_world()
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url

    # Keyboard only: the skip link, then the form, submitted with Enter.
    page.goto(base + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Order number")).to_be_focused()
    page.keyboard.type("ML100042")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address or delivery postcode")).to_be_focused()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Which items are you returning?")
    assert_accessible_basics(page)
    shots(page, "phone-02-items")

    def start(line_name: str) -> None:
        find_order(page, base)
        page.get_by_role("checkbox", name=re.compile(line_name)).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Reason").select_option(label="Too small")
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Store credit").check()
        page.get_by_role("button", name="Continue").click()

    start("Bougie")
    shots(page, "phone-05-drop-off")
    page.get_by_role("radio", name=re.compile("Locker Gare Part-Dieu")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".summary")).to_contain_text("In a parcel locker")
    shots(page, "phone-06-review")
    page.get_by_role("button", name="Confirm the return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your return number is")
    shots(page, "phone-07-confirmation")
    assert_accessible_basics(page)

    start("Chemise en lin")
    page.get_by_role("radio", name=re.compile("Home pickup")).check()
    page.get_by_label("Pickup date").select_option(index=2)
    page.get_by_text("14:00-18:00").click()
    shots(page, "phone-05-home-pickup")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".summary")).to_contain_text("14:00-18:00")
    page.get_by_role("button", name="Confirm the return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your return number is")

    kinds = sorted(ReturnRequest.objects.values_list("drop_off_method", flat=True))
    assert kinds == ["home_pickup", "locker"]
    assert world.order.return_requests.count() == 2


@pytest.mark.parametrize("colour", ["#f5c518", "#8a2be2"])
def test_any_brand_colour_from_settings_stays_readable(page: Page, live_server, shots, settings, colour):
    settings.RMA_BRAND_PRIMARY_COLOR = colour
    build_world()
    find_order(page, live_server.url)
    expect(page.locator("html")).to_have_attribute("style", re.compile(colour))
    page.get_by_role("checkbox", name=re.compile("Chemise en lin")).check()
    assert_accessible_basics(page)
    button = page.get_by_role("button", name="Continue")
    ink = button.evaluate("b => getComputedStyle(b).color")
    assert re.fullmatch(r"rgb\((0, 0, 0|255, 255, 255)\)|lch\((0|100) 0 0\)", ink), ink
    shots(page, f"brand-{colour.lstrip('#')}")
