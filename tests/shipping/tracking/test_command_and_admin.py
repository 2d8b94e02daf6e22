"""Asking the carriers now: `manage.py tracking_poll` and the labels admin's action."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.models import TrackingEvent
from tests.shipping.tracking.conftest import TrackingStatus, label_of

pytestmark = pytest.mark.django_db


def test_the_command_asks_about_the_given_parcels_and_applies_the_events(tracked_return, standin):
    asked, other = tracked_return(), tracked_return()
    number = label_of(asked).tracking_number
    standin.scan(number, TrackingStatus.HANDED_OVER, code="DEPOSE", text="Déposé")
    out = io.StringIO()

    call_command("tracking_poll", number, stdout=out)

    assert standin.polls == [number]
    assert ReturnRequest.objects.get(pk=asked.pk).status == ReturnStatus.IN_TRANSIT
    assert ReturnRequest.objects.get(pk=other.pk).status == ReturnStatus.LABEL_READY
    assert "1 label(s) asked: 1 new event(s), 1 return(s) on their way" in out.getvalue()


def test_the_command_without_numbers_asks_about_every_due_parcel_and_reports_outages(tracked_return, standin):
    tracked_return()
    tracked_return(status=ReturnStatus.IN_TRANSIT)
    standin.outages = 1
    out, err = io.StringIO(), io.StringIO()

    call_command("tracking_poll", stdout=out, stderr=err)

    assert len(standin.polls) == 2
    assert "did not answer" in err.getvalue()
    assert "2 label(s) asked" in out.getvalue()
    assert "1 carrier outage(s)" in out.getvalue()


def test_the_command_refuses_an_unknown_tracking_number(tracked_return, standin):
    with pytest.raises(CommandError, match="ZZ999"):
        call_command("tracking_poll", "ZZ999", stdout=io.StringIO())


def test_the_admin_action_asks_the_carrier_now(
    admin_client, tracked_return, standin, django_capture_on_commit_callbacks
):
    return_request = tracked_return()
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.IN_TRANSIT, code="ACH", text="En transit")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:shipping_label_changelist"),
            {"action": "track_now", "_selected_action": [label.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert TrackingEvent.objects.filter(label=label).count() == 1
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT
