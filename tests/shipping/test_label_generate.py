"""Labels of returns: requested on approval, generated once by the task, retried, failed, voided, swept, purged."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from rma.core.exceptions import DomainError
from rma.core.queue import enqueue_on_commit
from rma.returns.choices import ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_cancel, return_requests_expire
from rma.shipping.carriers import CarrierError, CarrierUnavailable
from rma.shipping.carriers.builtin import tracking_number_for, tracking_number_is_valid
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import (
    label_generate,
    label_qr_payload,
    label_qr_payload_verify,
    label_retry,
    labels_purge_voided,
    labels_sweep,
)
from rma.shipping.tasks import label_generate_task, labels_purge_voided_task, labels_sweep_task
from tests.conftest import require

pytestmark = pytest.mark.django_db

A6_MEDIABOX = re.compile(rb"/MediaBox \[\s*0 0 297\.6\d* 419\.5\d*\s*\]")
INCH_4X6_MEDIABOX = re.compile(rb"/MediaBox \[\s*0 0 288 432\s*\]")


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _files(label: Label) -> dict[str, bytes]:
    return {kind: _read(getattr(label, kind).name) for kind in ("pdf", "pdf_4x6", "zpl")}


# ---- Approval → one label → label_ready


def test_approving_a_return_makes_its_label_and_moves_it_to_label_ready(approved_return):
    assert approved_return.status == ReturnStatus.LABEL_READY
    label = Label.objects.get(return_request=approved_return)
    assert label.status == LabelStatus.READY
    assert label.carrier == "builtin"
    assert tracking_number_is_valid(label.tracking_number)
    assert label.tracking_number == tracking_number_for(str(approved_return.public_id))
    assert label.attempts == 1
    assert label.last_error == ""
    assert label.ready_at is not None
    assert label_qr_payload_verify(payload=label.qr_payload) == approved_return.rma_number

    files = _files(label)
    assert label.pdf.name == f"labels/{label.public_id}.pdf"
    assert label.pdf_4x6.name == f"labels/{label.public_id}-4x6.pdf"
    assert label.zpl.name == f"labels/{label.public_id}.zpl"
    assert files["pdf"].startswith(b"%PDF")
    assert A6_MEDIABOX.search(files["pdf"])
    assert files["pdf_4x6"].startswith(b"%PDF")
    assert INCH_4X6_MEDIABOX.search(files["pdf_4x6"])
    zpl = files["zpl"].decode()
    assert zpl.startswith("^XA")
    assert zpl.rstrip().endswith("^XZ")
    assert f"^FD{label.tracking_number}^FS" in zpl  # the Code 128 field
    assert approved_return.rma_number in zpl
    assert "Entrep" in zpl
    assert "Lyon Sud" in zpl
    assert "Tabac Presse du March" in zpl  # the drop-off point is a reference line

    last_event = approved_return.events.order_by("-id").first()
    assert (last_event.from_status, last_event.to_status, last_event.actor_label) == (
        "approved",
        "label_ready",
        "shipping",
    )
    assert label.tracking_number in last_event.note


def test_the_label_row_is_written_with_the_approval_and_the_task_waits_for_commit(make_return):
    return_request = make_return()  # on-commit callbacks never run inside the test's transaction

    label = Label.objects.get(return_request=return_request)
    assert return_request.status == ReturnStatus.APPROVED
    assert label.status == LabelStatus.PENDING
    assert label.tracking_number is None
    assert not label.pdf
    assert label.qr_payload == label_qr_payload(rma_number=return_request.rma_number)


def test_a_home_pickup_gets_a_label_too(make_return, django_capture_on_commit_callbacks):
    pickup_date = timezone.localdate() + timedelta(days=2)
    if pickup_date.isoweekday() == 7:
        pickup_date += timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return(
            drop_off=DropOffChoice(method="home_pickup", pickup_date=pickup_date, pickup_slot="08:00-12:00")
        )
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.LABEL_READY
    assert f"{pickup_date:%d/%m/%Y} 08:00-12:00" in _read(return_request.label.zpl.name).decode()


def test_a_returnless_refund_gets_no_label(make_return, policy, django_capture_on_commit_callbacks):
    policy.returnless_refund_below = 1000
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return()
    assert return_request.returnless
    assert not Label.objects.exists()
    # Refunded with its approval (rma.warehouse.reactions): nothing is shipped.
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.REFUNDED


def test_a_return_under_review_gets_its_label_when_an_agent_approves_it(
    make_return, policy, django_capture_on_commit_callbacks
):
    from rma.returns.services import return_request_approve

    policy.auto_approve = False
    policy.review_order_value_above = 1
    policy.save()
    return_request = make_return()
    assert return_request.status == ReturnStatus.NEEDS_REVIEW
    assert not Label.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        return_request_approve(return_request=return_request, actor=None, note="ok")
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.LABEL_READY
    assert Label.objects.get().status == LabelStatus.READY


# ---- Idempotence and collisions


def test_generating_twice_gives_the_same_label_and_leaves_the_files_alone(approved_return):
    label = approved_return.label
    before = _files(label)
    mtimes = {kind: default_storage.get_modified_time(getattr(label, kind).name) for kind in before}

    again = label_generate(label_id=label.pk)
    label_generate_task.delay(label.pk)

    again.refresh_from_db()
    assert again.tracking_number == label.tracking_number
    assert again.attempts == 1
    assert _files(again) == before
    assert {kind: default_storage.get_modified_time(getattr(again, kind).name) for kind in before} == mtimes
    assert Label.objects.count() == 1
    assert approved_return.events.filter(to_status=ReturnStatus.LABEL_READY).count() == 1


def test_a_tracking_number_collision_is_survived_with_a_salted_reference(make_return):
    return_request = make_return()
    taken = tracking_number_for(str(return_request.public_id))
    Label.objects.create(status=LabelStatus.READY, tracking_number=taken)  # another label holds "our" number

    label = label_generate(label_id=return_request.label.pk)

    assert label.status == LabelStatus.READY
    assert label.tracking_number != taken
    assert label.tracking_number == tracking_number_for(f"{return_request.public_id}:1")
    assert tracking_number_is_valid(label.tracking_number)
    assert label.tracking_number in _read(label.zpl.name).decode()
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


# ---- Failures: retried with backoff, then failed (and visible), then retried by hand


def _pending_label_on(carrier_code: str, make_return) -> Label:
    return_request = make_return()
    label = return_request.label
    Label.objects.filter(pk=label.pk).update(carrier=carrier_code)
    return label


def test_a_carrier_that_fails_for_a_while_is_retried_until_the_label_is_ready(
    make_return, scripted_carrier, eager_retries
):
    carrier = scripted_carrier(transient=2)
    label = _pending_label_on("scripted", make_return)

    result = label_generate_task.delay(label.pk)  # eager: the retries run at once, without the backoff wait

    assert result.state == "SUCCESS"

    label.refresh_from_db()
    assert carrier.calls == 3
    assert label.status == LabelStatus.READY
    assert label.attempts == 3  # two failed attempts, then the good one
    assert label.last_error == ""
    assert tracking_number_is_valid(label.tracking_number)
    assert ReturnRequest.objects.get(pk=label.return_request_id).status == ReturnStatus.LABEL_READY


def test_a_carrier_that_keeps_failing_leaves_a_failed_label_with_its_error(
    make_return, scripted_carrier, eager_retries
):
    carrier = scripted_carrier(permanent=True)
    label = _pending_label_on("scripted", make_return)

    result = label_generate_task.delay(label.pk)

    assert result.state == "FAILURE"
    assert isinstance(result.result, CarrierUnavailable)

    label.refresh_from_db()
    assert carrier.calls == 1 + label_generate_task.max_retries
    assert label.status == LabelStatus.FAILED
    assert label.attempts == carrier.calls
    assert "CarrierUnavailable: carrier timeout #7" in label.last_error
    assert label.tracking_number is None
    assert not label.pdf
    assert ReturnRequest.objects.get(pk=label.return_request_id).status == ReturnStatus.APPROVED


def test_a_refusal_by_the_carrier_is_not_retried(make_return, scripted_carrier, eager_retries):
    carrier = scripted_carrier(refused=True)
    label = _pending_label_on("scripted", make_return)

    result = label_generate_task.delay(label.pk)

    assert result.state == "FAILURE"
    assert isinstance(result.result, CarrierError)

    label.refresh_from_db()
    assert carrier.calls == 1
    assert (label.status, label.attempts) == (LabelStatus.FAILED, 1)
    assert "address refused" in label.last_error


def test_a_failed_label_can_be_generated_again(
    make_return, scripted_carrier, eager_retries, django_capture_on_commit_callbacks
):
    scripted_carrier(refused=True)
    label = _pending_label_on("scripted", make_return)
    label_generate_task.delay(label.pk)
    label.refresh_from_db()
    assert label.status == LabelStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        retried = label_retry(label=label)
        enqueue_on_commit(label_generate_task, retried.pk)  # as the admin's action does
    assert retried.status == LabelStatus.PENDING

    label.refresh_from_db()
    assert label.status == LabelStatus.READY  # the carrier answers this time
    assert label.attempts == 2
    assert label.last_error == ""
    with pytest.raises(DomainError):
        label_retry(label=label)  # only failed labels


# ---- Void on cancel / expiry, sweep, purge


def test_cancelling_a_return_voids_its_label_at_the_carrier_too(
    make_return, scripted_carrier, django_capture_on_commit_callbacks
):
    carrier = scripted_carrier()
    label = _pending_label_on("scripted", make_return)
    label_generate_task.delay(label.pk)
    label.refresh_from_db()
    return_request = ReturnRequest.objects.get(pk=label.return_request_id)
    assert return_request.status == ReturnStatus.LABEL_READY

    with django_capture_on_commit_callbacks(execute=True):
        return_request_cancel(return_request=return_request, note="changed my mind")

    label.refresh_from_db()
    assert label.status == LabelStatus.VOIDED
    assert label.voided_at is not None
    assert label.carrier_voided_at is not None
    assert carrier.voided == [label.tracking_number]
    assert label_generate(label_id=label.pk).status == LabelStatus.VOIDED  # a late task changes nothing


def test_a_void_the_carrier_refuses_keeps_its_error_and_is_not_swept(
    make_return, scripted_carrier, eager_retries, django_capture_on_commit_callbacks
):
    carrier = scripted_carrier(void_refused=True)
    label = _pending_label_on("scripted", make_return)
    label_generate_task.delay(label.pk)
    with django_capture_on_commit_callbacks(execute=True):
        return_request_cancel(return_request=ReturnRequest.objects.get(pk=label.return_request_id))

    label.refresh_from_db()
    assert label.status == LabelStatus.VOIDED
    assert label.carrier_voided_at is None
    assert "parcel already scanned" in label.last_error
    assert carrier.voided == []
    Label.objects.filter(pk=label.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert labels_sweep_task.delay().get() == {"label_generate_task": 0, "label_void_task": 0}


def test_the_sweeper_sends_again_a_label_whose_retry_was_lost_once_no_retry_can_still_be_waiting(make_return):
    """A label failed twice; its retry (at most 320 s of backoff, then at most 90 s of work) never came: a worker
    was killed holding it, or Redis restarted empty. The sweeper sends it again within 8 minutes, not 15."""
    return_request = make_return()  # its label task waits for a commit that never comes in this test
    label = Label.objects.get(return_request=return_request)
    Label.objects.filter(pk=label.pk).update(attempts=2, last_error="carrier down")
    swept = labels_sweep(now=timezone.now() + timedelta(minutes=6))["label_generate_task"]
    assert swept == []  # its retry may still be waiting out its backoff
    assert labels_sweep(now=timezone.now() + timedelta(minutes=8))["label_generate_task"] == [label.pk]


def test_the_sweeper_sends_again_a_lost_void(approved_return, scripted_carrier):
    label = approved_return.label
    Label.objects.filter(pk=label.pk).update(
        carrier="scripted", status=LabelStatus.VOIDED, voided_at=timezone.now(), updated_at=timezone.now()
    )
    carrier = scripted_carrier()
    assert labels_sweep_task.delay().get() == {"label_generate_task": 0, "label_void_task": 0}  # not yet

    Label.objects.filter(pk=label.pk).update(updated_at=timezone.now() - timedelta(minutes=20))
    assert labels_sweep_task.delay().get() == {"label_generate_task": 0, "label_void_task": 1}

    label.refresh_from_db()
    assert label.carrier_voided_at is not None
    assert carrier.voided == [label.tracking_number]


def test_cancelling_before_the_label_exists_voids_it_and_the_late_task_makes_nothing(
    make_return, django_capture_on_commit_callbacks
):
    return_request = make_return()  # label pending, its task not run yet
    with django_capture_on_commit_callbacks(execute=True):
        return_request_cancel(return_request=return_request)

    label_generate_task.delay(return_request.label.pk)

    label = Label.objects.get()
    assert label.status == LabelStatus.VOIDED
    assert label.tracking_number is None
    assert not label.pdf
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.CANCELLED


def test_an_expired_return_has_its_label_voided(approved_return, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert return_requests_expire(now=timezone.now() + timedelta(days=60)) == 1
    label = Label.objects.get()
    assert label.status == LabelStatus.VOIDED
    assert label.carrier_voided_at is not None


def test_the_sweeper_sends_again_a_label_whose_task_was_lost(make_return):
    fresh = make_return()
    lost = make_return()
    Label.objects.filter(pk=lost.label.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert labels_sweep()["label_generate_task"] == [lost.label.pk]  # the fresh one's task may still be on its way

    assert labels_sweep_task.delay().get() == {"label_generate_task": 1, "label_void_task": 0}

    assert Label.objects.get(pk=lost.label.pk).status == LabelStatus.READY
    assert ReturnRequest.objects.get(pk=lost.pk).status == ReturnStatus.LABEL_READY
    # Not sent again, but made all the same: the lost label's task made the labels waiting with it.
    assert Label.objects.get(pk=fresh.label.pk).status == LabelStatus.READY


def test_the_sweeper_waits_longer_for_a_label_in_its_retry_backoff(make_return):
    return_request = make_return()
    Label.objects.filter(pk=return_request.label.pk).update(
        attempts=2, updated_at=timezone.now() - timedelta(minutes=5)
    )
    assert labels_sweep_task.delay().get() == {"label_generate_task": 0, "label_void_task": 0}
    Label.objects.filter(pk=return_request.label.pk).update(updated_at=timezone.now() - timedelta(minutes=20))
    assert labels_sweep_task.delay().get() == {"label_generate_task": 1, "label_void_task": 0}
    assert Label.objects.get().status == LabelStatus.READY


def test_a_broker_outage_loses_no_label(make_return, django_capture_on_commit_callbacks):
    """The broker is down when the approval commits: the label row is there, and the sweeper sends it later."""
    from returns_portal.celery import app
    from rma.core.queue import broker_breaker

    # A real broker that refuses connections (nothing listens on port 1), through fresh connection pools.
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    with pytest.MonkeyPatch.context() as patch:
        app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
        patch.setattr(app, "_pool", None)
        patch.setattr(app.amqp, "_producer_pool", None)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                return_request = make_return()  # must not raise although nothing can be queued
            assert broker_breaker.is_open()  # the next approvals do not wait ~2 s for the broker
            with django_capture_on_commit_callbacks(execute=True):
                second = make_return()
        finally:
            app.conf.update(saved)
            broker_breaker.reset()  # this process's broker is back for the next tests

    label = Label.objects.get(return_request=return_request)
    assert label.status == LabelStatus.PENDING
    Label.objects.filter(pk__in=[label.pk, second.label.pk]).update(updated_at=timezone.now() - timedelta(minutes=2))
    assert labels_sweep_task.delay().get() == {"label_generate_task": 2, "label_void_task": 0}
    label.refresh_from_db()
    assert label.status == LabelStatus.READY
    assert Label.objects.get(return_request=second).status == LabelStatus.READY


def test_purging_deletes_old_voided_labels_files_and_keeps_the_rows(make_return, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old, recent, kept = make_return(), make_return(), make_return()
    with django_capture_on_commit_callbacks(execute=True):
        return_request_cancel(return_request=ReturnRequest.objects.get(pk=old.pk))
        return_request_cancel(return_request=ReturnRequest.objects.get(pk=recent.pk))
    Label.objects.filter(return_request=old).update(voided_at=timezone.now() - timedelta(days=31))
    old_label = Label.objects.get(return_request=old)
    old_names = [getattr(old_label, kind).name for kind in ("pdf", "pdf_4x6", "zpl")]
    assert all(default_storage.exists(name) for name in old_names)

    assert labels_purge_voided_task.delay().get() == 1
    assert labels_purge_voided() == 0  # done once

    old_label.refresh_from_db()
    assert old_label.status == LabelStatus.VOIDED
    assert old_label.files_purged_at is not None
    assert old_label.tracking_number  # the row stays for the audit trail
    assert not old_label.pdf
    assert not old_label.pdf_4x6
    assert not old_label.zpl
    assert not any(default_storage.exists(name) for name in old_names)
    for other in (recent, kept):
        label = Label.objects.get(return_request=other)
        assert label.files_purged_at is None
        assert default_storage.exists(label.pdf.name)


def test_the_qr_payload_is_signed():
    payload = label_qr_payload(rma_number="R-7KQ2-M9XD")
    assert re.fullmatch(r"RMA:R-7KQ2-M9XD:[0-9A-F]{12}", payload)
    assert label_qr_payload_verify(payload=payload) == "R-7KQ2-M9XD"
    assert label_qr_payload_verify(payload=payload.replace("M9XD", "M9XE")) is None
    assert label_qr_payload_verify(payload="RMA:R-7KQ2-M9XD:000000000000") is None
    assert label_qr_payload_verify(payload="hello") is None


def test_a_return_without_destination_warehouse_fails_for_good(make_return, eager_retries):
    return_request = make_return()
    ReturnRequest.objects.filter(pk=return_request.pk).update(destination_warehouse=None)

    result = label_generate_task.delay(return_request.label.pk)

    assert result.state == "FAILURE"
    label = Label.objects.get()
    assert (label.status, label.attempts) == (LabelStatus.FAILED, 1)
    assert label.last_error.startswith("LabelError (no_destination_warehouse): ")
    assert label.tracking_number is None


def test_the_stored_pdf_scans_to_the_tracking_number_and_the_qr_payload(approved_return, tmp_path):
    """Rasterise the stored A6 PDF at 300 dpi and decode it, as a carrier's scanner would read the printed label."""
    require(
        all(shutil.which(tool) for tool in ("pdftoppm", "zbarimg")),
        "pdftoppm and zbarimg",
        "apt-get install -y poppler-utils zbar-tools",
    )
    label = approved_return.label
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(_read(label.pdf.name))
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", pdf, tmp_path / "page"], check=True, timeout=60)
    (image,) = tmp_path.glob("page*.png")
    scanned = subprocess.run(
        ["zbarimg", "-q", "--set", "*.enable=0", "--set", "code128.enable=1", "--set", "qrcode.enable=1", image],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.splitlines()
    assert sorted(scanned) == sorted([f"CODE-128:{label.tracking_number}", f"QR-Code:{label.qr_payload}"])
    assert label_qr_payload_verify(payload=label.qr_payload) == approved_return.rma_number
