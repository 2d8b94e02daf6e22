"""Photos taken at inspection, for whoever may see the return (session login); never at a public URL."""

from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from rma.core.private_files import private_file_response
from rma.warehouse.selectors import inspection_photo_get


@require_safe
def inspection_photo_view(request: HttpRequest, public_id: UUID, photo_id: int) -> HttpResponseBase:
    """An inspection photo: the destination warehouse's operators, the handling shop's staff, agents, superusers."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    photo = inspection_photo_get(user=request.user, public_id=public_id, photo_id=photo_id)
    if photo is None:
        raise Http404
    return private_file_response(field_file=photo.image, content_type=photo.content_type)
