"""Two workers draining the same waiting requests at once (PostgreSQL row locks): each request is made once."""

import pytest
from django.db import connection

from rma.returns.api.creation import intake_return_make
from rma.returns.intake import return_intakes_drain
from rma.returns.models import ReturnIntake, ReturnRequest
from tests.helpers import run_in_threads
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAITING = 12


def _drain():
    try:
        return return_intakes_drain(make=intake_return_make)
    finally:
        connection.close()  # each thread's own connection


def test_two_runs_at_once_make_each_waiting_return_once(
    postgres_only, integration_user, policy, warehouse, reason, relay
):
    """A burst that waits for the worker (as the API keeps them: rma/returns/intake.py return_intake_accept)."""
    for _ in range(WAITING):
        order = OrderFactory()
        line = OrderLineFactory(order=order, quantity=1)
        body = {
            "order": order.external_id,
            "lines": [{"order_line": line.external_id, "quantity": 1, "reason": reason.code}],
            "drop_off": {"method": "relay_point", "point_id": relay.pk},
            "submit": True,
        }
        ReturnIntake.objects.create(actor=integration_user, payload=body, language="fr")

    first, second = run_in_threads(_drain, _drain)

    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second
    assert first["created"] + second["created"] == WAITING
    assert first["failed"] == second["failed"] == 0
    assert ReturnRequest.objects.count() == WAITING
    made = list(ReturnIntake.objects.values_list("return_request_id", flat=True))
    assert None not in made
    assert len(set(made)) == WAITING
