"""The Celery application: configured from Django settings (CELERY_ namespace), plus queues, routes and beat.

Queues (run a worker with ``-Q default,labels,notifications``; they can be split across workers later):
- ``notifications``: outbox deliveries and the outbox sweeper (``rma.notifications.*``);
- ``labels``: label generation, voiding and their sweeper (``rma.shipping.*``), CPU-heavy PDF rendering;
- ``default``: everything else (``rma.returns.expire``…).

Beat jobs carry an ``expires`` so that a tick that waited in the broker while the workers were down is
dropped instead of running late, many times over. Everything here is set on the app object, which takes
precedence over CELERY_* settings.
"""

import os
from typing import Any

from celery import Celery, signals
from celery.schedules import crontab
from kombu import Exchange, Queue

from returns_portal.ops import metrics as ops_metrics
from returns_portal.ops import request_id as ops_request_id
from rma.core.retries import database_connections_reset

# The entry point of `celery -A returns_portal` (the package imports nothing of this module): the local settings
# unless DJANGO_SETTINGS_MODULE is set, before the app is made (Celery's Django fixup looks for it then).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returns_portal.settings.local")

QUEUE_NAMES = ("default", "labels", "notifications")
# The outbox and label sweepers run this often: a message whose hand-over was lost goes out again within
# RMA_OUTBOX_STALE_SECONDS (2 min) + this (README, "Notifications" > "Recovery").
SWEEP_EVERY_SECONDS = 30.0

app = Celery("returns_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Lazy: stored now, merged when the configuration is first read (after Django's settings are loaded).
app.conf.update(
    task_queues=tuple(Queue(name, Exchange(name), routing_key=name) for name in QUEUE_NAMES),
    task_default_queue="default",
    task_default_exchange="default",
    task_default_routing_key="default",
    task_routes={
        "rma.notifications.*": {"queue": "notifications"},
        # Not label work: the daily point refresh reads files and carriers' APIs for minutes.
        "rma.shipping.drop_off_points_refresh": {"queue": "default"},
        "rma.shipping.*": {"queue": "labels"},
        "rma.returns.*": {"queue": "default"},
        "rma.connectors.*": {"queue": "default"},
        "rma.insights.*": {"queue": "default"},
    },
    beat_schedule={
        "outbox-sweep": {
            "task": "rma.notifications.sweep",
            "schedule": SWEEP_EVERY_SECONDS,
            "options": {"expires": SWEEP_EVERY_SECONDS - 5},
        },
        "labels-sweep": {
            "task": "rma.shipping.labels_sweep",
            "schedule": SWEEP_EVERY_SECONDS,
            "options": {"expires": SWEEP_EVERY_SECONDS - 5},
        },
        "shop-inbox-sweep": {
            "task": "rma.connectors.inbox_sweep",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        "shops-poll": {
            "task": "rma.connectors.poll",
            "schedule": 300.0,
            "options": {"expires": 290},
        },
        "returns-intakes-drain": {
            "task": "rma.returns.intakes_drain",
            "schedule": SWEEP_EVERY_SECONDS,
            "options": {"expires": SWEEP_EVERY_SECONDS - 5},
        },
        "returns-expire": {
            "task": "rma.returns.expire",
            "schedule": crontab(minute=7),
            "options": {"expires": 50 * 60},
        },
        "shipments-documents-sweep": {
            "task": "rma.shipping.shipments_documents_sweep",
            "schedule": 300.0,
            "options": {"expires": 250},
        },
        # Carriers' tracking events (rma.shipping.tracking_tasks): poll, then flag parcels without news.
        "tracking-poll": {
            "task": "rma.shipping.tracking_poll",
            "schedule": 1800.0,
            "options": {"expires": 1700},
        },
        "tracking-flag-late": {
            "task": "rma.shipping.tracking_flag_late",
            "schedule": crontab(minute=41),
            "options": {"expires": 50 * 60},
        },
        "drop-off-points-refresh": {
            "task": "rma.shipping.drop_off_points_refresh",
            "schedule": crontab(hour=4, minute=41),
            "options": {"expires": 6 * 3600},
        },
        "labels-purge-voided": {
            "task": "rma.shipping.labels_purge_voided",
            "schedule": crontab(hour=3, minute=17),
            "options": {"expires": 6 * 3600},
        },
        # The analytics' daily roll-ups (rma.insights.rollups): the days touched, then the recent weeks whole.
        "insights-rollups-refresh": {
            "task": "rma.insights.rollups_refresh",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        "insights-rollups-rebuild": {
            "task": "rma.insights.rollups_rebuild_recent",
            "schedule": crontab(hour=2, minute=23),
            "options": {"expires": 6 * 3600},
        },
        # Photos uploaded in a portal journey nobody confirmed: on the disk or in the bucket, deleted after a day.
        "portal-staged-photos-purge": {
            "task": "rma.portal.staged_photos_purge",
            "schedule": crontab(hour=3, minute=47),
            "options": {"expires": 6 * 3600},
        },
    },
)
app.autodiscover_tasks()
# The shipment documents tasks live beside the label tasks in a module of their own.
app.autodiscover_tasks(["rma.shipping"], related_name="shipment_tasks")
# So do the drop-off point directory's refresh tasks, and the carriers' tracking tasks.
app.autodiscover_tasks(["rma.shipping"], related_name="point_tasks")
app.autodiscover_tasks(["rma.shipping"], related_name="tracking_tasks")


def task_database_connections_check(**kwargs: Any) -> None:
    """Before and after each task, what Django does around a request: drop a connection that is past CONN_MAX_AGE
    or broken, and health-check a kept one on its next use (settings CELERY_DB_REUSE_MAX: the worker keeps it)."""
    database_connections_reset()


signals.task_prerun.connect(task_database_connections_check, weak=False)
signals.task_postrun.connect(task_database_connections_check, weak=False)

# Operations (returns_portal/ops): the request id travels with the task; durations and failures are measured
# where tasks run, and served on RMA_WORKER_METRICS_PORT: by the main process for all (PROMETHEUS_MULTIPROC_DIR set) or
# by each pool process. weak=False: the handlers are module functions anyway.
signals.before_task_publish.connect(ops_request_id.task_publish_add_request_id, weak=False)
signals.task_prerun.connect(ops_request_id.task_prerun_set_request_id, weak=False)
signals.task_postrun.connect(ops_request_id.task_postrun_reset_request_id, weak=False)
signals.task_prerun.connect(ops_metrics.task_prerun_start_clock, weak=False)
signals.task_postrun.connect(ops_metrics.task_postrun_observe, weak=False)
signals.task_failure.connect(ops_metrics.task_failure_count, weak=False)
signals.worker_init.connect(ops_metrics.worker_metrics_prepare, weak=False)
signals.worker_ready.connect(ops_metrics.worker_metrics_serve_all, weak=False)
signals.worker_process_init.connect(ops_metrics.worker_metrics_serve, weak=False)
signals.worker_process_shutdown.connect(ops_metrics.worker_metrics_process_exit, weak=False)
