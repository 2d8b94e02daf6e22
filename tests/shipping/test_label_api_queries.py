"""A return's label through the API (`/api/v1/returns/<id>/label/` and its file) costs a pinned number of queries,
the same for a return of one line as for one of three."""

import pytest

from tests.helpers import get_queries

pytestmark = pytest.mark.django_db
# Pinned: a query more per request shows here; one per line shows between the two returns.
LABEL_QUERIES = 4
LABEL_FILE_QUERIES = 4


def test_a_label_costs_the_same_for_a_return_of_one_line_or_three(
    integration, make_return, shop, django_capture_on_commit_callbacks
):
    counts = []
    for lines in (1, 3):
        with django_capture_on_commit_callbacks(execute=True):
            return_request = make_return(store=shop, lines=lines)
        base = f"/api/v1/returns/{return_request.public_id}/label"
        counts.append((get_queries(integration, f"{base}/"), get_queries(integration, f"{base}.pdf")))
    assert counts == [(LABEL_QUERIES, LABEL_FILE_QUERIES)] * 2
