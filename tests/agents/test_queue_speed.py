"""The review queue reads a page of waiting returns straight out of its partial index, in order, and counts the
lines of the rows shown only: its cost does not grow with the number of returns waiting or with their lines."""

import pytest
from django.urls import reverse

from rma.returns.selectors import return_requests_needing_review
from tests.plans import plan_in_index_order

pytestmark = pytest.mark.django_db


def test_the_queue_counts_each_return_s_lines(client, camille, flagged):
    client.force_login(camille)
    flagged(email="one@example.com")
    flagged(email="three@example.com", lines=3)
    response = client.get(reverse("agents:queue"))
    assert response.status_code == 200
    counts = {row.return_request.contact_email: row.return_request.line_count for row in response.context["rows"]}
    assert counts == {"one@example.com": 1, "three@example.com": 3}


def test_the_queue_groups_no_row_and_joins_no_line():
    query = return_requests_needing_review().query
    assert query.group_by is None
    assert "returns_returnline" not in query.alias_map


def test_a_page_of_the_queue_reads_its_index_in_order_on_postgresql(postgres_only, flagged):
    flagged(email="a@example.com")
    flagged(email="b@example.com", lines=2)
    plan = plan_in_index_order(return_requests_needing_review()[:25])
    assert "Index Scan using returns_review_queue on returns_returnrequest" in plan, plan
    # The sub-query counting lines runs above the limit: for the rows shown, not for every waiting return.
    assert "Sort" not in plan, plan
    assert "HashAggregate" not in plan.split("SubPlan")[0], plan
