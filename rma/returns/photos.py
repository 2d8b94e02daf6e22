"""The customer's photos of a return's lines: attached to drafts, and required where the reason asks for one."""

from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError, NotEligible
from rma.core.images import CheckedImage
from rma.orders.models import OrderLine
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReasonCode, ReturnLine, ReturnPhoto, ReturnRequest


def photos_required_check(*, return_request: ReturnRequest) -> None:
    """Refuse to go on while a line whose reason asks for a photo has none; the details name every such line."""
    missing = (
        ReturnLine.objects.filter(return_request=return_request, reason__requires_photo=True)
        .annotate(photo_count=Count("photos"))
        .filter(photo_count=0)
        .select_related("order_line", "reason")
        .order_by("id")
    )
    photos_missing_refuse(missing=[(line.order_line, line.reason) for line in missing])


def photos_missing_refuse(*, missing: Sequence[tuple[OrderLine, ReasonCode]]) -> None:
    if not missing:
        return
    refusals = {
        order_line.external_id: {
            "code": "photo_required",
            "message": _("Add a photo of %(sku)s: its reason (“%(reason)s”) asks for one.")
            % {"sku": order_line.sku, "reason": reason.label},
        }
        for order_line, reason in missing
    }
    raise NotEligible(next(iter(refusals.values()))["message"], code="photo_required", extra={"lines": refusals})


@transaction.atomic
def return_line_photo_add(*, return_line: ReturnLine, image: CheckedImage) -> ReturnPhoto:
    """Attach a picture checked by rma.core.images.image_check to a line of a draft return."""
    locked = return_request_qs_select_for_update().get(pk=return_line.return_request_id)
    if locked.status != ReturnStatus.DRAFT:
        raise Conflict(
            _("Photos can be added only before the return is submitted."),
            code="not_draft",
            extra={"status": locked.status},
        )
    limit = int(settings.RMA_PHOTOS_PER_LINE)
    if ReturnPhoto.objects.filter(return_line=return_line).count() >= limit:
        raise DomainError(
            _("You can send up to %(count)d photos per item.") % {"count": limit},
            code="too_many_photos",
            extra={"limit": limit},
        )
    photo = ReturnPhoto(return_line=return_line, content_type=image.content_type)
    photo.image.save(f"photo.{image.extension}", ContentFile(image.content), save=False)
    photo.save()
    return photo
