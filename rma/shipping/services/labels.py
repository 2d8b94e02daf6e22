"""Labels for returns: request one, generate it (once), record failures, retry, void and purge.

A label row is written in the transaction that approves the return; the row is the source of truth
and the Celery task that generates it is only a nudge, re-sent by the beat sweeper if it is lost.
"""

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.core.retries import retry_longest_wait
from rma.core.services import row_insert_or_get
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import transition_apply
from rma.returns.states import RELEASING_STATUSES
from rma.shipping.carriers import DEFAULT_CARRIER, Carrier, CarrierInputError, CarrierLabel, LabelRequest
from rma.shipping.choices import LabelStatus
from rma.shipping.lock_objects import label_qs_select_for_update, return_request_with_label_qs_select_for_update
from rma.shipping.models import Label
from rma.shipping.services.accounts import carrier_account_for, label_carrier
from rma.shipping.services.label_content import (
    LABEL_FORMATS,
    LabelError,
    label_content_build,
    label_qr_payload,
    label_qr_payload_verify,  # noqa: F401 - re-exported: the counter and arrivals read it from here
    label_render_files,
)
from rma.shipping.services.label_steps import (
    LINE_COLUMNS,  # noqa: F401 - re-exported: what a label reads of its return's lines
    label_files_store,
    label_ready_note,
    label_ready_set,
    label_request_build,
    return_lines_attach,
)
from rma.shipping.services.transitions import label_transition

logger = logging.getLogger(__name__)

# The built-in carrier has 10**8 serial numbers: a collision is rare but happens; each one costs a salted retry.
MAX_TRACKING_NUMBER_ATTEMPTS = 8
# A pending label untouched this long lost its task (broker down, worker killed): the sweeper re-sends it.
# With failed attempts behind it (each one recorded, which touches the row), a retry may be waiting out its
# backoff (rma.core.retries, at most 320 s) and then run up to its time limit (90 s): a minute more than both.
SWEEP_PENDING_AFTER = timedelta(minutes=1)
SWEEP_RETRYING_AFTER = timedelta(seconds=retry_longest_wait() + 90 + 60)
SWEEP_BATCH = 500
PURGE_VOIDED_AFTER = timedelta(days=30)
PURGE_BATCH = 500


# ---- Request, generate, fail, retry


# One row written at most, which a failure leaves to the caller's transaction: no savepoint of its own.
@transaction.atomic(savepoint=False)
def label_request(*, return_request: ReturnRequest, carrier: str = DEFAULT_CARRIER) -> tuple[Label, bool]:
    """Record that a return needs a label, with the carrier account the rules pick for it (none: `carrier`, the
    built-in one); asking twice gives the same row. True when the row is new: the caller then has it generated
    after commit (rma.shipping.tasks.label_generate_task)."""
    # No look for an existing row first: a return asks once (at its approval), and the insert below finds one.
    account = carrier_account_for(return_request=return_request)
    label = Label(
        return_request=return_request,
        carrier=account.carrier if account is not None else carrier,
        account=account,
        status=LabelStatus.PENDING,
        qr_payload=label_qr_payload(rma_number=return_request.rma_number),
    )
    # Inserted unless the row exists (a concurrent insert is waited for): one statement for a new label.
    stored, created = row_insert_or_get(instance=label, return_request=return_request)
    stored.return_request = return_request
    return stored, created


def _tracking_number_reserve(*, label: Label, carrier: Carrier, request: LabelRequest) -> CarrierLabel:
    """Ask the carrier for the label and keep its tracking number, with a salted reference after a collision.

    The first reference is the return's public id, so asking again (a retry after a timeout, a second delivery of
    the task) sends the same reference: a carrier that dedupes by reference answers with the parcel it already
    booked, and the built-in carrier derives the same number. A number that belongs to another label is asked
    again at once; the unique constraint still catches one taken by a label committed meanwhile (the attempt
    rolls back and its retry sees it). The number is saved with the label's other fields (label_generate).
    """
    for attempt in range(MAX_TRACKING_NUMBER_ATTEMPTS):
        reference = request.reference if attempt == 0 else f"{request.reference}:{attempt}"
        issued = carrier.create_label(request=replace(request, reference=reference))
        if Label.objects.filter(tracking_number=issued.tracking_number).exclude(pk=label.pk).exists():
            logger.warning("tracking number %s is taken; label %s asks again", issued.tracking_number, label.pk)
            continue
        label.tracking_number = issued.tracking_number
        return issued
    raise LabelError(
        _("The carrier kept issuing tracking numbers that are already used."), code="tracking_number_collisions"
    )


def _carrier_refused_for_customer(*, label: Label, error: CarrierInputError) -> Label:
    """The carrier refused something the customer can fix: the label fails at once (no retry would help), with
    the carrier's words kept for the customer's page, where they correct the address and try again."""
    label.attempts = min(label.attempts + 1, 32767)
    label.last_error = _error_text(error)[:4000]
    label.error_code = (error.code or "carrier_input")[:40]
    label.customer_error = str(error.customer_message)[:2000]
    fields = ["attempts", "last_error", "error_code", "customer_error"]
    if label.status == LabelStatus.FAILED:  # a late second delivery of the task, refused again
        label.save(update_fields=[*fields, "updated_at"])
    else:
        label_transition(label=label, to=LabelStatus.FAILED, fields=fields, locked=True)
    logger.info("label %s refused by the carrier (%s): %s", label.pk, error.code, error)
    return label


@transaction.atomic
def label_generate(*, label_id: int) -> Label:
    """Make a pending (or failed) label: tracking number, PDF A6 + 4x6 and ZPL files, then the return is label_ready.

    Safe to run any number of times: a ready or voided label is returned unchanged, so it never gets a second
    tracking number. If the return was cancelled or expired meanwhile, the label is voided instead.
    """
    # The return and its label (with what the label shows) found and locked by one statement, the return first.
    # One row (a label has one return): get() leaves out the ORDER BY that only the lock order of several rows needs.
    try:
        return_request = (
            return_request_with_label_qs_select_for_update()
            .select_related("order", "drop_off_point", "destination_warehouse", "label__account")
            .get(label__pk=label_id)
        )
    except ReturnRequest.DoesNotExist:
        Label.objects.only("pk").get(pk=label_id)  # no such label: DoesNotExist, as before
        raise LabelError(_("Only labels of returns can be generated for now."), code="label_without_return") from None
    label: Label = return_request.label
    if label.status in (LabelStatus.READY, LabelStatus.VOIDED):
        return label
    if return_request.status in RELEASING_STATUSES:
        # Never generated, so no tracking number: nothing to cancel at the carrier.
        voided, _carrier_to_tell = label_void(label=label)
        return voided

    # Read once, with what the label_ready message shows of them (rma.returns.message_content.payload_lines).
    return_lines_attach(return_requests=[return_request])
    content = label_content_build(label=label, return_request=return_request)
    request = label_request_build(label=label, return_request=return_request, content=content)
    try:
        # The carrier's messages for the customer come in the customer's language.
        with translation.override(return_request.locale or settings.LANGUAGE_CODE):
            issued = _tracking_number_reserve(label=label, carrier=label_carrier(label=label), request=request)
    except CarrierInputError as error:
        return _carrier_refused_for_customer(label=label, error=error)
    tracking_number = issued.tracking_number
    # The carrier's own label is the one its scanners read: keep its files, and only those. Without any, the
    # carrier prints nothing itself (the built-in carrier) and we render all of ours.
    files = dict(issued.documents) or label_render_files(content=replace(content, tracking_number=tracking_number))
    stored = label_files_store(label=label, files=files)
    fields = label_ready_set(label=label, issued=issued, content=content)
    label_transition(label=label, to=LabelStatus.READY, locked=True, fields=[*fields, *stored])  # read under lock
    if return_request.status == ReturnStatus.APPROVED:
        # The return's row is locked above (no second lock, no savepoint); its label is this one, ready.
        transition_apply(
            locked=return_request,
            to=ReturnStatus.LABEL_READY,
            actor_label="shipping",
            note=label_ready_note(tracking_number=tracking_number),
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
        if final and label.status != LabelStatus.FAILED:
            label_transition(label=label, to=LabelStatus.FAILED, fields=update_fields, locked=True)
        else:
            label.save(update_fields=update_fields)
    logger.warning("label %s attempt %s failed%s: %s", label_id, label.attempts, " for good" if final else "", message)
    return label


@transaction.atomic
def label_retry(*, label: Label) -> Label:
    """Put a failed label back to pending (the admin's "retry generation"); the caller has it generated after
    commit (rma.shipping.tasks.label_generate_task)."""
    locked = label_qs_select_for_update().get(pk=label.pk)
    if locked.status != LabelStatus.FAILED:
        raise LabelError(
            _("Only a failed label can be generated again; this one is “%(status)s”.")
            % {"status": LabelStatus(locked.status).label},
            code="label_not_failed",
        )
    return label_transition(label=locked, to=LabelStatus.PENDING, locked=True)


# ---- Void and purge


@transaction.atomic
def label_void(*, label: Label) -> tuple[Label, bool]:
    """Void a label (its return was cancelled or expired); True when the carrier must be told: the caller then
    has that done after commit, with retries (rma.shipping.tasks.label_void_task).

    Voiding twice is harmless. A label that never got a tracking number has nothing to cancel at the carrier.
    """
    locked = label_qs_select_for_update().get(pk=label.pk)
    if locked.status == LabelStatus.VOIDED:
        return locked, False
    locked.voided_at = timezone.now()
    label_transition(label=locked, to=LabelStatus.VOIDED, fields=["voided_at"], locked=True)
    return locked, bool(locked.tracking_number)


@transaction.atomic
def label_void_at_carrier(*, label_id: int) -> Label:
    """Cancel a voided label's parcel at its carrier (once; the carrier accepts a repeated void too)."""
    label = label_qs_select_for_update().select_related("account").get(pk=label_id)
    if label.status != LabelStatus.VOIDED or not label.tracking_number or label.carrier_voided_at is not None:
        return label
    # Through the account the label was made with: its credentials are the ones allowed to cancel it.
    label_carrier(label=label).void_label(tracking_number=label.tracking_number)
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
