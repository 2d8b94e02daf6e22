"""Labels for returns: request one, generate it (once), record failures, retry, void and purge.

A label row is written in the transaction that approves the return; the row is the source of truth
and the Celery task that generates it is only a nudge, re-sent by the beat sweeper if it is lost.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from rma.core.exceptions import DomainError
from rma.locations.choices import DropOffMethod
from rma.notifications.services import broker_breaker
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_transition
from rma.returns.states import RELEASING_STATUSES
from rma.shipping.carriers import DEFAULT_CARRIER, Address, Carrier, LabelRequest, get_carrier
from rma.shipping.lock_objects import label_qs_select_for_update
from rma.shipping.models import Label, LabelStatus
from rma.shipping.rendering import LabelContent, render_label_pdf, render_label_zpl

logger = logging.getLogger(__name__)

# The files of a label, by the name of the Label field that holds each one.
LABEL_FORMATS: tuple[str, ...] = ("pdf", "pdf_4x6", "zpl")
_RENDERERS: dict[str, Callable[[LabelContent], bytes]] = {
    "pdf": lambda content: render_label_pdf(content=content, size="A6"),
    "pdf_4x6": lambda content: render_label_pdf(content=content, size="4x6"),
    "zpl": lambda content: render_label_zpl(content=content).encode(),
}
_FILE_SUFFIXES = {"pdf": ".pdf", "pdf_4x6": "-4x6.pdf", "zpl": ".zpl"}

# The built-in carrier has 10**8 serial numbers: a collision is rare but happens; each one costs a salted retry.
MAX_TRACKING_NUMBER_ATTEMPTS = 8
# A pending label untouched this long lost its task (broker down, worker killed): the sweeper re-sends it.
# With failed attempts behind it, a retry may be waiting out its backoff (at most 10 minutes): wait longer.
SWEEP_PENDING_AFTER = timedelta(minutes=1)
SWEEP_RETRYING_AFTER = timedelta(minutes=15)
SWEEP_BATCH = 500
PURGE_VOIDED_AFTER = timedelta(days=30)
PURGE_BATCH = 500
_QR_SALT = "rma.shipping.label_qr_payload"
_QR_PREFIX = "RMA"


class LabelError(DomainError):
    """A label cannot be made from this return as it is (a permanent failure, not worth retrying)."""

    code = "label_error"
    http_status = 409


# ---- QR payload for label-free drop-off


def _qr_signature(rma_number: str, secret: str | None = None) -> str:
    return salted_hmac(_QR_SALT, rma_number, secret=secret, algorithm="sha256").hexdigest()[:12].upper()


def label_qr_payload(*, rma_number: str) -> str:
    """The short signed code a drop-off point scans instead of a printed label, e.g. "RMA:R-7KQ2-M9XD:3F9A1C0B7D2E".

    It names the return without revealing its public id (which opens the customer's pages).
    """
    return f"{_QR_PREFIX}:{rma_number}:{_qr_signature(rma_number)}"


def label_qr_payload_verify(*, payload: str) -> str | None:
    """The RMA number a scanned QR payload stands for, or None when it is not one of ours."""
    prefix, _sep, rest = payload.strip().partition(":")
    rma_number, _sep, signature = rest.rpartition(":")
    if prefix != _QR_PREFIX or not rma_number or not signature:
        return None
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if constant_time_compare(signature.upper(), _qr_signature(rma_number, secret)):
            return rma_number
    return None


# ---- Content and rendering (pure: no database, no storage; the benchmark calls these too)


def carrier_display_name(*, code: str) -> str:
    """The name printed in the label's header: our brand for the built-in carrier."""
    if code == DEFAULT_CARRIER:
        return settings.RMA_BRAND_NAME
    return code.replace("_", " ").title()


def _reference_lines(return_request: ReturnRequest) -> tuple[str, ...]:
    method = return_request.drop_off_method
    lines = [str(DropOffMethod(method).label) if method in DropOffMethod.values else method]
    if method == DropOffMethod.HOME_PICKUP:
        if return_request.pickup_date:
            lines.append(f"{return_request.pickup_date:%d/%m/%Y} {return_request.pickup_slot}".strip())
    elif return_request.drop_off_point is not None:
        lines.append(return_request.drop_off_point.name)
    lines.append(_("Order %(number)s") % {"number": return_request.order.number})
    return tuple(line for line in lines if line)


def label_content_build(*, label: Label, return_request: ReturnRequest, tracking_number: str = "") -> LabelContent:
    """What a return's label shows: from the customer (order address) to the destination warehouse.

    For a shop drop-off the parcel is handed over at the counter, but it still travels to the warehouse.
    """
    order = return_request.order
    warehouse = return_request.destination_warehouse
    if warehouse is None:
        raise LabelError(_("The return has no destination warehouse."), code="no_destination_warehouse")
    sender = Address(
        name=return_request.contact_name or order.customer_name or order.customer_email,
        line1=order.address_line1,
        line2=order.address_line2,
        postcode=order.postcode,
        city=order.city,
        country=order.country,
        phone=order.customer_phone,
    )
    recipient = Address(
        name=warehouse.name,
        line1=warehouse.address_line1,
        line2=warehouse.address_line2,
        postcode=warehouse.postcode,
        city=warehouse.city,
        country=warehouse.country,
        phone=warehouse.phone,
    )
    with translation.override(return_request.locale or settings.LANGUAGE_CODE):
        reference_lines = _reference_lines(return_request)
    return LabelContent(
        sender=sender,
        recipient=recipient,
        rma_number=return_request.rma_number,
        tracking_number=tracking_number,
        qr_payload=label.qr_payload or label_qr_payload(rma_number=return_request.rma_number),
        carrier_name=carrier_display_name(code=label.carrier),
        reference_lines=reference_lines,
    )


def label_render_files(*, content: LabelContent, formats: Iterable[str] = LABEL_FORMATS) -> dict[str, bytes]:
    """Render the label's files: {"pdf": A6 PDF, "pdf_4x6": 4x6 in PDF, "zpl": ZPL (UTF-8)}, or those asked for."""
    return {name: _RENDERERS[name](content) for name in formats}


def label_file_name(*, label: Label, kind: str) -> str:
    """The storage name of one of a label's files: the same every time, so a retry overwrites, never adds."""
    return f"labels/{label.public_id}{_FILE_SUFFIXES[kind]}"


# ---- Request, generate, fail, retry


def _enqueue_on_commit(task_name: str, label_id: int) -> None:
    """Send a label task once the transaction commits; a broker outage is logged, the sweeper re-sends later.

    Publishing to a broker that is down takes about 2 s before it fails: the process-wide breaker of the
    outbox (same broker) stops trying for a while after a failure, so that requests stay fast meanwhile.
    """

    def send() -> None:
        if broker_breaker.is_open():
            logger.info("broker down: label %s waits for the sweeper", label_id)
            return
        from rma.shipping import tasks  # the tasks import these services

        try:
            getattr(tasks, task_name).delay(label_id)
        except (KombuError, OSError):
            broker_breaker.trip()
            logger.warning("could not queue %s for label %s; the sweeper will", task_name, label_id, exc_info=True)
            return
        broker_breaker.reset()

    transaction.on_commit(send)


@transaction.atomic
def label_request(*, return_request: ReturnRequest, carrier: str = DEFAULT_CARRIER) -> Label:
    """Record that a return needs a label and have it generated after commit; asking twice gives the same row."""
    label, created = Label.objects.get_or_create(
        return_request=return_request,
        defaults={
            "carrier": carrier,
            "status": LabelStatus.PENDING,
            "qr_payload": label_qr_payload(rma_number=return_request.rma_number),
        },
    )
    if created:
        _enqueue_on_commit("label_generate_task", label.pk)
    return label


def _tracking_number_reserve(*, label: Label, carrier: Carrier, request: LabelRequest) -> str:
    """Ask the carrier for the label and keep its tracking number, with a salted reference after a collision.

    The first reference is the return's public id, so asking again (a retry, a second delivery of the task)
    gets the same number from the carrier; the unique constraint catches a number that belongs to another label.
    """
    for attempt in range(MAX_TRACKING_NUMBER_ATTEMPTS):
        reference = request.reference if attempt == 0 else f"{request.reference}:{attempt}"
        issued = carrier.create_label(request=replace(request, reference=reference))
        try:
            with transaction.atomic():
                Label.objects.filter(pk=label.pk).update(tracking_number=issued.tracking_number)
        except IntegrityError:
            logger.warning("tracking number %s is taken; label %s asks again", issued.tracking_number, label.pk)
            continue
        label.tracking_number = issued.tracking_number
        return issued.tracking_number
    raise LabelError(
        _("The carrier kept issuing tracking numbers that are already used."), code="tracking_number_collisions"
    )


def _files_store(*, label: Label, files: dict[str, bytes]) -> list[str]:
    """Save the files under their fixed names (replacing any left by an attempt that rolled back)."""
    for kind, data in files.items():
        field_file: FieldFile = getattr(label, kind)
        name = label_file_name(label=label, kind=kind)
        if field_file.storage.exists(name):
            field_file.storage.delete(name)
        field_file.name = field_file.storage.save(name, ContentFile(data))
    return list(files)


@transaction.atomic
def label_generate(*, label_id: int) -> Label:
    """Make a pending (or failed) label: tracking number, PDF A6 + 4x6 and ZPL files, then the return is label_ready.

    Safe to run any number of times: a ready or voided label is returned unchanged, so it never gets a second
    tracking number. If the return was cancelled or expired meanwhile, the label is voided instead.
    """
    return_request_id = Label.objects.values_list("return_request_id", flat=True).get(pk=label_id)
    if return_request_id is None:
        raise LabelError(_("Only labels of returns can be generated for now."), code="label_without_return")
    return_request = (
        return_request_qs_select_for_update()
        .select_related("order", "drop_off_point", "destination_warehouse")
        .get(pk=return_request_id)
    )
    label = label_qs_select_for_update().get(pk=label_id)
    if label.status in (LabelStatus.READY, LabelStatus.VOIDED):
        return label
    if return_request.status in RELEASING_STATUSES:
        return label_void(label=label)

    content = label_content_build(label=label, return_request=return_request)
    request = LabelRequest(
        reference=str(return_request.public_id),
        sender=content.sender,
        recipient=content.recipient,
        rma_number=content.rma_number,
        qr_payload=content.qr_payload,
    )
    tracking_number = _tracking_number_reserve(label=label, carrier=get_carrier(label.carrier), request=request)
    files = label_render_files(content=replace(content, tracking_number=tracking_number))
    stored = _files_store(label=label, files=files)

    label.status = LabelStatus.READY
    label.qr_payload = content.qr_payload
    label.ready_at = timezone.now()
    label.attempts = min(label.attempts + 1, 32767)
    label.last_error = ""
    label.save(
        update_fields=[
            "status",
            "tracking_number",
            "qr_payload",
            "ready_at",
            "attempts",
            "last_error",
            *stored,
            "updated_at",
        ]
    )
    if return_request.status == ReturnStatus.APPROVED:
        return_request_transition(
            return_request=return_request,
            to=ReturnStatus.LABEL_READY,
            actor_label="shipping",
            note=_("Label %(tracking_number)s is ready.") % {"tracking_number": tracking_number},
        )
    return label


def _error_text(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error
    if isinstance(error, DomainError):
        return f"{type(error).__name__} ({error.code}): {error}"
    return f"{type(error).__name__}: {error}"


def label_generation_failed(*, label_id: int, error: BaseException | str, final: bool) -> Label | None:
    """Count a failed attempt and keep its error; after the last retry the label is failed (the admin lists it)."""
    message = _error_text(error)
    with transaction.atomic():
        label = label_qs_select_for_update().filter(pk=label_id).first()
        if label is None or label.status in (LabelStatus.READY, LabelStatus.VOIDED):
            return label
        label.attempts = min(label.attempts + 1, 32767)
        label.last_error = message[:4000]
        update_fields = ["attempts", "last_error", "updated_at"]
        if final:
            label.status = LabelStatus.FAILED
            update_fields.append("status")
        label.save(update_fields=update_fields)
    logger.warning("label %s attempt %s failed%s: %s", label_id, label.attempts, " for good" if final else "", message)
    return label


@transaction.atomic
def label_retry(*, label: Label) -> Label:
    """Put a failed label back in the queue (the admin's "retry generation")."""
    locked = label_qs_select_for_update().get(pk=label.pk)
    if locked.status != LabelStatus.FAILED:
        raise LabelError(
            _("Only a failed label can be generated again; this one is “%(status)s”.")
            % {"status": LabelStatus(locked.status).label},
            code="label_not_failed",
        )
    locked.status = LabelStatus.PENDING
    locked.save(update_fields=["status", "updated_at"])
    _enqueue_on_commit("label_generate_task", locked.pk)
    return locked


# ---- Void and purge


@transaction.atomic
def label_void(*, label: Label) -> Label:
    """Void a label (its return was cancelled or expired); the carrier is told after commit, with retries.

    Voiding twice is harmless. A label that never got a tracking number has nothing to cancel at the carrier.
    """
    locked = label_qs_select_for_update().get(pk=label.pk)
    if locked.status == LabelStatus.VOIDED:
        return locked
    locked.status = LabelStatus.VOIDED
    locked.voided_at = timezone.now()
    locked.save(update_fields=["status", "voided_at", "updated_at"])
    if locked.tracking_number:
        _enqueue_on_commit("label_void_task", locked.pk)
    return locked


@transaction.atomic
def label_void_at_carrier(*, label_id: int) -> Label:
    """Cancel a voided label's parcel at its carrier (once; the carrier accepts a repeated void too)."""
    label = label_qs_select_for_update().get(pk=label_id)
    if label.status != LabelStatus.VOIDED or not label.tracking_number or label.carrier_voided_at is not None:
        return label
    get_carrier(label.carrier).void_label(tracking_number=label.tracking_number)
    label.carrier_voided_at = timezone.now()
    label.save(update_fields=["carrier_voided_at", "updated_at"])
    return label


def label_void_at_carrier_failed(*, label_id: int, error: BaseException | str, final: bool) -> Label | None:
    """Note a failed void at the carrier; after the last retry keep the error, and the sweeper stops asking."""
    with transaction.atomic():
        label = label_qs_select_for_update().filter(pk=label_id).first()
        if label is None or label.status != LabelStatus.VOIDED or label.carrier_voided_at is not None:
            return label
        update_fields = ["updated_at"]  # the sweeper leaves alone a void whose retries are still under way
        if final:
            label.last_error = _("Void at the carrier failed: %(error)s") % {"error": _error_text(error)[:4000]}
            update_fields.append("last_error")
        label.save(update_fields=update_fields)
    logger.warning("void of label %s at the carrier failed%s: %s", label_id, " for good" if final else "", error)
    return label


def labels_sweep(*, now: datetime | None = None) -> dict[str, list[int]]:
    """The ids of labels whose task was lost (broker down, worker killed), by the task to send them again."""
    now = now or timezone.now()
    stale_pending = Label.objects.filter(
        Q(attempts=0, updated_at__lt=now - SWEEP_PENDING_AFTER) | Q(updated_at__lt=now - SWEEP_RETRYING_AFTER),
        status=LabelStatus.PENDING,
    )
    # Voids are not urgent: give a void's own retries time to end; one that failed for good keeps its error.
    unconfirmed_voids = Label.objects.filter(
        status=LabelStatus.VOIDED,
        tracking_number__isnull=False,
        carrier_voided_at__isnull=True,
        last_error="",
        updated_at__lt=now - SWEEP_RETRYING_AFTER,
    )
    return {
        "label_generate_task": list(stale_pending.order_by("updated_at").values_list("pk", flat=True)[:SWEEP_BATCH]),
        "label_void_task": list(unconfirmed_voids.order_by("updated_at").values_list("pk", flat=True)[:SWEEP_BATCH]),
    }


def labels_purge_voided(*, older_than: timedelta = PURGE_VOIDED_AFTER, now: datetime | None = None) -> int:
    """Delete the files of labels voided more than `older_than` ago; the rows stay for the audit trail."""
    now = now or timezone.now()
    candidates = Label.objects.filter(
        status=LabelStatus.VOIDED, voided_at__lt=now - older_than, files_purged_at__isnull=True
    ).values_list("pk", flat=True)[:PURGE_BATCH]
    purged = 0
    for label_id in list(candidates):
        with transaction.atomic():
            label = label_qs_select_for_update().filter(pk=label_id, files_purged_at__isnull=True).first()
            if label is None:
                continue
            for kind in LABEL_FORMATS:
                field_file: FieldFile = getattr(label, kind)
                if field_file.name:
                    field_file.storage.delete(field_file.name)  # deleting a missing file is not an error
                    field_file.name = ""
            label.files_purged_at = now
            label.save(update_fields=[*LABEL_FORMATS, "files_purged_at", "updated_at"])
        purged += 1
    return purged
