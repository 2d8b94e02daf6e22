"""Silence is news too: the beat flags parcels without carrier events for the policy's days; agents see every flag
in their queue and mark it handled; the warehouse board shows delivered parcels at the dock."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnNote, ReturnPolicy
from rma.shipping.carriers import TrackingEvent as Event
from rma.shipping.choices import TrackingAlert
from rma.shipping.services.tracking import label_tracking_apply
from rma.shipping.tracking_tasks import label_track_task, tracking_flag_late_task
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.helpers import english_pages, staff_member  # noqa: F401 - english_pages is autouse
from tests.shipping.tracking.conftest import TrackingStatus, at, label_of

pytestmark = pytest.mark.django_db


def test_the_beat_flags_parcels_without_carrier_news_for_the_policys_days(tracked_return, standin):
    silent = tracked_return(days_ago=8)  # label ready 8 days ago, never scanned
    recent = tracked_return(days_ago=3)
    stalled = tracked_return(status=ReturnStatus.IN_TRANSIT, days_ago=20)
    label_tracking_apply(
        label_id=label_of(stalled).pk,
        events=[Event(at=at(60 * 24 * 9), code="ACH", description="En transit", status=TrackingStatus.IN_TRANSIT)],
        source="poll",
    )
    delivered = tracked_return(status=ReturnStatus.IN_TRANSIT, days_ago=20)
    label_tracking_apply(
        label_id=label_of(delivered).pk,
        events=[Event(at=at(60 * 24 * 9), code="LIV", description="Livré", status=TrackingStatus.DELIVERED)],
        source="poll",
    )

    assert tracking_flag_late_task.delay().get() == 2

    assert label_of(silent).tracking_alert == TrackingAlert.LATE
    assert label_of(stalled).tracking_alert == TrackingAlert.LATE
    assert label_of(recent).tracking_alert == ""
    assert label_of(delivered).tracking_alert == ""  # at the dock: the carrier has nothing more to say
    assert "7 days" in ReturnNote.objects.get(return_request=silent).body
    assert tracking_flag_late_task.delay().get() == 0  # flagged once


def test_the_days_come_from_the_return_policy(tracked_return, standin, policy):
    ReturnPolicy.objects.filter(pk=policy.pk).update(tracking_late_after_days=2)
    recent = tracked_return(days_ago=3)

    assert tracking_flag_late_task.delay().get() == 1
    assert label_of(recent).tracking_alert == TrackingAlert.LATE


def test_a_new_carrier_event_lifts_the_late_flag(tracked_return, standin):
    return_request = tracked_return(days_ago=8)
    tracking_flag_late_task.delay()
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.HANDED_OVER, code="DEPOSE", text="Déposé")

    label_track_task.delay(label.pk)

    label.refresh_from_db()
    assert (label.tracking_alert, label.tracking_alert_at) == ("", None)
    assert return_request.__class__.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT


@pytest.fixture
def agent_web(client):
    client.force_login(UserFactory(username="camille", roles=["agent"], is_staff=True))
    return client


def test_agents_see_flagged_parcels_with_the_reason_and_mark_them_handled(tracked_return, standin, agent_web):
    quiet = tracked_return()
    flagged = tracked_return(status=ReturnStatus.IN_TRANSIT)
    label = label_of(flagged)
    standin.scan(label.tracking_number, TrackingStatus.EXCEPTION, code="ADR", text="Adresse incomplète", place="Lyon")
    label_track_task.delay(label.pk)

    queue = agent_web.get(reverse("agents:queue")).content.decode()
    assert f'data-flagged-return="{flagged.rma_number}"' in queue
    assert f'data-flagged-return="{quiet.rma_number}"' not in queue
    assert "Problem reported by the carrier" in queue
    assert "Adresse incomplète (Lyon)" in queue

    page = agent_web.get(reverse("agents:return", kwargs={"public_id": flagged.public_id})).content.decode()
    assert 'data-tracking-alert="exception"' in page
    assert "Adresse incomplète" in page  # the carrier's steps

    response = agent_web.post(reverse("agents:tracking-alert-clear", kwargs={"public_id": flagged.public_id}))
    assert response.status_code == 302
    assert label_of(flagged).tracking_alert == ""
    assert ReturnNote.objects.filter(return_request=flagged, author_label="camille").exists()
    queue = agent_web.get(reverse("agents:queue")).content.decode()
    assert "data-flagged-return" not in queue
    assert "data-flagged-empty" in queue
    # A second click finds nothing to clear and says so, without an error page.
    again = agent_web.post(
        reverse("agents:tracking-alert-clear", kwargs={"public_id": flagged.public_id}), follow=True
    )
    assert again.status_code == 200
    assert "not flagged any more" in again.content.decode()


def test_only_agents_may_clear_a_flag(tracked_return, standin, client):
    flagged = tracked_return(days_ago=9)
    tracking_flag_late_task.delay()
    client.force_login(UserFactory(username="nobody", roles=[]))

    response = client.post(reverse("agents:tracking-alert-clear", kwargs={"public_id": flagged.public_id}))

    assert response.status_code == 403
    assert label_of(flagged).tracking_alert == TrackingAlert.LATE


def test_a_delivered_parcel_shows_at_the_dock_on_the_warehouse_board(tracked_return, standin, client, warehouse):
    moving = tracked_return(status=ReturnStatus.IN_TRANSIT)  # expected for longer
    delivered = tracked_return(status=ReturnStatus.IN_TRANSIT)
    standin.scan(label_of(delivered).tracking_number, TrackingStatus.DELIVERED, code="LIV", text="Livré entrepôt")
    standin.scan(label_of(moving).tracking_number, TrackingStatus.IN_TRANSIT, code="ACH", text="En transit")
    for return_request in (delivered, moving):
        label_track_task.delay(label_of(return_request).pk)
    operator = staff_member(warehouse, "alice", "warehouse_staff")
    client.force_login(operator)

    board = client.get(reverse("warehouse:board")).content.decode()

    rows = {r.split("</tr>")[0] for r in board.split("<tr")[1:]}
    delivered_row = next(r for r in rows if delivered.rma_number in r)
    moving_row = next(r for r in rows if moving.rma_number in r)
    assert 'data-flag="at-dock"' in delivered_row
    assert 'data-flag="at-dock"' not in moving_row
    assert "1 at the dock" in board
    assert board.index(delivered.rma_number) < board.index(moving.rma_number)  # what waits at the dock comes first

    api = client_for(operator).get(reverse("api-warehouse-expected"))
    assert api.status_code == 200, api.content
    at_dock = {row["rma_number"]: row["at_dock"] for row in api.json()["results"]}
    assert at_dock == {delivered.rma_number: True, moving.rma_number: False}


def test_the_flag_and_at_the_dock_are_not_late(tracked_return, standin):
    """A return delivered long ago and never scanned by the warehouse is not "late in transit" on the board."""
    from rma.warehouse.selectors import expected_row, returns_expected

    return_request = tracked_return(status=ReturnStatus.IN_TRANSIT)
    label_tracking_apply(
        label_id=label_of(return_request).pk,
        events=[Event(at=at(10), code="LIV", description="Livré", status=TrackingStatus.DELIVERED)],
        source="poll",
    )
    [row] = [
        expected_row(return_request=r, now=timezone.now() + timedelta(days=30))
        for r in returns_expected(warehouses=[return_request.destination_warehouse])
    ]
    assert (row.at_dock, row.late) == (True, False)
