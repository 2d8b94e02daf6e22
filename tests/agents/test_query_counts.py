"""Customer service's pages cost a fixed number of queries, whatever the number of returns waiting or of lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import get_queries

pytestmark = pytest.mark.django_db
# Pinned: a query more per page shows here; one per row shows as a difference between the small and big cases.
# The customer history is two queries for the whole page (their orders, their returns), as the email-only history it
# replaced, plus one finding the addresses and phones too many customers share; another, what the warehouse found,
# once one of those returns has been received.
QUEUE_QUERIES = 11
DETAIL_QUERIES = 14
NOTE_ADD_QUERIES = 9


def test_the_queue_costs_the_same_for_two_returns_or_ten(client, camille, flagged):
    client.force_login(camille)
    for index in range(2):
        flagged(email=f"customer{index}@example.com")
    small = get_queries(client, reverse("agents:queue"))
    for index in range(2, 10):
        flagged(email=f"customer{index}@example.com")
    big = get_queries(client, reverse("agents:queue"))
    assert (small, big) == (QUEUE_QUERIES, QUEUE_QUERIES)


def test_a_return_s_page_costs_the_same_for_one_line_or_five(client, camille, flagged):
    client.force_login(camille)
    one = flagged()
    five = flagged(lines=5)
    small = get_queries(client, reverse("agents:return", args=[one.public_id]))
    big = get_queries(client, reverse("agents:return", args=[five.public_id]))
    assert (small, big) == (DETAIL_QUERIES, DETAIL_QUERIES)


def test_adding_a_note_costs_the_same_for_the_first_or_the_sixth(client, camille, flagged):
    client.force_login(camille)
    return_request = flagged()
    url = reverse("agents:note-add", args=[return_request.public_id])

    def add(body: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"body": body})
        assert response.status_code == 302
        return len(queries)

    first = add("Called the customer.")
    for index in range(4):
        add(f"Note {index}.")
    sixth = add("The parcel is on its way.")
    assert (first, sixth) == (NOTE_ADD_QUERIES, NOTE_ADD_QUERIES)
