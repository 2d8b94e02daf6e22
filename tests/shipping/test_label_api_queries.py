"""A return's label through the API (`/api/v1/returns/<id>/label/` and its file) costs a pinned number of queries,
the same for a return of one line as for one of three."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.shipping.labels import label_bytes

pytestmark = pytest.mark.django_db
# Pinned: a query more per request shows here; one per line shows between the two returns.
LABEL_QUERIES = 5
LABEL_FILE_QUERIES = 5


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        if response.streaming:
            label_bytes(response)
    return len(queries)


def test_a_label_costs_the_same_for_a_return_of_one_line_or_three(
    integration, make_return, shop, django_capture_on_commit_callbacks
):
    counts = []
    for lines in (1, 3):
        with django_capture_on_commit_callbacks(execute=True):
            return_request = make_return(store=shop, lines=lines)
        base = f"/api/v1/returns/{return_request.public_id}/label"
        counts.append((_count(integration, f"{base}/"), _count(integration, f"{base}.pdf")))
    assert counts == [(LABEL_QUERIES, LABEL_FILE_QUERIES)] * 2
