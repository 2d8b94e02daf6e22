"""The drop-off step as the server renders it: the farthest distance per kind, the filter by kind without
JavaScript, the coming days of each point, and what the map is drawn from."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import require
from tests.locations.factories import DropOffPointFactory
from tests.portal.helpers import choose_items, choose_point, choose_resolution, give_reasons, lookup, text
from tests.portal.world import World

pytestmark = pytest.mark.django_db
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _language_restored():
    # A request in English leaves English active in this thread: the next test expects the site's default.
    yield
    translation.deactivate()


class _Page(HTMLParser):
    """The option rows (li[data-option]: attributes and text) and the map box's attributes of a rendered page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.map: dict | None = None
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value or "").replace("\xa0", " ") for name, value in attrs}
        if self._depth:
            self.rows[-1]["text"] += " "  # cells and paragraphs read apart
        if tag == "li" and "data-option" in attributes:
            self.rows.append({"attrs": attributes, "text": ""})
            self._depth = 1
        elif self._depth and tag == "li":
            self._depth += 1
        if "data-map" in attributes:
            self.map = attributes

    def handle_endtag(self, tag):
        if self._depth and tag == "li":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.rows[-1]["text"] += data.replace("\xa0", " ")

    def shown(self) -> list[str]:
        return [" ".join(r["text"].split()) for r in self.rows if "hidden" not in r["attrs"]]


def at_drop_off(client, world: World, query: str = ""):
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
    assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
    assert choose_resolution(client).status_code == 302
    return client.get(reverse("portal:drop_off") + query, **ENGLISH)


def test_no_shop_farther_than_its_kinds_maximum_is_offered(client, world, settings):
    # The customer lives in Lyon 3e. A shop in Villeurbanne (about 3 km) is offered; one in Paris (about 390 km)
    # never is, although the search finds fewer than three shops nearer.
    DropOffPointFactory(kind="store", carrier="shop", name="Maison Lumière Villeurbanne", latitude=45.7719,
                        longitude=4.8902, postcode="69100", city="Villeurbanne")  # fmt: skip
    DropOffPointFactory(kind="store", carrier="shop", name="Maison Lumière Paris Rivoli", latitude=48.8606,
                        longitude=2.3376, postcode="75001", city="Paris")  # fmt: skip
    page = _Page(at_drop_off(client, world).content.decode())
    names = " | ".join(page.shown())
    assert "Maison Lumière Villeurbanne" in names
    assert "Maison Lumière Lyon Part-Dieu" in names
    assert "Paris Rivoli" not in names

    settings.RMA_DROP_OFF_MAX_KM = {"store": 0.5, "relay_point": 20, "locker": 20, "post_office": 20}
    response = client.get(reverse("portal:drop_off"), **ENGLISH)
    page = _Page(response.content.decode())
    assert not [row for row in page.rows if row["attrs"]["data-kind"] == "store"]
    assert "No shop within 0.5 km." in text(response)
    assert "Tabac de la Guillotière" in " | ".join(page.shown())  # the other kinds are as before


def test_the_filter_by_kind_works_without_javascript_and_keeps_the_chosen_place(client, world):
    page = _Page(at_drop_off(client, world, "?kind=locker").content.decode())
    assert [row["attrs"]["data-kind"] for row in page.rows if "hidden" not in row["attrs"]] == ["locker"]
    assert len(page.rows) == 5  # every option is in the page (a script may show them again), only hidden

    # Once a relay point is chosen, coming back to the step filtered on lockers still shows it.
    assert choose_point(client, world.relay.pk).status_code == 302
    page = _Page(client.get(reverse("portal:drop_off") + "?kind=locker", **ENGLISH).content.decode())
    shown_kinds = {row["attrs"]["data-kind"] for row in page.rows if "hidden" not in row["attrs"]}
    assert shown_kinds == {"locker", "relay_point"}

    # A kind the page does not know, or one with nothing near, shows everything.
    for query in ("?kind=teleport", "?kind=<script>"):
        page = _Page(client.get(reverse("portal:drop_off") + query, **ENGLISH).content.decode())
        assert len(page.shown()) == len(page.rows) == 5


def test_each_point_shows_its_coming_days_with_an_exceptional_closure(client, world):
    today = timezone.localdate()
    world.post_office.closures = [{"start": today.isoformat(), "end": (today + timedelta(days=1)).isoformat()}]
    world.post_office.save()
    page = _Page(at_drop_off(client, world).content.decode())
    post_office = next(text for text in page.shown() if "La Poste Lyon Préfecture" in text)
    assert "Today: Closed · Exceptional closure" in post_office
    assert "Tomorrow Closed Exceptional closure" in post_office
    relay = next(text for text in page.shown() if "Tabac de la Guillotière" in text)
    assert relay.count("Closed") <= 2  # Sundays (and a public holiday) at most in a week
    assert "9:00–12:30, 14:00–19:00" in relay  # two slots a day, 24-hour clock
    locker = next(text for text in page.shown() if "Locker Gare Part-Dieu" in text)
    assert "Today: Open 24 hours" in locker


def test_the_rows_carry_what_the_map_draws_and_the_tiles_are_a_setting(client, world, settings):
    response = at_drop_off(client, world)
    html = response.content.decode()
    page = _Page(html)
    points = [row["attrs"] for row in page.rows if row["attrs"]["data-kind"] != "home_pickup"]
    assert [int(p["data-number"]) for p in points] == [1, 2, 3, 4]
    relay = next(p for p in points if p["data-name"] == "Tabac de la Guillotière")
    assert (float(relay["data-lat"]), float(relay["data-lon"])) == (45.7590, 4.8440)
    assert relay["data-map-label"].endswith("Tabac de la Guillotière, Relay point, 160 m")
    # The customer's place is the order's address; no tile server unless one is set.
    assert page.map is not None
    assert (float(page.map["data-lat"]), float(page.map["data-lon"])) == (45.7597, 4.8422)
    assert page.map["data-tile-url"] == ""
    assert "hidden" in page.map  # shown by the script once Leaflet is there
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet/leaflet.css" in html

    settings.RMA_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.RMA_MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    page = _Page(client.get(reverse("portal:drop_off"), **ENGLISH).content.decode())
    assert page.map["data-tile-url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert page.map["data-tile-attribution"] == "© OpenStreetMap contributors"


def test_an_unknown_postcode_leaves_home_pickup_and_no_map(client, world):
    at_drop_off(client, world)
    response = client.post(reverse("portal:drop_off"), {"action": "search", "search-postcode": "99999"})
    assert response.status_code == 302
    response = client.get(reverse("portal:drop_off"), **ENGLISH)
    assert response.status_code == 400
    page = _Page(response.content.decode())
    assert "We do not know this postcode" in text(response)
    assert [row["attrs"]["data-kind"] for row in page.rows] == ["home_pickup"]
    assert page.map is None


def test_leaflet_is_served_from_the_npm_install():
    require(
        finders.find("vendor/leaflet/leaflet.js") is not None,
        "Leaflet (node_modules/leaflet)",
        "npm ci --ignore-scripts (make install does it)",
    )
    assert finders.find("vendor/leaflet/leaflet.css") is not None
