"""`POST /api/v1/returns/` with `Prefer: respond-async`: answered 202 at once, the return made by the worker's task
(run here as the worker runs it), its outcome read at `Location` — the same return, or the same error, as the
synchronous call (the real worker on Redis: tests/workers/test_intake_worker.py)."""

import pytest

from rma.returns.intake import return_intakes_drain
from rma.returns.models import IntakeStatus, ReturnIntake, ReturnRequest
from rma.returns.tasks import return_intakes_drain_task
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

ASYNC = {"HTTP_PREFER": "respond-async"}


@pytest.fixture
def body(policy, warehouse, reason, relay, order_line):
    return {
        "order": "shop-1",
        "lines": [{"order_line": "L1", "quantity": 1, "reason": "too-small", "comment": "Taille trop juste"}],
        "resolution": "refund",
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
        "submit": True,
    }


def _drain() -> dict[str, int]:
    """One run of the worker's task, as the worker runs it."""
    return return_intakes_drain_task.apply().get()


def _accept(client, body, **headers):
    response = client.post("/api/v1/returns/", body, format="json", **ASYNC, **headers)
    assert response.status_code == 202, response.content
    return response


def test_accepted_at_once_then_made_by_the_worker_as_the_synchronous_call_makes_it(integration, body, order_line):
    response = _accept(integration, body)

    assert response["Preference-Applied"] == "respond-async"
    assert response["Retry-After"] == "1"
    accepted = response.json()
    assert response["Location"] == f"/api/v1/return-intakes/{accepted['id']}/"
    assert accepted["status"] == "pending"
    assert (accepted["return"], accepted["error"], accepted["http_status"]) == (None, None, None)
    assert not ReturnRequest.objects.exists()

    assert _drain() == {"created": 1, "failed": 0, "retried": 0, "left": 0}

    outcome = integration.get(response["Location"])
    assert outcome.status_code == 200
    assert not outcome.has_header("Retry-After")
    made = outcome.json()
    assert made["status"] == "created"
    assert made["http_status"] == 201
    assert made["completed_at"] is not None
    detail = integration.get(made["return"]["url"]).json()
    assert detail["public_id"] == made["return"]["public_id"]
    assert detail["rma_number"] == made["return"]["rma_number"]
    assert detail["channel"] == "api"
    assert detail["status"] == "approved"
    assert [(e["from"], e["to"]) for e in detail["timeline"]] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    assert detail["timeline"][0]["by"] == "shop-api"
    assert detail["label"]["status"] in ("pending", "ready")
    order_line.refresh_from_db()
    assert order_line.quantity_in_returns == 1


def test_a_run_makes_every_waiting_return_oldest_first(integration, policy, warehouse, reason, relay):
    orders = [OrderFactory() for _ in range(3)]
    lines = [OrderLineFactory(order=order, quantity=1) for order in orders]
    for order, line in zip(orders, lines, strict=True):
        _accept(
            integration,
            {
                "order": order.external_id,
                "lines": [{"order_line": line.external_id, "quantity": 1, "reason": reason.code}],
                "drop_off": {"method": "relay_point", "point_id": relay.pk},
                "submit": True,
            },
        )

    assert _drain()["created"] == 3

    made = list(ReturnIntake.objects.order_by("id").values_list("return_request__order__external_id", flat=True))
    assert made == [order.external_id for order in orders]
    assert list(ReturnRequest.objects.order_by("id").values_list("order__external_id", flat=True)) == made


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"order": "no-such-order"}, 404, "not_found"),
        ({"lines": [{"order_line": "L1", "quantity": 9, "reason": "too-small"}]}, 422, "over_quantity"),
        ({"lines": [{"order_line": "L9", "quantity": 1, "reason": "nope"}]}, 404, "not_found"),
    ],
)
def test_a_refusal_is_recorded_as_the_synchronous_call_answers_it(integration, body, change, status, code):
    refused = {**body, **change}
    synchronous = integration.post("/api/v1/returns/", refused, format="json")
    assert synchronous.status_code == status
    assert synchronous.json()["error"]["code"] == code

    response = _accept(integration, refused)
    assert _drain()["failed"] == 1

    outcome = integration.get(response["Location"]).json()
    assert outcome["status"] == "failed"
    assert outcome["http_status"] == status
    assert outcome["error"] == synchronous.json()["error"]
    assert outcome["return"] is None
    assert not ReturnRequest.objects.exists()


def test_the_refusal_speaks_the_language_of_the_request(integration, body):
    refused = {**body, "lines": [{"order_line": "L1", "quantity": 9, "reason": "too-small"}]}
    for language in ("fr", "en"):
        synchronous = integration.post("/api/v1/returns/", refused, format="json", HTTP_ACCEPT_LANGUAGE=language)
        response = _accept(integration, refused, HTTP_ACCEPT_LANGUAGE=language)
        _drain()
        error = integration.get(response["Location"]).json()["error"]
        assert error == synchronous.json()["error"]
    french, english = ReturnIntake.objects.order_by("id")
    assert (french.language, english.language) == ("fr", "en")
    assert french.error["error"]["message"] != english.error["error"]["message"]


def test_a_body_of_the_wrong_shape_is_refused_at_once_and_nothing_is_kept(integration, body):
    response = integration.post("/api/v1/returns/", {**body, "lines": []}, format="json", **ASYNC)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not response.has_header("Preference-Applied")
    assert not ReturnIntake.objects.exists()


def test_a_key_sent_again_gives_back_the_same_intake_and_one_return(integration, body):
    first = _accept(integration, body, HTTP_IDEMPOTENCY_KEY="peak-1").json()
    again = _accept(integration, body, HTTP_IDEMPOTENCY_KEY="peak-1").json()

    assert again["id"] == first["id"]
    assert ReturnIntake.objects.count() == 1
    _drain()
    assert _accept(integration, body, HTTP_IDEMPOTENCY_KEY="peak-1").json()["status"] == "created"
    assert ReturnRequest.objects.count() == 1

    reused = integration.post(
        "/api/v1/returns/", {**body, "resolution": "exchange"}, format="json", HTTP_IDEMPOTENCY_KEY="peak-1", **ASYNC
    )
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_a_key_the_synchronous_call_used_gives_back_its_return(integration, body):
    made = integration.post("/api/v1/returns/", body, format="json", HTTP_IDEMPOTENCY_KEY="both-ways")
    assert made.status_code == 201

    response = _accept(integration, body, HTTP_IDEMPOTENCY_KEY="both-ways")
    _drain()

    outcome = integration.get(response["Location"]).json()
    assert outcome["status"] == "created"
    assert outcome["http_status"] == 200
    assert outcome["return"]["public_id"] == made.json()["public_id"]
    assert ReturnRequest.objects.count() == 1


def test_only_the_caller_who_sent_it_reads_it(integration, body, superuser, anonymous, agent):
    location = _accept(integration, body)["Location"]
    other_integration = client_for(UserFactory(username="other-shop", roles=["integration"]))

    assert other_integration.get(location).status_code == 404
    assert agent.get(location).status_code == 404
    assert anonymous.get(location).status_code == 401
    assert superuser.get(location).status_code == 200
    assert integration.get("/api/v1/return-intakes/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_fault_is_tried_again_on_the_next_runs_then_answered_500_and_the_others_are_made(
    integration, body, policy, warehouse, reason, relay
):
    from rma.returns.api.creation import intake_return_make

    broken = _accept(integration, body).json()["id"]
    other_order = OrderFactory()
    other_line = OrderLineFactory(order=other_order, quantity=1)
    _accept(
        integration,
        {
            "order": other_order.external_id,
            "lines": [{"order_line": other_line.external_id, "quantity": 1, "reason": reason.code}],
            "drop_off": {"method": "relay_point", "point_id": relay.pk},
        },
    )

    def make(intake):
        """The real creation, with a fault of ours in one request (after it wrote its return)."""
        made = intake_return_make(intake)
        if str(intake.public_id) == broken:
            raise RuntimeError("a fault after the return was written")
        return made

    assert return_intakes_drain(make=make) == {"created": 1, "failed": 0, "retried": 1, "left": 0}
    intake = ReturnIntake.objects.get(public_id=broken)
    assert (intake.status, intake.attempts) == (IntakeStatus.PENDING, 1)
    assert intake.last_failure == "RuntimeError: a fault after the return was written"
    assert ReturnRequest.objects.count() == 1  # the broken request's return was undone with its attempt

    assert return_intakes_drain(make=make)["retried"] == 1
    assert return_intakes_drain(make=make) == {"created": 0, "failed": 1, "retried": 0, "left": 0}
    outcome = integration.get(f"/api/v1/return-intakes/{broken}/").json()
    assert outcome["status"] == "failed"
    assert outcome["http_status"] == 500
    assert outcome["error"]["code"] == "internal_error"
    assert ReturnRequest.objects.count() == 1


def test_a_run_that_finds_the_outcome_already_recorded_undoes_its_return(integration, body):
    """Where there is no row lock (SQLite), two runs could take the same request: the second to record its outcome
    finds it recorded, and its own return is rolled back. (The other run's record is simulated in this run's own
    transaction, so it is rolled back too; from another connection it would stay.)"""
    from rma.returns.api.creation import intake_return_make

    intake_id = _accept(integration, body).json()["id"]

    def make(intake):
        made = intake_return_make(intake)
        # Another run records its outcome first.
        ReturnIntake.objects.filter(pk=intake.pk).update(status=IntakeStatus.FAILED, http_status=500)
        return made

    assert return_intakes_drain(make=make) == {"created": 0, "failed": 0, "retried": 0, "left": 0}
    assert not ReturnRequest.objects.exists()
    intake = ReturnIntake.objects.get(public_id=intake_id)
    assert (intake.status, intake.http_status, intake.return_request) == (IntakeStatus.PENDING, None, None)


def test_without_a_shared_cache_every_acceptance_rings(
    integration, body, settings, django_capture_on_commit_callbacks
):
    """In one process's memory (`make run` without Redis), a doorbell set by the web process is never cleared by
    the worker, which has its own memory: each acceptance must publish, whatever that memory holds."""
    from django.core.cache import caches

    from rma.returns.intake import DOORBELL

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].set(DOORBELL, 1, timeout=30)  # as a first acceptance leaves it

    with django_capture_on_commit_callbacks(execute=True):
        response = _accept(integration, body)

    # The publish ran the drain (eagerly here, as the worker would): the return is made.
    assert integration.get(response["Location"]).json()["status"] == "created"
    caches["default"].delete(DOORBELL)  # the memory outlives the test


@pytest.mark.django_db(transaction=True)  # committed as production commits: no test transaction around the requests
def test_outside_a_transaction_a_refused_body_keeps_nothing_and_a_refused_creation_writes_nothing(integration, body):
    """The acceptance runs without a transaction around the request (its one row commits by itself); a synchronous
    creation on the same URL still runs in one, which its refusal rolls back whole."""
    too_many = integration.post(
        "/api/v1/returns/",
        {**body, "lines": [{"order_line": "L1", "quantity": 99, "reason": "too-small"}]},
        format="json",
    )
    refused = integration.post("/api/v1/returns/", {**body, "lines": []}, format="json", **ASYNC)

    assert too_many.status_code == 422, too_many.content
    assert refused.status_code == 400
    assert not ReturnRequest.objects.exists()
    assert not ReturnIntake.objects.exists()
    accepted = _accept(integration, body)  # its doorbell runs the worker's task here, eagerly, once it is kept
    assert str(ReturnIntake.objects.get().public_id) == accepted.json()["id"]
