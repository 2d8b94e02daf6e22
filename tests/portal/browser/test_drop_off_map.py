"""The drop-off step in Chromium: the map (Leaflet from our static files) linked to the list, filters by kind, the
keyboard, the coming days, the plain list without JavaScript, the tiles setting, and a phone with the demo data."""

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import Page, expect

from rma.demo.orders import orders_to_try
from tests.conftest import require
from tests.portal.browser.a11y import assert_accessible_basics
from tests.portal.world import EMAIL, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PINS = ".leaflet-marker-icon.map-pin[role=button]"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _leaflet_installed():
    require(
        finders.find("vendor/leaflet/leaflet.js") is not None,
        "Leaflet (node_modules/leaflet)",
        "npm ci --ignore-scripts (make install does it)",
    )


def to_drop_off(page: Page, base: str, *, number: str = "ML100042", email: str = EMAIL) -> None:
    page.goto(base + "/")
    page.get_by_label("Order number").fill(number)
    page.get_by_label("Email address or delivery postcode").fill(email)
    page.get_by_role("button", name="Find my order").click()
    page.locator("input[type=checkbox]").first.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Reason").first.select_option(index=1)
    page.get_by_role("button", name="Continue").click()
    page.locator("input[name=resolution]").first.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How will you send the parcel?")


def shown_rows(page: Page):
    return page.locator("[data-option]:visible")


def test_the_map_shows_the_places_and_the_customer_and_fetches_nothing_elsewhere(page: Page, live_server, shots):
    build_world()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    to_drop_off(page, live_server.url)

    expect(page.get_by_role("region", name="Map of these places")).to_be_visible()
    expect(page.locator(PINS)).to_have_count(4)  # a shop, a relay point, a locker, a post office
    expect(page.locator(".map-pin--you")).to_have_count(1)
    relay_pin = page.get_by_role("button", name=re.compile(r"^\d+\. Tabac de la Guillotière, Relay point, 160"))
    expect(relay_pin).to_be_visible()
    # The pins carry the list's numbers.
    number = page.locator("[data-option]", has_text="Tabac de la Guillotière").get_attribute("data-number")
    expect(relay_pin).to_have_text(number)
    # No tile server is set: no tile, and every request stays on this site (Leaflet included).
    expect(page.locator("img.leaflet-tile")).to_have_count(0)
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert any("/static/vendor/leaflet/leaflet.js" in url for url in requested)
    shots(page, "drop-off-map")
    assert_accessible_basics(page)


def test_a_pin_chosen_by_keyboard_chooses_its_row_and_focus_follows(page: Page, live_server):
    world = build_world()
    to_drop_off(page, live_server.url)
    relay_radio = page.get_by_role("radio", name=re.compile("Tabac de la Guillotière"))
    locker_radio = page.get_by_role("radio", name=re.compile("Locker Gare Part-Dieu"))
    relay_pin = page.get_by_role("button", name=re.compile("Tabac de la Guillotière"))
    locker_pin = page.get_by_role("button", name=re.compile("Locker Gare Part-Dieu"))

    # The pins come after the list in the tab order.
    page.locator("[data-option] .option__radio").first.focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        if relay_pin.evaluate("element => element === document.activeElement"):
            break
    expect(relay_pin).to_be_focused()
    page.keyboard.press("Enter")
    expect(relay_radio).to_be_checked()
    expect(relay_radio).to_be_focused()
    expect(relay_pin).to_have_attribute("aria-pressed", "true")

    # Back in the list, the arrow keys move the choice; the map follows.
    locker_pin.focus()
    page.keyboard.press(" ")
    expect(locker_radio).to_be_checked()
    expect(locker_pin).to_have_attribute("aria-pressed", "true")
    expect(relay_pin).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Enter")  # submits the form from the focused radio
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check")
    expect(page.locator(".summary")).to_contain_text(world.locker.name)


def test_filters_by_kind_hide_rows_and_pins_and_say_how_many(page: Page, live_server):
    build_world()
    to_drop_off(page, live_server.url)
    expect(shown_rows(page)).to_have_count(5)
    expect(page.get_by_role("button", name="Show these places")).to_be_hidden()  # the script filters at once

    page.locator(".chip", has_text="Lockers").click()
    expect(shown_rows(page)).to_have_count(1)
    expect(shown_rows(page).first).to_contain_text("Locker Gare Part-Dieu")
    expect(page.locator(PINS)).to_have_count(1)
    expect(page.locator("[data-filter-status]")).to_have_text("1 option shown: Lockers.")
    assert "kind=locker" in page.url  # a reload keeps the filter

    # The chips are a radio group: the arrow keys go from one kind to the next.
    chips = page.locator("[data-kind-filter]")
    chips.get_by_role("radio", name=re.compile("^Lockers")).focus()
    page.keyboard.press("ArrowRight")
    expect(chips.get_by_role("radio", name=re.compile("^Post offices"))).to_be_checked()
    expect(shown_rows(page)).to_have_count(1)
    expect(shown_rows(page).first).to_contain_text("La Poste Lyon Préfecture")
    page.keyboard.press("ArrowRight")
    expect(shown_rows(page)).to_have_count(1)
    expect(shown_rows(page).first).to_contain_text("Home pickup")
    expect(page.locator(PINS)).to_have_count(0)

    page.reload()
    expect(chips.get_by_role("radio", name=re.compile("^At home"))).to_be_checked()
    page.locator(".chip", has_text="All").click()
    expect(shown_rows(page)).to_have_count(5)
    expect(page.locator(PINS)).to_have_count(4)
    assert "kind=" not in page.url


def test_each_point_shows_the_coming_days(page: Page, live_server):
    build_world()
    to_drop_off(page, live_server.url)
    row = page.locator("[data-option]", has_text="Tabac de la Guillotière")
    table = row.locator(".hours__table")
    expect(table).to_be_hidden()
    row.locator("summary").click()
    expect(table).to_be_visible()
    expect(table.locator("tr")).to_have_count(7)
    expect(table.locator("th").nth(0)).to_have_text("Today")
    expect(table.locator("th").nth(1)).to_have_text("Tomorrow")
    expect(row.get_by_text("No printer needed")).to_be_visible()
    # Opening the hours does not choose the place.
    expect(row.get_by_role("radio")).not_to_be_checked()


def test_without_javascript_the_step_is_a_plain_list_that_filters_and_chooses(browser, live_server):
    build_world()
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        to_drop_off(page, live_server.url)
        expect(page.locator("[data-map]")).to_be_hidden()
        expect(shown_rows(page)).to_have_count(5)
        expect(page.get_by_label("Pickup date")).to_be_visible()  # home pickup's fields are simply there

        page.get_by_role("radio", name=re.compile("^Post offices")).check()
        page.get_by_role("button", name="Show these places").click()
        expect(shown_rows(page)).to_have_count(1)
        page.get_by_role("radio", name=re.compile("La Poste Lyon Préfecture")).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".summary")).to_contain_text("At a post office")
        assert_accessible_basics(page)
    finally:
        context.close()


def test_when_leaflet_fails_to_load_the_list_and_its_filters_still_work(page: Page, live_server):
    world = build_world()
    page.route("**/vendor/leaflet/leaflet.js", lambda route: route.abort())
    to_drop_off(page, live_server.url)
    expect(page.locator("[data-map]")).to_be_hidden()
    expect(page.locator(".option__pin").first).to_be_hidden()  # the numbers refer to a map that is not there
    page.locator(".chip", has_text="Relay points").click()
    expect(shown_rows(page)).to_have_count(1)
    page.get_by_role("radio", name=re.compile("Tabac de la Guillotière")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".summary")).to_contain_text(world.relay.name)


class _TileServer(ThreadingHTTPServer):
    """A tile server on 127.0.0.1: answers every /z/x/y.png with a small PNG and keeps what it was asked."""

    def __init__(self) -> None:
        png = io.BytesIO()
        Image.new("RGB", (256, 256), (222, 230, 220)).save(png, format="PNG")
        self.png = png.getvalue()
        self.asked: list[tuple[str, str]] = []
        super().__init__(("127.0.0.1", 0), _TileHandler)


class _TileHandler(BaseHTTPRequestHandler):
    server: _TileServer

    def do_GET(self):  # noqa: N802 - the standard library's name
        self.server.asked.append((self.path, self.headers.get("Referer", "")))
        if not re.fullmatch(r"/\d+/\d+/\d+\.png", self.path):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.server.png)))
        self.end_headers()
        self.wfile.write(self.server.png)

    def log_message(self, *args):
        pass


def test_tiles_come_from_the_server_the_setting_names(page: Page, live_server, settings):
    build_world()
    server = _TileServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.RMA_MAP_TILE_URL = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        settings.RMA_MAP_TILE_ATTRIBUTION = "© Test tiles"
        to_drop_off(page, live_server.url)
        expect(page.locator("img.leaflet-tile-loaded").first).to_be_visible()
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("© Test tiles")
        assert server.asked
        assert all(re.fullmatch(r"/1\d/\d+/\d+\.png", path) for path, _referer in server.asked), server.asked
        # The tile server learns which site asks, not which page: origin only.
        assert {referer for _path, referer in server.asked} == {live_server.url + "/"}
    finally:
        server.shutdown()
        server.server_close()


def test_a_phone_sees_the_step_in_a_few_screens_with_the_demo_data(page: Page, live_server, shots, settings):
    call_command("seed_demo", stdout=StringIO())
    orders = orders_to_try()
    assert orders
    page.set_viewport_size(PHONE)
    for index, (order, _lines) in enumerate(orders):
        page.context.clear_cookies()
        to_drop_off(page, live_server.url, number=order.number, email=order.customer_email)
        expect(page.locator("[data-map]")).to_be_visible()
        height = page.evaluate("document.documentElement.scrollHeight")
        width = page.evaluate("document.documentElement.scrollWidth")
        shots(page, f"phone-drop-off-demo-{index + 1}")
        assert height <= 3 * PHONE["height"], f"{order.number}: {height}px"
        assert width <= PHONE["width"], f"{order.number} overflows sideways: {width}px"
        # No place farther than its kind's maximum, shown or not.
        for row in page.locator("[data-option][data-km]").all():
            kind, km = row.get_attribute("data-kind"), float(row.get_attribute("data-km"))
            assert km <= settings.RMA_DROP_OFF_MAX_KM[kind], (order.number, kind, km)
        more = page.locator("[data-show-more]")
        if more.is_visible():
            assert page.locator("[data-option][hidden]").count() > 0
            more.click()
            expect(page.locator("[data-option][hidden]")).to_have_count(0)
            expect(page.locator("[data-option] .option__radio").nth(6)).to_be_focused()
        assert_accessible_basics(page)
