"""The steps of making a label that one label's generation (labels.label_generate) and a batch's
(label_batches.labels_generate_batch) share: read the returns' lines, build the carrier's request, store the files,
and set what a ready label holds."""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.prefetched import prefetched_set
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.carriers import CarrierLabel, LabelRequest
from rma.shipping.models import Label
from rma.shipping.rendering import LabelContent
from rma.shipping.services.accounts import return_point_carrier
from rma.shipping.services.label_content import LABEL_FORMATS, label_file_name

# What a parcel weighs when the account does not say (option "parcel_weight_grams"): the order lines carry no weight.
DEFAULT_PARCEL_WEIGHT_GRAMS = 1000
# What label_generate reads of a return's lines: the parcel's declared value (label_request_build) and the lines of
# the label_ready message (rma.returns.message_content.payload_lines). A reader of another column of these rows in
# the same transaction would cost a query per line: add the column here instead.
LINE_COLUMNS: tuple[str, ...] = (
    "return_request_id",
    "quantity",
    "order_line__sku",
    "order_line__name",
    "order_line__unit_price",
    "reason__code",
)
# The fields of a label that label_ready_set fills, besides its files and status.
READY_FIELDS: tuple[str, ...] = (
    "tracking_number",
    "qr_payload",
    "carrier_reference",
    "ready_at",
    "attempts",
    "last_error",
    "error_code",
    "customer_error",
)


def return_lines_attach(*, return_requests: Iterable[ReturnRequest]) -> None:
    """Read the lines of these returns in one query, with the columns their labels and label_ready messages read
    (LINE_COLUMNS), and give them to each return as prefetch_related would (without its machinery)."""
    by_return = {return_request.pk: return_request for return_request in return_requests}
    lines: dict[int, list[ReturnLine]] = {pk: [] for pk in by_return}
    for line in (
        ReturnLine.objects.filter(return_request_id__in=list(by_return))
        .select_related("order_line", "reason")
        .only(*LINE_COLUMNS)
        .order_by("id")
    ):
        lines[line.return_request_id].append(line)
    for pk, return_request in by_return.items():
        prefetched_set(instance=return_request, name="lines", rows=lines[pk])


def label_request_build(*, label: Label, return_request: ReturnRequest, content: LabelContent) -> LabelRequest:
    """What the carrier is asked for: who sends what to whom, from which drop-off, in which language."""
    point = return_request.drop_off_point
    # A point's id means something to its own network's carrier only: another carrier (an account whose carrier
    # was changed since the label was requested, a label of the built-in carrier) gets no point rather than
    # another network's id, which it would refuse with words the customer cannot act on.
    booking_carrier = label.account.carrier if label.account is not None else label.carrier
    at_booking_carriers_point = return_point_carrier(return_request=return_request) == booking_carrier
    point_id = point.carrier_point_id if point is not None and at_booking_carriers_point else ""
    value = sum((line.order_line.unit_price * line.quantity for line in return_request.lines.all()), Decimal("0"))
    options = label.account.options if label.account is not None else {}
    return LabelRequest(
        reference=str(return_request.public_id),
        sender=replace(content.sender, email=return_request.contact_email),
        recipient=content.recipient,
        rma_number=content.rma_number,
        qr_payload=content.qr_payload,
        weight_grams=_positive_int(options.get("parcel_weight_grams"), default=DEFAULT_PARCEL_WEIGHT_GRAMS),
        drop_off_method=return_request.drop_off_method,
        drop_off_point_id=point_id,
        language=(return_request.locale or settings.LANGUAGE_CODE)[:2],
        value_cents=int((value * 100).to_integral_value()),
        currency=return_request.currency,
    )


def _positive_int(value: object, *, default: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return number if number > 0 else default


def label_files_store(*, label: Label, files: Mapping[str, bytes]) -> list[str]:
    """Save the files under their fixed names (replacing any left by an attempt that rolled back); a format not
    in `files` is left empty, so that no download offers a file that does not exist."""
    for kind in LABEL_FORMATS:
        field_file: FieldFile = getattr(label, kind)
        name = label_file_name(label=label, kind=kind)
        # Deleting a missing file is no error (disk or bucket): one call, not a look then a delete per format.
        field_file.storage.delete(name)
        data = files.get(kind)
        field_file.name = field_file.storage.save(name, ContentFile(data)) if data else ""
    return list(LABEL_FORMATS)


def label_ready_set(*, label: Label, issued: CarrierLabel, content: LabelContent) -> list[str]:
    """Set on the instance what a label made from `issued` holds (its tracking number was set when it was issued);
    the fields to save with its files and its move to ready."""
    label.tracking_number = issued.tracking_number
    label.qr_payload = content.qr_payload
    label.carrier_reference = issued.carrier_reference[:100]
    label.ready_at = timezone.now()
    label.attempts = min(label.attempts + 1, 32767)
    label.last_error = ""
    label.error_code = ""
    label.customer_error = ""
    return list(READY_FIELDS)


def label_ready_note(*, tracking_number: str) -> str:
    """The note of the return's event when its label is ready."""
    return _("Label %(tracking_number)s is ready.") % {"tracking_number": tracking_number}
