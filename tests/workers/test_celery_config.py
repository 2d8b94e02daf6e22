"""returns_portal/celery.py: queues, routes and the beat schedule; the periodic returns task."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.utils import timezone

from returns_portal.celery import QUEUE_NAMES, app
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.tasks import return_requests_expire_task


@pytest.fixture(scope="module", autouse=True)
def _tasks_imported():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovers every app's tasks.py


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("rma.notifications.deliver", "notifications"),
        ("rma.notifications.sweep", "notifications"),
        ("rma.shipping.label_generate", "labels"),
        ("rma.shipping.labels_generate_waiting", "labels"),
        ("rma.shipping.labels_purge_voided", "labels"),
        ("rma.shipping.tracking_poll", "labels"),
        ("rma.shipping.label_track", "labels"),
        ("rma.shipping.tracking_flag_late", "labels"),
        ("rma.shipping.drop_off_points_refresh", "default"),
        ("rma.returns.expire", "default"),
        ("rma.returns.intakes_drain", "default"),
        ("rma.portal.staged_photos_purge", "default"),
        ("rma.orders.anything_else", "default"),
    ],
)
def test_each_task_goes_to_its_queue(task_name, queue):
    assert _queue(task_name) == queue
    assert queue in QUEUE_NAMES


def test_the_worker_knows_the_three_queues():
    assert sorted(q.name for q in app.conf.task_queues) == ["default", "labels", "notifications"]
    assert app.conf.task_default_queue == "default"


def test_beat_runs_the_sweepers_every_30_seconds_and_the_housekeeping_less_often(settings):
    schedule = app.conf.beat_schedule
    assert {name: entry["task"] for name, entry in schedule.items()} == {
        "outbox-sweep": "rma.notifications.sweep",
        "labels-sweep": "rma.shipping.labels_sweep",
        "returns-expire": "rma.returns.expire",
        "returns-intakes-drain": "rma.returns.intakes_drain",
        "shipments-documents-sweep": "rma.shipping.shipments_documents_sweep",
        "labels-purge-voided": "rma.shipping.labels_purge_voided",
        "shop-inbox-sweep": "rma.connectors.inbox_sweep",
        "shops-poll": "rma.connectors.poll",
        "tracking-poll": "rma.shipping.tracking_poll",
        "tracking-flag-late": "rma.shipping.tracking_flag_late",
        "drop-off-points-refresh": "rma.shipping.drop_off_points_refresh",
        "insights-rollups-refresh": "rma.insights.rollups_refresh",
        "insights-rollups-rebuild": "rma.insights.rollups_rebuild_recent",
        "portal-staged-photos-purge": "rma.portal.staged_photos_purge",
    }
    for entry in schedule.values():
        assert entry["task"] in app.tasks, f"{entry['task']} is scheduled but no tasks.py defines it"
    # The analytics' roll-ups follow the returns within a minute; a refresh that waited out an outage is dropped.
    assert schedule["insights-rollups-refresh"]["schedule"] == 60.0
    assert schedule["insights-rollups-refresh"]["options"]["expires"] < 60
    for name in ("outbox-sweep", "labels-sweep", "returns-intakes-drain"):
        assert schedule[name]["schedule"] == 30.0
        assert schedule[name]["options"]["expires"] < 30  # a tick that waited out an outage is dropped
    # A message whose hand-over was lost is swept at most 2.5 minutes after it, with the default settings.
    assert settings.RMA_OUTBOX_STALE_SECONDS + schedule["outbox-sweep"]["schedule"] <= 150
    hourly = schedule["returns-expire"]["schedule"]
    assert isinstance(hourly, crontab)
    assert (hourly.minute, len(hourly.hour)) == ({7}, 24)
    daily = schedule["labels-purge-voided"]["schedule"]
    assert (daily.hour, daily.minute) == ({3}, {17})
    staged = schedule["portal-staged-photos-purge"]["schedule"]
    assert (staged.hour, staged.minute) == ({3}, {47})
    # The drop-off point directory is refreshed once a night, after the purge.
    points = schedule["drop-off-points-refresh"]["schedule"]
    assert (points.hour, points.minute) == ({4}, {41})
    # Shop webhooks left pending are handed over again within the minute; shops without webhooks are polled.
    assert (schedule["shop-inbox-sweep"]["schedule"], schedule["shops-poll"]["schedule"]) == (60.0, 300.0)
    assert schedule["shops-poll"]["options"]["expires"] < 300
    # Carriers are asked about moving parcels every half hour; silent parcels are flagged once an hour.
    assert schedule["tracking-poll"]["schedule"] == 1800.0
    assert schedule["tracking-poll"]["options"]["expires"] < 1800
    hourly_late = schedule["tracking-flag-late"]["schedule"]
    assert (hourly_late.minute, len(hourly_late.hour)) == ({41}, 24)


def test_outbox_tasks_are_acknowledged_only_once_done():
    deliver = app.tasks["rma.notifications.deliver"]
    assert deliver.acks_late
    assert deliver.reject_on_worker_lost  # a killed worker's task goes back to the queue
    assert deliver.soft_time_limit > 3.05 + 10 + 30  # webhook connect + read, or SMTP timeout
    assert deliver.time_limit > deliver.soft_time_limit
    assert app.tasks["rma.notifications.sweep"].acks_late
    assert app.tasks["rma.returns.expire"].acks_late


@pytest.mark.django_db
def test_the_hourly_job_expires_returns_not_sent_in_time(make_return):
    overdue, on_time = make_return(), make_return()
    ReturnRequest.objects.filter(pk=overdue.pk).update(send_by=timezone.now() - timedelta(minutes=1))
    assert return_requests_expire_task.delay().get() == 1  # eager in tests: runs here
    overdue.refresh_from_db()
    on_time.refresh_from_db()
    assert (overdue.status, on_time.status) == (ReturnStatus.EXPIRED, ReturnStatus.APPROVED)
    assert return_requests_expire_task.delay().get() == 0
