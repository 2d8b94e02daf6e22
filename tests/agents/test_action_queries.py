"""Customer service's actions (approving, rejecting, clearing a carrier's flag) cost a fixed number of SQL statements,
whatever the return's number of lines: the number is pinned, so a statement more per click shows here, and one per
line shows as a difference between a return of one line and one of five."""

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnNote, ReturnPolicy, ReturnRequest
from rma.shipping.choices import TrackingAlert
from rma.shipping.models import Label
from tests.helpers import queries_of

pytestmark = pytest.mark.django_db
# Pinned (the request's transaction is a savepoint here, as ATOMIC_REQUESTS takes one).
# A decision: the session, the agent, their permissions, the return with its lines, photos and events; then the
# return locked, its move and its event, its lines for the email, the email queued, and approving queues the label
# (rejecting gives the units back to the order's lines in one UPDATE and looks for a label to void); and the
# savepoints.
APPROVE_QUERIES = 19
REJECT_QUERIES = 21
# Clearing: the session, the agent, their permissions, the return with its lines, photos and events, its label; the
# label locked and cleared, the return, the internal note saying so; and the savepoints.
TRACKING_ALERT_CLEAR_QUERIES = 18


def _decide(client, return_request, action: str, reason: str) -> int:
    url = reverse(f"agents:{action}", args=[return_request.public_id])
    return queries_of(lambda: client.post(url, {f"{action}-reason": reason}))


@pytest.mark.parametrize(
    ("action", "pinned", "status"),
    [
        ("approve", APPROVE_QUERIES, ReturnStatus.APPROVED),
        ("reject", REJECT_QUERIES, ReturnStatus.REJECTED),
    ],
)
def test_a_decision_costs_the_same_for_a_return_of_one_line_or_five(client, camille, flagged, action, pinned, status):
    client.force_login(camille)
    first, one, five = flagged(), flagged(email="zoe@example.com"), flagged(email="ines@example.com", lines=5)
    assert five.status == ReturnStatus.NEEDS_REVIEW
    _decide(client, first, action, "Seen the photos.")  # the agent's roles and permissions, read once per process
    small = _decide(client, one, action, "Seen the photos.")
    big = _decide(client, five, action, "Seen the photos.")
    assert small == big == pinned
    assert ReturnRequest.objects.get(pk=five.pk).status == status


def test_clearing_a_carrier_s_flag_costs_the_same_for_a_return_of_one_line_or_five(
    client, camille, policy, make_return
):
    client.force_login(camille)
    ReturnPolicy.objects.filter(pk=policy.pk).update(review_order_value_above="100000.00")  # on their way at once
    returns = [
        make_return(lines=lines, status=ReturnStatus.IN_TRANSIT, tracking_number=number)
        for lines, number in ((1, "RP100000001FR"), (1, "RP100000002FR"), (5, "RP100000003FR"))
    ]
    Label.objects.update(tracking_alert=TrackingAlert.LATE, tracking_alert_at=timezone.now())

    def clear(return_request) -> int:
        url = reverse("agents:tracking-alert-clear", args=[return_request.public_id])
        return queries_of(lambda: client.post(url))

    first, one, five = returns
    clear(first)
    small = clear(one)
    big = clear(five)
    assert small == big == TRACKING_ALERT_CLEAR_QUERIES
    assert Label.objects.get(return_request=five).tracking_alert == ""
    assert ReturnNote.objects.filter(return_request=five, author=camille).count() == 1
