"""The customer's photos for staff, by scope (session login): no file of a return is ever at a public URL."""

import uuid

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from rma.core.private_files import private_file_response
from rma.returns.selectors import return_photo_get


@require_safe
def return_photo_staff_view(request: HttpRequest, public_id: uuid.UUID, photo_id: int) -> HttpResponseBase:
    """A customer's photo: superusers and agents see all, shop and warehouse staff their sites' (else 404)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    photo = return_photo_get(user=request.user, public_id=public_id, photo_id=photo_id)
    if photo is None:
        raise Http404
    return private_file_response(field_file=photo.image, content_type=photo.content_type)
