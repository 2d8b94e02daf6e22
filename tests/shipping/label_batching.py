"""What the tests of labels made in batches share: what "made" means, and a label whose files cannot be written.

The approved returns whose labels wait are the `waiting` fixture (tests/shipping/conftest.py)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.carriers.builtin import tracking_number_is_valid
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_file_name


def label_of(return_request: ReturnRequest) -> Label:
    return Label.objects.get(return_request=return_request)


def made(return_request: ReturnRequest) -> bool:
    """The label is ready with its files, and the return moved to label_ready with its event and email, once."""
    label = label_of(return_request)
    stored = all(default_storage.exists(label_file_name(label=label, kind=kind)) for kind in ("pdf", "pdf_4x6", "zpl"))
    notes = ReturnEvent.objects.filter(return_request=return_request, to_status=ReturnStatus.LABEL_READY).values_list(
        "note", flat=True
    )
    emails = OutboxMessage.objects.filter(
        dedupe_key=f"return:{return_request.public_id}:label_ready:customer-email"
    ).values_list("payload__tracking_number", flat=True)
    return (
        label.status == LabelStatus.READY
        and label.attempts == 1
        and tracking_number_is_valid(label.tracking_number)
        and label.pdf.name == label_file_name(label=label, kind="pdf")
        and stored
        and ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY
        and len(notes) == 1
        and label.tracking_number in notes[0]
        and list(emails) == [label.tracking_number]
    )


def files_blocked(label: Label) -> None:
    """Make the label's A6 file impossible to write: a directory with a file in it holds its name."""
    directory = default_storage.path(label_file_name(label=label, kind="pdf"))
    default_storage.save(f"{label_file_name(label=label, kind='pdf')}/keep", ContentFile(b""))
    assert default_storage.exists(directory)
