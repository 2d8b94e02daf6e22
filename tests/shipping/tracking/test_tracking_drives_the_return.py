"""Carrier events drive the return: polled from a stand-in carrier, stored once, and mapped to our lifecycle."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnNote, ReturnRequest
from rma.shipping.carriers import TrackingEvent as Event
from rma.shipping.choices import TrackingAlert, TrackingSource
from rma.shipping.models import Label, TrackingEvent
from rma.shipping.services.tracking import label_track, label_tracking_apply, labels_due_for_tracking
from rma.shipping.tracking_tasks import ASKED_RECENTLY, label_track_task, tracking_poll_task
from tests.shipping.tracking.conftest import TrackingStatus, at, label_of

pytestmark = pytest.mark.django_db


def in_transit_emails(return_request: ReturnRequest) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(topic="parcel_in_transit", destination=return_request.contact_email))


def test_a_poll_that_sees_the_parcel_handed_over_moves_the_return_in_transit_and_emails_the_customer(
    tracked_return, standin
):
    return_request = tracked_return()
    label = label_of(return_request)
    standin.scan(
        label.tracking_number,
        TrackingStatus.HANDED_OVER,
        code="DEPOSE",
        text="Colis déposé au point relais",
        place="Tabac de la Gare, Paris",
        at=at(40),
    )

    assert tracking_poll_task.delay().get() == 1  # the beat's poll queues one task per due label (eager here)

    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.IN_TRANSIT
    [event] = TrackingEvent.objects.filter(label=label)
    assert (event.code, event.status, event.source) == ("DEPOSE", TrackingStatus.HANDED_OVER, TrackingSource.POLL)
    assert (event.description, event.location, event.at) == (
        "Colis déposé au point relais",
        "Tabac de la Gare, Paris",
        at(40),
    )
    [email] = in_transit_emails(return_request)
    assert email.payload["tracking_number"] == label.tracking_number
    move = return_request.events.get(to_status=ReturnStatus.IN_TRANSIT)
    assert move.actor_label == "carrier:standin"
    assert "Colis déposé au point relais" in move.note
    label.refresh_from_db()
    assert (label.tracking_status, label.tracking_status_at) == (TrackingStatus.HANDED_OVER, at(40))
    assert label.tracking_checked_at is not None


def test_polling_again_and_the_same_events_by_webhook_store_nothing_twice_and_send_one_email(tracked_return, standin):
    return_request = tracked_return()
    label = label_of(return_request)
    standin.scan(
        label.tracking_number, TrackingStatus.ANNOUNCED, code="PCH", text="Prise en charge annoncée", at=at(90)
    )
    standin.scan(
        label.tracking_number, TrackingStatus.IN_TRANSIT, code="ACH", text="En cours d'acheminement", at=at(30)
    )

    first = label_track_task.delay(label.pk).get()
    second = label_track_task.delay(label.pk).get()
    again = label_tracking_apply(label_id=label.pk, events=standin.events[label.tracking_number], source="webhook")

    assert (first["stored"], first["moved_to"]) == (2, ReturnStatus.IN_TRANSIT)
    assert (second["stored"], second["moved_to"]) == (0, "")
    assert again.stored == 0
    assert TrackingEvent.objects.filter(label=label).count() == 2
    assert len(in_transit_emails(return_request)) == 1
    assert return_request.events.filter(to_status=ReturnStatus.IN_TRANSIT).count() == 1


def test_an_announcement_alone_does_not_move_the_return(tracked_return, standin):
    return_request = tracked_return()
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.ANNOUNCED, code="PCH", text="Étiquette créée")

    label_track_task.delay(label.pk)

    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.LABEL_READY
    assert TrackingEvent.objects.filter(label=label).count() == 1
    assert in_transit_emails(return_request) == []


def test_waiting_at_the_point_where_the_customer_dropped_it_counts_as_handed_over(tracked_return, standin):
    return_request = tracked_return()  # dropped at a relay point
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.AT_POINT, code="RELAIS", text="Colis au point relais")

    label_track_task.delay(label.pk)

    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.IN_TRANSIT


def test_the_poll_asks_only_about_parcels_that_should_be_moving(tracked_return, standin, make_return):
    waiting = tracked_return()
    moving = tracked_return(status=ReturnStatus.IN_TRANSIT)
    cancelled = tracked_return()
    ReturnRequest.objects.filter(pk=cancelled.pk).update(status=ReturnStatus.CANCELLED)
    builtin = make_return(status=ReturnStatus.LABEL_READY, tracking_number="RP123456785FR")  # scans nothing

    due = labels_due_for_tracking(every=ASKED_RECENTLY)

    assert sorted(due) == sorted([label_of(waiting).pk, label_of(moving).pk])
    assert label_of(builtin).pk not in due
    assert tracking_poll_task.delay().get() == 2
    assert sorted(standin.polls) == sorted([label_of(waiting).tracking_number, label_of(moving).tracking_number])
    # Asked a moment ago: the next poll leaves them until the interval has passed.
    assert tracking_poll_task.delay().get() == 0
    later = timezone.now() + ASKED_RECENTLY + timedelta(minutes=1)
    assert len(labels_due_for_tracking(every=ASKED_RECENTLY, now=later)) == 2


def test_a_carrier_outage_is_retried_and_the_events_arrive(tracked_return, standin, eager_retries):
    return_request = tracked_return()
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.IN_TRANSIT, code="ACH", text="En transit")
    standin.outages = 1

    label_track_task.delay(label.pk)

    assert len(standin.polls) == 2
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.IN_TRANSIT


def test_a_carrier_refusal_is_skipped_and_the_label_waits_for_the_next_poll(tracked_return, standin):
    return_request = tracked_return()
    label = label_of(return_request)
    standin.refuse = True

    assert label_track_task.delay(label.pk).get() is None

    label.refresh_from_db()
    assert label.tracking_checked_at is not None  # to the back of the queue
    assert TrackingEvent.objects.filter(label=label).count() == 0
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


def test_an_exception_flags_the_parcel_for_customer_service_with_the_carriers_words(tracked_return, standin):
    return_request = tracked_return(status=ReturnStatus.IN_TRANSIT)
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.IN_TRANSIT, code="ACH", text="En transit", at=at(120))
    standin.scan(label.tracking_number, TrackingStatus.EXCEPTION, code="AVARIE", text="Colis endommagé", at=at(60))

    result = label_track_task.delay(label.pk).get()

    assert result["alert"] == TrackingAlert.EXCEPTION
    label.refresh_from_db()
    assert label.tracking_alert == TrackingAlert.EXCEPTION
    assert "Colis endommagé" in label.tracking_alert_detail
    [note] = ReturnNote.objects.filter(return_request=return_request)
    assert "Colis endommagé" in note.body
    assert label.tracking_number in note.body
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT

    # The parcel makes it after all: delivered clears the flag.
    standin.scan(label.tracking_number, TrackingStatus.DELIVERED, code="LIV", text="Livré", at=at(5))
    label_track_task.delay(label.pk)
    label.refresh_from_db()
    assert (label.tracking_alert, label.tracking_status) == ("", TrackingStatus.DELIVERED)


def test_a_parcel_returned_to_sender_stays_flagged_even_once_delivered_back(tracked_return, standin):
    return_request = tracked_return(status=ReturnStatus.IN_TRANSIT)
    label = label_of(return_request)
    standin.scan(
        label.tracking_number, TrackingStatus.RETURNED_TO_SENDER, code="RET", text="Retour expéditeur", at=at(60)
    )
    standin.scan(label.tracking_number, TrackingStatus.DELIVERED, code="LIV", text="Livré à l'expéditeur", at=at(10))

    label_track_task.delay(label.pk)

    label.refresh_from_db()
    assert label.tracking_alert == TrackingAlert.RETURNED_TO_SENDER
    assert "Retour expéditeur" in label.tracking_alert_detail


def test_events_out_of_order_keep_the_latest_status(tracked_return, standin):
    return_request = tracked_return(status=ReturnStatus.IN_TRANSIT)
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.DELIVERED, code="LIV", text="Livré", at=at(10))
    label_track_task.delay(label.pk)
    # A webhook brings an older scan afterwards.

    older = Event(at=at(300), code="ACH", description="En transit", status=TrackingStatus.IN_TRANSIT)
    assert label_tracking_apply(label_id=label.pk, events=[older], source="webhook").stored == 1

    label.refresh_from_db()
    assert (label.tracking_status, label.tracking_status_at) == (TrackingStatus.DELIVERED, at(10))


def test_an_unknown_status_or_naive_time_from_a_carrier_is_stored_safely(tracked_return, standin):
    from datetime import datetime

    return_request = tracked_return()
    label = label_of(return_request)
    odd = Event(at=datetime(2026, 11, 30, 8, 0), code="X" * 100, description="?" * 900, status="teleported")

    applied = label_tracking_apply(label_id=label.pk, events=[odd, odd], source="poll")

    [event] = TrackingEvent.objects.filter(label=label)
    assert applied.stored == 1
    assert (event.status, len(event.code), len(event.description)) == (TrackingStatus.OTHER, 64, 500)
    assert timezone.is_aware(event.at)
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


def test_a_voided_labels_events_are_kept_but_move_nothing(tracked_return, standin):
    return_request = tracked_return()
    label = label_of(return_request)
    Label.objects.filter(pk=label.pk).update(status="voided")

    event = Event(at=at(5), code="DEPOSE", description="Déposé", status=TrackingStatus.HANDED_OVER)
    assert label_tracking_apply(label_id=label.pk, events=[event], source="webhook").moved_to == ""
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


def test_a_first_news_of_delivery_moves_a_waiting_return_on_its_way(tracked_return, standin):
    """Scans can be missed: a parcel the carrier first reports delivered was obviously sent."""
    return_request = tracked_return()
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.DELIVERED, code="LIV", text="Livré à l'entrepôt")

    label_track_task.delay(label.pk)

    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT
    assert label_of(return_request).tracking_status == TrackingStatus.DELIVERED


@pytest.mark.django_db(transaction=True)
def test_a_poll_and_a_webhook_with_the_same_scan_at_once_store_it_once_and_email_once(
    postgres_only, tracked_return, standin
):
    from tests.helpers import run_in_threads

    return_request = tracked_return()
    label = label_of(return_request)
    standin.scan(label.tracking_number, TrackingStatus.HANDED_OVER, code="DEPOSE", text="Déposé", at=at(5))
    pushed = list(standin.events[label.tracking_number])

    results = run_in_threads(
        lambda: label_track(label_id=label.pk),  # the poll task's service
        lambda: label_tracking_apply(label_id=label.pk, events=pushed, source="webhook"),
    )

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert TrackingEvent.objects.filter(label=label).count() == 1
    assert return_request.events.filter(to_status=ReturnStatus.IN_TRANSIT).count() == 1
    assert len(in_transit_emails(return_request)) == 1


def test_a_problem_reported_late_for_a_parcel_already_delivered_raises_no_flag(tracked_return, standin):
    return_request = tracked_return(status=ReturnStatus.IN_TRANSIT)
    label = label_of(return_request)
    delivered = Event(at=at(10), code="LIV", description="Livré", status=TrackingStatus.DELIVERED)
    label_tracking_apply(label_id=label.pk, events=[delivered], source="poll")
    # The carrier's webhook brings an older scan afterwards.
    old_problem = Event(at=at(600), code="RET", description="Retard d'acheminement", status=TrackingStatus.EXCEPTION)

    applied = label_tracking_apply(label_id=label.pk, events=[old_problem], source="webhook")

    assert applied.stored == 1
    assert applied.alert == ""
    assert not ReturnNote.objects.filter(return_request=return_request).exists()
