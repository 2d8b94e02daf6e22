"""The customer's pages after the journey (confirmation, tracking, status, label download) cost a pinned number of
queries, the same for a return of one item as for one of two with a longer history."""

import pytest
from django.test import Client
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_transition
from tests.helpers import get_queries
from tests.orders.factories import OrderLineFactory
from tests.portal.helpers import (
    confirm,
    lookup,
    through_drop_off,
)

pytestmark = pytest.mark.django_db
# Pinned, one per page.
CONFIRMATION_QUERIES = 11
TRACKING_QUERIES = 12
STATUS_QUERIES = 3
LABEL_QUERIES = 3
ORDER_ITEMS_QUERIES = 8


def _returned(client, world, items: dict[int, int]) -> ReturnRequest:
    client.cookies.clear()
    assert through_drop_off(client, world, items=items).status_code == 302
    assert confirm(client).status_code == 302
    return ReturnRequest.objects.filter(order=world.order).latest("id")


def _pages(client, return_request: ReturnRequest) -> tuple[int, int, int]:
    kwargs = {"public_id": return_request.public_id}
    return (
        get_queries(client, reverse("portal:confirmation", kwargs=kwargs)),
        get_queries(Client(), reverse("portal:tracking", kwargs=kwargs)),
        get_queries(Client(), reverse("portal:status", kwargs=kwargs)),
    )


def test_the_pages_after_the_journey_cost_the_same_for_one_item_or_two(client, world):
    one = _pages(client, _returned(client, world, {world.shirt.pk: 1}))
    two = _returned(client, world, {world.shirt.pk: 1, world.mug.pk: 1})
    return_request_transition(return_request=two, to=ReturnStatus.IN_TRANSIT, note="Dropped off.")
    assert one == _pages(client, two) == (CONFIRMATION_QUERIES, TRACKING_QUERIES, STATUS_QUERIES)


def test_the_label_download_costs_the_same_for_one_line_or_three(
    make_return, shop, django_capture_on_commit_callbacks
):
    counts = []
    for lines in (1, 3):
        with django_capture_on_commit_callbacks(execute=True):
            return_request = make_return(store=shop, lines=lines)
        counts.append(
            get_queries(Client(), reverse("customer-label-pdf", kwargs={"public_id": return_request.public_id}))
        )
    assert counts == [LABEL_QUERIES, LABEL_QUERIES]


def test_the_order_s_items_page_costs_the_same_with_more_lines_and_returns(client, world):
    """The customer's order (the first step after the lookup): every line with what may still be returned."""
    assert lookup(client).status_code == 302
    few = get_queries(client, reverse("portal:items"))
    OrderLineFactory.create_batch(4, order=world.order, quantity=2)
    _returned(client, world, {world.shirt.pk: 1})
    assert lookup(client).status_code == 302
    more = get_queries(client, reverse("portal:items"))
    assert (few, more) == (ORDER_ITEMS_QUERIES, ORDER_ITEMS_QUERIES)
