"""Stored files (photos, labels, documents) served only through views that have checked who is asking.

The view checks the viewer's scope, then answers with ``stored_file_response``: the bytes streamed through this
process, or, when RMA_S3_SIGNED_REDIRECT is on and the files are in a bucket, a 302 to a presigned URL that expires
after RMA_S3_URL_EXPIRE_SECONDS. No other page, API answer or email ever carries a storage URL.

A store that does not answer (unreachable, timed out, or failing with a 5xx of its own) raises
``StorageUnavailable``; ``StorageUnavailableMiddleware`` answers it with a 503 and a Retry-After, as JSON under
/api/ and as a short page elsewhere, and logs it: the viewer may try again in a moment, and nothing is a bug.
"""

import logging
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as StoreConnectionError
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from rma.core.api.middleware import api_error_response, is_api_request

logger = logging.getLogger(__name__)

# Nothing in a served file may run or load anything, even if a browser were to take it for a page.
SANDBOX_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
# How long a viewer should wait before asking again when the store is away (a restart, a failover).
STORAGE_RETRY_AFTER_SECONDS = 10


class StorageUnavailable(Exception):
    """The storage holding the files did not answer: unreachable, timed out, or failing on its side (a 5xx)."""


def storage_is_down(error: BaseException) -> bool:
    """Whether `error`, raised by a storage call, says the store is away rather than the request or the setup wrong.

    Connection refused, timeouts, a connection dropped mid-answer, a 5xx (SlowDown, InternalError): yes. A 403
    (wrong keys, a bucket policy) or anything else: no, that stays a 500 someone has to look at.
    """
    if isinstance(error, StoreConnectionError | HTTPClientError):
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return int(status) >= 500
    return False


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

    404 when there is no file (no name, or gone from the storage); ``StorageUnavailable`` when the store does not
    answer. The content type is the stored one, never sniffed. Every call to the store happens here, before the
    answer leaves: a bucket's object is read into a spooled file by FileResponse (its size), not while streaming.
    """
    if not name:
        raise Http404
    try:
        return _stored_file_response(
            storage=storage,
            name=name,
            content_type=content_type,
            filename=filename,
            as_attachment=as_attachment,
            cache_control=cache_control,
        )
    except (BotoCoreError, ClientError) as error:
        if not storage_is_down(error):
            raise
        raise StorageUnavailable(f"{type(error).__name__}: {error}") from error


def _stored_file_response(
    *, storage: Storage, name: str, content_type: str, filename: str, as_attachment: bool, cache_control: str
) -> HttpResponseBase:
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


class StorageUnavailableMiddleware:
    """A file view whose store did not answer: 503 with Retry-After, JSON in the API's error shape under /api/, a
    short page elsewhere; logged as a warning with the request id (the store's trouble, not a bug of ours).

    Inside ApiErrorMiddleware in MIDDLEWARE, so that it sees the exception first (DRF views re-raise it: their
    exception handler leaves it alone)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if not isinstance(exception, StorageUnavailable):
            return None
        logger.warning("File storage unavailable on %s %s: %s", request.method, request.path, exception)
        headers = {"Retry-After": str(STORAGE_RETRY_AFTER_SECONDS)}
        if is_api_request(request):
            return api_error_response(request, 503, with_request_id=True, headers=headers)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = headers["Retry-After"]
        return response
