"""A worker keeps its database connection from task to task, as a web process does from request to request, and
drops it when it is too old or broken: Celery's Django fixup no longer closes it after every task."""

import time

import pytest
from celery import signals
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from returns_portal.celery import app
from rma.shipping.tasks import label_generate_task
from tests.conftest import CLOSABLE_DATABASE, postgres_required

# Outside a test transaction: the fixup and the check act on the connection as they do in a worker.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _closable_database():
    postgres_required(CLOSABLE_DATABASE)


def _task_ran() -> None:
    """What the worker does around a task: its prerun and postrun signals, the fixup's handlers included."""
    fixup = DjangoWorkerFixup(app)
    for signal, handler in (
        (signals.task_prerun, fixup.on_task_prerun),
        (signals.task_postrun, fixup.on_task_postrun),
    ):
        handler(sender=label_generate_task)
        signal.send(sender=label_generate_task, task_id="t-1", task=label_generate_task, args=(), kwargs={})


def test_the_connection_outlives_a_task_within_its_max_age():
    connection.ensure_connection()
    opened = connection.connection
    connection.close_at = time.monotonic() + 60  # CONN_MAX_AGE = 60, as in the base settings

    _task_ran()

    assert connection.connection is opened


def test_a_connection_past_its_max_age_is_dropped_after_a_task():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1

    _task_ran()

    assert connection.connection is None


def test_a_broken_connection_is_dropped_after_a_task():
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    connection.errors_occurred = True
    connection.connection.close()  # the server went away

    _task_ran()

    assert connection.connection is None
