"""The orders and returns API's actions and remaining reads cost a fixed number of SQL statements, whatever the
number of lines of an order or a return, of orders in a batch, of photos, of a customer's returns or of a credit's
redemptions: the number is pinned, so a statement more per request shows here, and one per row shows as a difference
between the small and the big case."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.orders.models import Order
from rma.returns.choices import ReturnStatus
from rma.returns.models import IntakeStatus, ReturnIntake, ReturnPhoto, ReturnPolicy, ReturnRequest
from rma.returns.tasks import return_intakes_drain_task
from rma.shipping.choices import LabelStatus
from rma.warehouse.models import StoreCredit
from tests.core.pictures import picture
from tests.helpers import get_queries
from tests.locations.factories import StoreFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
# Pinned (the request's transaction is a savepoint here, as in every test below; the token with its user and roles is
# one statement of each request).
# An order: its row locked, its number's owner, the order, its new lines in one INSERT, their product variants in one
# upsert, the order and its lines read back; and the savepoints of the request, the view and the service.
ORDER_UPSERT_QUERIES = 14
# The same order sent again, changed: its row locked, the order saved, its lines read, the changed ones in one UPDATE,
# the order and its lines read back; and the savepoints. Removing lines: the removed ones read, their return lines
# looked for (a line in a return is not removed) and the DELETE, whatever their number.
ORDER_UPDATE_QUERIES = 13
ORDER_UPDATE_REMOVING_QUERIES = 16
# A batch: the request's savepoint and the token, then each order in a transaction of its own (so one bad order never
# undoes the others): its two savepoints, its row locked, its number's owner, the order, its lines, their variants.
# By design a statement count per order, not per line: pinned as the request's and each order's.
ORDER_BATCH_QUERIES = 3
ORDER_IN_BATCH_QUERIES = 9
INTAKE_QUERIES = 4  # the savepoint, the token, the intake with its return
# Submitting: the return with its lines, photos and events; the move to submitted; the policy (with its windows and
# fees), the customer's block and allow list entries and their history for the risk score (three statements); the
# move to approved with its event, the email and the label queued; the return read back for the answer (with the
# refund); and the savepoints.
SUBMIT_QUERIES = 36
# An agent's decision: the agent's permissions, the return with its lines, photos and events, the move with its event
# (approving also queues the email and the label), the return read back, and the savepoints.
APPROVE_QUERIES = 21
REJECT_QUERIES = 23
# Cancelling: the return, the move, the units given back to the order's lines in one UPDATE, the event, the email,
# the label voided, the shop's order (a connector's), the return read back, and the savepoints.
CANCEL_QUERIES = 27
# A customer's history: their addresses and phones, how many customers share each, their orders across emails,
# address and phone, their returns (and the savepoint and the token); by return, the return and its order first.
CUSTOMER_HISTORY_QUERIES = 7
RETURN_CUSTOMER_HISTORY_QUERIES = 8
# A photo: the return (lines, photos, events), the line, the return locked, the line's photos counted, the INSERT.
PHOTO_ADD_QUERIES = 14
PHOTO_FILE_QUERIES = 4  # the savepoint, the token, the photo in the caller's scope, the release
LABEL_ZPL_QUERIES = 4  # the savepoint, the token, the label with its return in scope, the release
# Spending: the credit and its redemptions, both again locked, the balance, the redemption, both read back.
REDEMPTION_QUERIES = 13


def _posted(client, url: str, body, expected: int, **options) -> int:
    """The statements of one POST of `body` to `url`, answered `expected`."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, body, format=options.pop("format", "json"), **options)
    assert response.status_code == expected, response.content[:500]
    return len(queries)


def _order(external_id: str, lines: int) -> dict:
    return {
        "external_id": external_id,
        "number": f"ML-{external_id}",
        "channel": "web",
        "customer_email": "chloe.martin@example.fr",
        "customer_name": "Chloé Martin",
        "placed_at": "2026-11-02T10:15:00+01:00",
        "address": {"address_line1": "8 rue des Lilas", "postcode": "69003", "city": "Lyon"},
        "lines": [
            {"external_id": f"{external_id}-{n}", "sku": f"SKU-{n}", "quantity": 2, "unit_price": "49.90"}
            for n in range(lines)
        ],
    }


def test_an_order_upsert_costs_the_same_for_two_lines_or_eight(integration):
    _posted(integration, "/api/v1/orders/", _order("warm", 2), 201)  # the token's user and roles, read once
    small = _posted(integration, "/api/v1/orders/", _order("small", 2), 201)
    big = _posted(integration, "/api/v1/orders/", _order("big", 8), 201)
    assert small == big == ORDER_UPSERT_QUERIES
    assert Order.objects.get(external_id="big").lines.count() == 8


def _changed(order: dict, *, lines: int, kept: int) -> dict:
    """`order` sent again with another name, its first `lines` lines' quantity and price changed, and only its first
    `kept` lines."""
    again = {**order, "customer_name": "Chloé Martin-Roux"}
    again["lines"] = [
        {**line, "quantity": 3, "unit_price": "44.90"} if index < lines else line
        for index, line in enumerate(order["lines"][:kept])
    ]
    return again


def test_an_order_update_costs_the_same_for_two_changed_lines_or_eight(integration):
    counts = []
    for name, size in (("warm", 2), ("small", 2), ("big", 8)):
        order = _order(name, size)
        _posted(integration, "/api/v1/orders/", order, 201)
        counts.append(_posted(integration, "/api/v1/orders/", _changed(order, lines=size, kept=size), 200))
    assert counts[1:] == [ORDER_UPDATE_QUERIES, ORDER_UPDATE_QUERIES]
    lines = Order.objects.get(external_id="big").lines.order_by("external_id")
    assert [(line.quantity, str(line.unit_price)) for line in lines] == [(3, "44.90")] * 8


def test_an_order_update_removing_one_line_or_seven_costs_the_same(integration):
    counts = []
    for name, size in (("warm", 2), ("small", 2), ("big", 8)):
        order = _order(name, size)
        _posted(integration, "/api/v1/orders/", order, 201)
        counts.append(_posted(integration, "/api/v1/orders/", _changed(order, lines=1, kept=1), 200))
    assert counts[1:] == [ORDER_UPDATE_REMOVING_QUERIES, ORDER_UPDATE_REMOVING_QUERIES]
    lines = Order.objects.get(external_id="big").lines.all()
    assert [(line.external_id, line.quantity) for line in lines] == [("big-0", 3)]


def test_a_batch_costs_the_same_per_order_for_one_order_or_five(integration):
    def batch(name: str, size: int) -> int:
        orders = [_order(f"{name}-{n}", 2) for n in range(size)]
        return _posted(integration, "/api/v1/orders/batch/", {"orders": orders}, 200)

    batch("warm", 1)
    small = batch("small", 1)
    big = batch("big", 5)
    assert (small, big) == (
        ORDER_BATCH_QUERIES + ORDER_IN_BATCH_QUERIES,
        ORDER_BATCH_QUERIES + 5 * ORDER_IN_BATCH_QUERIES,
    )
    assert Order.objects.filter(external_id__startswith="big-").count() == 5


def test_reading_an_intake_costs_the_same_pending_or_made(integration, policy, warehouse, reason, relay):
    line = OrderLineFactory(quantity=2)
    body = {
        "order": line.order.external_id,
        "lines": [{"order_line": line.external_id, "quantity": 1, "reason": reason.code}],
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
        "submit": True,
    }
    accepted = integration.post("/api/v1/returns/", body, format="json", HTTP_PREFER="respond-async")
    assert accepted.status_code == 202, accepted.content
    pending = get_queries(integration, accepted["Location"], warm=True)
    return_intakes_drain_task.apply().get()
    made = get_queries(integration, accepted["Location"])
    assert pending == made == INTAKE_QUERIES
    assert ReturnIntake.objects.get().status == IntakeStatus.CREATED


def _review_policy(policy) -> None:
    ReturnPolicy.objects.filter(pk=policy.pk).update(auto_approve=False)


def _transition(client, return_request, action: str, body: dict) -> int:
    return _posted(client, f"/api/v1/returns/{return_request.public_id}/{action}/", body, 200)


def test_submitting_a_draft_costs_the_same_for_one_line_or_five(integration, make_return):
    warm, one, five = make_return(submit=False), make_return(submit=False), make_return(submit=False, lines=5)
    _transition(integration, warm, "submit", {})
    small = _transition(integration, one, "submit", {})
    big = _transition(integration, five, "submit", {})
    assert small == big == SUBMIT_QUERIES
    assert ReturnRequest.objects.get(pk=five.pk).status == ReturnStatus.APPROVED


@pytest.mark.parametrize(
    ("action", "body", "pinned", "status"),
    [
        ("approve", {"reason": "Fine.", "note": "Checked the photos."}, APPROVE_QUERIES, ReturnStatus.APPROVED),
        ("reject", {"reason": "Worn.", "note": "Seen on the photos."}, REJECT_QUERIES, ReturnStatus.REJECTED),
    ],
)
def test_a_review_decision_costs_the_same_for_one_line_or_five(
    agent, policy, make_return, action, body, pinned, status
):
    _review_policy(policy)
    warm, one, five = make_return(), make_return(), make_return(lines=5)
    assert five.status == ReturnStatus.NEEDS_REVIEW
    _transition(agent, warm, action, body)
    small = _transition(agent, one, action, body)
    big = _transition(agent, five, action, body)
    assert small == big == pinned
    assert ReturnRequest.objects.get(pk=five.pk).status == status


def test_cancelling_costs_the_same_for_one_line_or_five(agent, make_return):
    warm, one, five = make_return(), make_return(), make_return(lines=5)
    body = {"note": "The customer changed their mind."}
    _transition(agent, warm, "cancel", body)
    small = _transition(agent, one, "cancel", body)
    big = _transition(agent, five, "cancel", body)
    assert small == big == CANCEL_QUERIES
    assert ReturnRequest.objects.get(pk=five.pk).status == ReturnStatus.CANCELLED


def test_a_customer_s_history_costs_the_same_for_one_return_or_four(agent, make_return):
    first = make_return(contact_email="lea@example.com")
    make_return(contact_email="zoe@example.com")
    by_email = "/api/v1/customers/history/?email=lea@example.com"
    by_return = f"/api/v1/returns/{first.public_id}/customer-history/"
    small = (get_queries(agent, by_email, warm=True), get_queries(agent, by_return))
    for _ in range(3):
        make_return(contact_email="lea@example.com")
    big = (get_queries(agent, by_email), get_queries(agent, by_return))
    assert small == big == (CUSTOMER_HISTORY_QUERIES, RETURN_CUSTOMER_HISTORY_QUERIES)
    assert agent.get(by_email).json()["returns"] == 4


def _photo_add(client, return_request, order_line) -> int:
    url = f"/api/v1/returns/{return_request.public_id}/lines/{order_line.external_id}/photos/"
    upload = {"photo": SimpleUploadedFile("IMG_0001.jpg", picture())}
    return _posted(client, url, upload, 201, format="multipart")


def test_adding_a_photo_costs_the_same_for_the_first_or_the_third(integration, make_return):
    warm, draft = make_return(submit=False), make_return(submit=False, lines=3)
    _photo_add(integration, warm, warm.lines.get().order_line)
    lines = [line.order_line for line in draft.lines.order_by("pk")]
    first = _photo_add(integration, draft, lines[0])
    _photo_add(integration, draft, lines[1])
    _photo_add(integration, draft, lines[0])
    third = _photo_add(integration, draft, lines[0])
    assert first == third == PHOTO_ADD_QUERIES
    assert ReturnPhoto.objects.filter(return_line__return_request=draft).count() == 4


def test_a_photo_costs_the_same_to_download_from_a_return_with_one_or_five(integration, agent, make_return):
    one, five = make_return(submit=False), make_return(submit=False, lines=5)
    for line in one.lines.all():
        _photo_add(integration, one, line.order_line)
    for line in five.lines.all():
        _photo_add(integration, five, line.order_line)
    counts = []
    for return_request in (one, five):
        photo = ReturnPhoto.objects.filter(return_line__return_request=return_request).latest("pk")
        counts.append(get_queries(agent, f"/api/v1/returns/{return_request.public_id}/photos/{photo.pk}/", warm=True))
    assert counts == [PHOTO_FILE_QUERIES] * 2


def test_a_zpl_label_costs_the_same_for_a_return_of_one_line_or_three(
    integration, make_return, warehouse, django_capture_on_commit_callbacks
):
    shop = StoreFactory(code="ST-LYON", default_warehouse=warehouse)
    counts = []
    for lines in (1, 3):
        with django_capture_on_commit_callbacks(execute=True):
            return_request = make_return(store=shop, lines=lines)
        assert ReturnRequest.objects.get(pk=return_request.pk).label.status == LabelStatus.READY
        counts.append(get_queries(integration, f"/api/v1/returns/{return_request.public_id}/label.zpl", warm=True))
    assert counts == [LABEL_ZPL_QUERIES] * 2


def test_spending_store_credit_costs_the_same_for_the_first_redemption_or_the_fourth(integration, policy, make_return):
    ReturnPolicy.objects.filter(pk=policy.pk).update(store_credit_moment="handover", store_credit_validity_days=30)
    for _ in range(2):
        line = OrderLineFactory(quantity=2, unit_price=Decimal("25.00"))
        make_return(order_line=line, quantity=2, status=ReturnStatus.IN_TRANSIT, resolution="store_credit")
    warm, credit = StoreCredit.objects.order_by("pk")

    def redeem(code: str, reference: str) -> int:
        url = f"/api/v1/store-credits/{code}/redemptions/"
        return _posted(integration, url, {"amount": "1.00", "reference": reference}, 201)

    redeem(warm.code, "warm")
    first = redeem(credit.code, "order-1")
    for index in (2, 3):
        redeem(credit.code, f"order-{index}")
    fourth = redeem(credit.code, "order-4")
    assert first == fourth == REDEMPTION_QUERIES
    credit.refresh_from_db()
    assert credit.balance == Decimal("46.00")
