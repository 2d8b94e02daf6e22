"""The customer's steps and pages not pinned elsewhere (the landing page, each step's answer, the review page,
leaving, photos, cancelling, correcting a refused label's address, the ZPL label) cost a pinned number of
statements: a statement more per request shows here, one per item, photo or point as a difference between the
small and the big case."""

import pytest
from django.test import Client
from django.urls import reverse

from rma.portal.session import SESSION_KEY
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPhoto, ReturnRequest
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.helpers import get_queries, queries_of
from tests.locations.factories import DropOffPointFactory
from tests.orders.factories import OrderLineFactory
from tests.portal.conftest import image_bytes
from tests.portal.helpers import (
    choose_items,
    choose_point,
    choose_resolution,
    confirm,
    give_reasons,
    lookup,
    through_drop_off,
)
from tests.portal.world import World

pytestmark = pytest.mark.django_db
# Pinned, one per request. Every request but the landing page's reads the session; a step also reads the order.
# The landing page: only the request's savepoint and its release (ATOMIC_REQUESTS), no session yet.
LANDING_QUERIES = 2
# Leaving: the session read, then written without the order (each write in its own savepoint).
END_SESSION_QUERIES = 6
ITEMS_CHOSEN_QUERIES = 11
# The reasons step reads the active reasons once for every item's form (and those that ask for a photo).
REASONS_PAGE_QUERIES = 7
REASONS_GIVEN_QUERIES = 9
PHOTOS_SENT_QUERIES = 9  # the photos go to storage and the session, not to a table
STAGED_PHOTO_QUERIES = 4  # savepoint, session, order, release
PHOTO_REMOVED_QUERIES = 7
# The order's lines and the variants of every chosen item's product in one read (CatalogueShopClient read-ahead).
RESOLUTION_CHOSEN_QUERIES = 12
POINT_CHOSEN_QUERIES = 9
POSTCODE_SEARCH_QUERIES = 5
NEAR_HOME_QUERIES = 5
REVIEW_PAGE_QUERIES = 11
# The return with its lines, their order lines and reasons, its events, its store credit, refund and label.
CANCEL_PAGE_QUERIES = 10
# The same reads, then the locked return, its status, the order lines' counts (one UPDATE for all), the event, the
# email in the outbox, the label voided and the shop order looked up, in savepoints.
CANCEL_QUERIES = 22
ADDRESS_PAGE_QUERIES = 4  # the label with its return, the return with its order
ADDRESS_FIX_QUERIES = 8  # the same, then the label locked and written back to pending
RETURN_PHOTO_QUERIES = 4  # the session and the photo, in the request's savepoint
LABEL_ZPL_QUERIES = 3  # as the PDF (tests/portal/test_page_queries.py)

REFUSAL = "The carrier does not know the postcode 69003: please check it."
CORRECTED = {
    "sender-name": "Chloé Martin",
    "sender-line1": "12 rue de Marseille",
    "sender-postcode": "69007",
    "sender-city": "Lyon",
    "sender-country": "FR",
}
KINDS = ("store", "relay_point", "locker", "post_office")


def _items(world: World, big: bool) -> dict[int, int]:
    """The shirt alone, or the shirt, the candle and two more lines of the order (added for the big case)."""
    if not big:
        return {world.shirt.pk: 1}
    more = OrderLineFactory.create_batch(2, order=world.order, quantity=2)
    return {world.shirt.pk: 1, world.mug.pk: 1, **{line.pk: 1 for line in more}}


def _reasons(items: dict[int, int], world: World) -> dict[int, int]:
    return dict.fromkeys(items, world.too_small.pk)


def _returned(client, world: World, items: dict[int, int], photos: int = 0) -> ReturnRequest:
    """A return made through the portal by `client`'s session (too small, or damaged with `photos` each)."""
    client.cookies.clear()
    assert lookup(client).status_code == 302
    assert choose_items(client, items).status_code == 302
    if photos:
        files = [(f"IMG_{n}.jpg", image_bytes(), "image/jpeg") for n in range(photos)]
        given = give_reasons(client, dict.fromkeys(items, world.damaged.pk), dict.fromkeys(items, files))
    else:
        given = give_reasons(client, _reasons(items, world))
    assert given.status_code == 302
    assert choose_resolution(client).status_code == 302
    assert choose_point(client, world.relay.pk).status_code == 302
    assert confirm(client).status_code == 302
    return ReturnRequest.objects.filter(order=world.order).latest("id")


# ---- before and along the journey


def test_the_landing_page_and_leaving_cost_a_fixed_few_statements(client, world):
    landing = get_queries(Client(), reverse("portal:lookup"))
    assert lookup(client).status_code == 302
    left = queries_of(lambda: client.post(reverse("portal:end_session")))
    # Gone: the next step sends the customer back to the lookup.
    assert client.get(reverse("portal:items"))["Location"] == reverse("portal:lookup")
    assert (landing, left) == (LANDING_QUERIES, END_SESSION_QUERIES)


def test_choosing_the_items_costs_the_same_for_one_item_or_four(world):
    counts = []
    for big in (False, True):
        client = Client()
        items = _items(world, big)
        assert lookup(client).status_code == 302
        counts.append(queries_of(lambda: choose_items(client, items)))  # noqa: B023
        assert client.get(reverse("portal:reasons")).status_code == 200  # the items were kept: the next step opens
    assert counts == [ITEMS_CHOSEN_QUERIES, ITEMS_CHOSEN_QUERIES]


def test_the_reasons_step_costs_the_same_for_one_item_or_four(world):
    counts = []
    for big in (False, True):
        client = Client()
        items = _items(world, big)
        assert lookup(client).status_code == 302
        assert choose_items(client, items).status_code == 302
        page = get_queries(client, reverse("portal:reasons"))
        given = queries_of(lambda: give_reasons(client, _reasons(items, world)))  # noqa: B023
        assert client.get(reverse("portal:resolution")).status_code == 200  # the reasons were kept
        counts.append((page, given))
    assert counts == [(REASONS_PAGE_QUERIES, REASONS_GIVEN_QUERIES)] * 2


def test_sending_seeing_and_removing_photos_costs_the_same_for_one_or_eight(world):
    """One photo of one item, or two of each of four items: the photos are kept in storage and the session."""
    counts = []
    for big in (False, True):
        client = Client()
        items = _items(world, big)
        files = [(f"IMG_{n}.jpg", image_bytes(), "image/jpeg") for n in range(2 if big else 1)]
        assert lookup(client).status_code == 302
        assert choose_items(client, items).status_code == 302
        sent = queries_of(
            lambda: give_reasons(client, dict.fromkeys(items, world.damaged.pk), dict.fromkeys(items, files))  # noqa: B023
        )
        staged = client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"]
        seen = get_queries(client, reverse("portal:staged_photo", args=[staged[0]["id"]]))
        removed = queries_of(lambda: client.post(reverse("portal:reasons"), {"remove_photo": staged[0]["id"]}))  # noqa: B023
        assert len(client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"]) == len(files) - 1
        counts.append((sent, seen, removed))
    assert counts == [(PHOTOS_SENT_QUERIES, STAGED_PHOTO_QUERIES, PHOTO_REMOVED_QUERIES)] * 2


def test_choosing_the_resolution_costs_the_same_for_one_item_or_four(world):
    counts = []
    for big in (False, True):
        client = Client()
        items = _items(world, big)
        assert lookup(client).status_code == 302
        assert choose_items(client, items).status_code == 302
        assert give_reasons(client, _reasons(items, world)).status_code == 302
        counts.append(queries_of(lambda: choose_resolution(client)))  # noqa: B023
        assert client.get(reverse("portal:drop_off")).status_code == 200  # the resolution was kept
    assert counts == [RESOLUTION_CHOSEN_QUERIES, RESOLUTION_CHOSEN_QUERIES]


def _points(count: int) -> None:
    """`count` more points of each kind near the customer."""
    for index in range(count):
        for kind in KINDS:
            offset = 0.002 * (index + 1)
            DropOffPointFactory(kind=kind, latitude=45.76 + offset, longitude=4.84 + offset)


def test_choosing_a_point_costs_the_same_with_more_points_around(world):
    counts = []
    for more in (0, 6):
        _points(more)
        client = Client()
        assert lookup(client).status_code == 302
        assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
        assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
        assert choose_resolution(client).status_code == 302
        counts.append(queries_of(lambda: choose_point(client, world.relay.pk)))  # noqa: B023
        assert client.get(reverse("portal:review")).status_code == 200  # the point was kept
    assert counts == [POINT_CHOSEN_QUERIES, POINT_CHOSEN_QUERIES]


def test_searching_another_postcode_and_back_home_cost_a_fixed_few_statements(client, world):
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
    assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
    assert choose_resolution(client).status_code == 302
    url = reverse("portal:drop_off")
    searched = queries_of(lambda: client.post(url, {"action": "search", "search-postcode": "75011"}))
    assert client.session[SESSION_KEY]["search_postcode"] == "75011"
    home = queries_of(lambda: client.post(url, {"action": "near_home"}))
    assert "search_postcode" not in client.session[SESSION_KEY]
    assert (searched, home) == (POSTCODE_SEARCH_QUERIES, NEAR_HOME_QUERIES)


def test_the_review_page_costs_the_same_for_one_item_or_four(world):
    counts = []
    for big in (False, True):
        client = Client()
        items = _items(world, big)
        assert through_drop_off(client, world, items=items).status_code == 302
        counts.append(get_queries(client, reverse("portal:review")))
    assert counts == [REVIEW_PAGE_QUERIES, REVIEW_PAGE_QUERIES]


# ---- after the journey


def test_cancelling_costs_the_same_for_a_return_of_one_item_or_two(client, world):
    warm_up = _returned(client, world, {world.shirt.pk: 1})
    cancel = reverse("portal:cancel", kwargs={"public_id": warm_up.public_id})
    assert Client().post(cancel).status_code == 302  # frees the shirt for the two below
    one = _returned(client, world, {world.shirt.pk: 1})
    two = _returned(client, world, {world.shirt.pk: 1, world.mug.pk: 1})
    counts = []
    for return_request in (one, two):
        url = reverse("portal:cancel", kwargs={"public_id": return_request.public_id})
        page = get_queries(Client(), url)
        cancelled = queries_of(lambda: Client().post(url))  # noqa: B023
        return_request.refresh_from_db()
        assert return_request.status == ReturnStatus.CANCELLED
        counts.append((page, cancelled))
    assert counts == [(CANCEL_PAGE_QUERIES, CANCEL_QUERIES)] * 2


def _refused(return_request: ReturnRequest) -> Label:
    """The return's label, refused by the carrier for an address the customer can correct."""
    Label.objects.filter(return_request=return_request).update(
        status=LabelStatus.FAILED, customer_error=REFUSAL, error_code="postcode_unknown"
    )
    return Label.objects.get(return_request=return_request)


def test_correcting_a_refused_label_s_address_costs_the_same_for_one_item_or_two(client, world):
    other = OrderLineFactory(order=world.order, quantity=2)
    warm_up = _refused(_returned(client, world, {world.mug.pk: 1}))
    one = _refused(_returned(client, world, {world.shirt.pk: 1}))
    two = _refused(_returned(client, world, {world.shirt.pk: 1, other.pk: 1}))
    first = reverse("portal:label_address", kwargs={"public_id": warm_up.return_request.public_id})
    assert Client().post(first, CORRECTED).status_code == 302
    counts = []
    for label in (one, two):
        url = reverse("portal:label_address", kwargs={"public_id": label.return_request.public_id})
        page = get_queries(Client(), url)
        corrected = queries_of(lambda: Client().post(url, CORRECTED))  # noqa: B023
        label.refresh_from_db()
        assert (label.status, label.sender_address["postcode"]) == (LabelStatus.PENDING, "69007")
        counts.append((page, corrected))
    assert counts == [(ADDRESS_PAGE_QUERIES, ADDRESS_FIX_QUERIES)] * 2


def test_a_photo_sent_costs_the_same_among_one_or_four(world):
    """The customer sees a photo they sent, in the session that sent it: one photo of one item, or two of two."""
    counts = []
    for items, photos in (({world.shirt.pk: 1}, 1), ({world.shirt.pk: 1, world.mug.pk: 1}, 2)):
        client = Client()
        return_request = _returned(client, world, items, photos=photos)
        photo = ReturnPhoto.objects.filter(return_line__return_request=return_request).latest("id")
        url = reverse("portal:return_photo", kwargs={"public_id": return_request.public_id, "photo_id": photo.pk})
        counts.append(get_queries(client, url))
    assert counts == [RETURN_PHOTO_QUERIES, RETURN_PHOTO_QUERIES]


def test_the_zpl_label_download_costs_the_same_for_one_line_or_three(
    make_return, shop, django_capture_on_commit_callbacks
):
    counts = []
    for lines in (1, 3):
        with django_capture_on_commit_callbacks(execute=True):
            return_request = make_return(store=shop, lines=lines)
        url = reverse("customer-label-zpl", kwargs={"public_id": return_request.public_id})
        counts.append(get_queries(Client(), url))
    assert counts == [LABEL_ZPL_QUERIES, LABEL_ZPL_QUERIES]
