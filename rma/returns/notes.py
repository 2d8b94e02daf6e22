"""Internal notes on a return: written by agents, warehouse operators and admins, read only by them.

A note is never shown on the customer's pages, never put in a customer's email and never sent to the shop; what the
customer is told about a decision is the reason on the return's event (return_request_approve/reject).
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.returns.models import ReturnNote, ReturnRequest
from rma.returns.services import Actor

# The longest note (ReturnNote.body).
NOTE_MAX_LENGTH = 4000


@transaction.atomic
def return_note_add(*, return_request: ReturnRequest, author: Actor, body: str) -> ReturnNote:
    """Write an internal note on a return."""
    body = body.strip()
    if not body:
        raise DomainError(_("Write the note first."), code="note_required")
    if len(body) > NOTE_MAX_LENGTH:
        raise DomainError(_("A note is at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}, code="note_too_long")
    author_label = author.get_username() if author is not None and author.is_authenticated else "system"
    return ReturnNote.objects.create(
        return_request=return_request,
        author=author if author is not None and author.is_authenticated else None,
        author_label=author_label,
        body=body,
    )


def return_notes_list(*, return_request: ReturnRequest) -> QuerySet[ReturnNote]:
    """A return's internal notes, oldest first."""
    return (
        ReturnNote.objects.filter(return_request=return_request).select_related("author").order_by("created_at", "id")
    )
