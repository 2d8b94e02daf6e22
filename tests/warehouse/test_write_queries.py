"""Receiving a parcel at the dock costs a fixed number of statements, whatever the return's number of lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for

pytestmark = pytest.mark.django_db
# Pinned (the request's transaction is a savepoint here): a statement more per scan shows here, one per line as a
# difference between the two returns.
SCAN_RECEIVE_QUERIES = 18


def test_a_scan_receives_a_return_of_five_lines_in_the_statements_of_one_of_one_line(operator, make_return):
    api = client_for(operator)
    counts = []
    for lines, tracking_number in ((1, "RP123456785FR"), (5, "RP223456781FR")):
        make_return(lines=lines, tracking_number=tracking_number)
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/warehouse/scan/", {"code": tracking_number}, format="json")
        assert response.json()["outcome"] == "received"
        counts.append(len(queries))
    assert counts == [SCAN_RECEIVE_QUERIES, SCAN_RECEIVE_QUERIES]
