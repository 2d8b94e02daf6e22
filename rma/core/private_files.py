"""Stored files (photos, labels, documents) served only through views that have checked who is asking.

The view checks the viewer's scope, then answers with ``stored_file_response``: the bytes streamed through this
process, or, when RMA_S3_SIGNED_REDIRECT is on and the files are in a bucket, a 302 to a presigned URL that expires
after RMA_S3_URL_EXPIRE_SECONDS. No other page, API answer or email ever carries a storage URL.
"""

from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Nothing in a served file may run or load anything, even if a browser were to take it for a page.
SANDBOX_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def stored_file_open(field_file: FieldFile) -> File:
    """The stored file opened for reading, or a 404 when there is none (no name, or gone from the storage)."""
    if not field_file.name:
        raise Http404
    return _open(field_file.storage, field_file.name)


def _open(storage: Storage, name: str) -> File:
    try:
        return storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None


def signed_redirect_enabled(storage: Storage) -> bool:
    """Whether viewers are sent to the bucket itself (a presigned URL) rather than streamed the bytes."""
    return bool(settings.RMA_S3_SIGNED_REDIRECT) and isinstance(storage, S3Storage)


def _signing_client(storage: S3Storage) -> Any:
    """The S3 client that signs download URLs: the storage's own, or one on the address browsers use.

    A signature covers the host, so a store the processes reach at an inside address (http://minio:9000) is signed
    for its public one (RMA_S3_PUBLIC_ENDPOINT_URL) by a client of its own, made once per storage.
    """
    public_endpoint = settings.RMA_S3_PUBLIC_ENDPOINT_URL
    if not public_endpoint or public_endpoint == storage.endpoint_url:
        return storage.connection.meta.client
    client = getattr(storage, "_rma_signing_client", None)
    if client is None:
        client = storage._create_session().client(
            "s3",
            endpoint_url=public_endpoint,
            region_name=storage.region_name,
            config=storage.client_config,
            verify=storage.verify,
        )
        storage._rma_signing_client = client
    return client


def presigned_download_url(*, storage: S3Storage, name: str, content_type: str, content_disposition: str) -> str:
    """A URL that downloads the object for RMA_S3_URL_EXPIRE_SECONDS, with the content type and disposition set."""
    return str(
        _signing_client(storage).generate_presigned_url(
            "get_object",
            Params={
                "Bucket": storage.bucket_name,
                "Key": storage._normalize_name(clean_name(name)),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=int(settings.RMA_S3_URL_EXPIRE_SECONDS),
            HttpMethod="GET",
        )
    )


def stored_file_response(
    *,
    storage: Storage,
    name: str,
    content_type: str,
    filename: str = "",
    as_attachment: bool = False,
    cache_control: str = "private, no-store",
) -> HttpResponseBase:
    """The stored file for a viewer whose scope the caller has checked: streamed, or a 302 to a presigned URL.

    404 when there is no file (no name, or gone from the storage). The content type is the stored one, never sniffed.
    """
    if not name:
        raise Http404
    disposition = content_disposition_header(as_attachment, filename) or "inline"
    response: HttpResponseBase
    if isinstance(storage, S3Storage) and signed_redirect_enabled(storage):
        if not storage.exists(name):
            raise Http404
        url = presigned_download_url(
            storage=storage, name=name, content_type=content_type, content_disposition=disposition
        )
        response = HttpResponseRedirect(url)
        # The URL expires within minutes: the redirect itself is never kept, and never leaks in a Referer.
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
    else:
        response = FileResponse(_open(storage, name), content_type=content_type)
        response["Content-Disposition"] = disposition
        response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Vary"] = "Cookie, Authorization"
    return response


def private_file_response(*, field_file: FieldFile, content_type: str, filename: str = "") -> HttpResponseBase:
    """A picture shown in the browser (inline) with its stored content type, never sniffed, never in a shared cache.

    404 when the file is missing from the storage. The caller has checked the viewer's scope.
    """
    response = stored_file_response(
        storage=field_file.storage,
        name=field_file.name or "",
        content_type=content_type,
        filename=filename,
        cache_control="private, max-age=300",
    )
    response["Content-Security-Policy"] = SANDBOX_POLICY
    return response


def field_file_response(
    *, field_file: FieldFile, content_type: str, filename: str, as_attachment: bool = True
) -> HttpResponseBase:
    """A document (label, manifest) as an attachment named ``filename``, kept out of every cache."""
    return stored_file_response(
        storage=field_file.storage,
        name=field_file.name or "",
        content_type=content_type,
        filename=filename,
        as_attachment=as_attachment,
    )
