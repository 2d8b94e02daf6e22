"""The analytics' roll-ups kept up to date by the real Celery worker on Redis: the beat's task rebuilds the day of
a return that just changed."""

import pytest
from django.utils import timezone

from rma.insights.models import ReturnDay, RollupState
from rma.insights.tasks import rollups_refresh_task
from rma.returns.services import return_request_cancel
from tests.workers.live import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_rebuilds_the_day_of_a_return_that_changed(live_worker, make_return):
    return_request = make_return()
    rollups_refresh_task.delay()
    wait_for(
        lambda: ReturnDay.objects.filter(monthly=False, day=timezone.localdate()).exists(), what="today's roll-up"
    )
    live_worker.idle()
    assert ReturnDay.objects.get(monthly=False, day=timezone.localdate()).outcome == "refund"

    return_request_cancel(return_request=return_request, actor=None)
    rollups_refresh_task.delay()

    wait_for(
        lambda: ReturnDay.objects.filter(monthly=False, day=timezone.localdate(), outcome="withdrawn").exists(),
        what="the cancelled return in today's roll-up",
    )
    assert not ReturnDay.objects.filter(monthly=False, day=timezone.localdate(), outcome="refund").exists()
    assert RollupState.objects.get().refreshed_at is not None
