"""Stored files (photos, documents) served only through views that have checked who is asking."""

from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

# Nothing in a served file may run or load anything, even if a browser were to take it for a page.
SANDBOX_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def stored_file_open(field_file: FieldFile) -> File:
    """The stored file opened for reading, or a 404 when there is none (no name, or gone from the storage)."""
    if not field_file.name:
        raise Http404
    try:
        return field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None


def private_file_response(*, field_file: FieldFile, content_type: str, filename: str = "") -> FileResponse:
    """The file shown in the browser (inline) with its stored content type, never sniffed, never in a shared cache.

    404 when the file is missing from the storage. The caller has checked the viewer's scope.
    """
    response = FileResponse(stored_file_open(field_file), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"' if filename else "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Vary"] = "Cookie, Authorization"
    return response
