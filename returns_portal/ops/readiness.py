"""Is this process able to serve? The database, the broker, the cache and the file storage, each with a short
timeout, so that a load balancer's probe answers within a few seconds even when one of them hangs (a bucket that
hangs costs up to two: the probe's upload waits for "100 Continue", then for the answer).
"""

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)

# Seconds a probe waits for the broker, the cache and the object store (each wait).
PROBE_TIMEOUT_SECONDS = 1.0


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def broker_check() -> None:
    """Redis answers a PING; the filesystem broker's queue folder exists and can be written."""
    url: str = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        redis_client(url).ping()
        return
    if url.startswith("filesystem://"):
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise OSError(f"the broker folder {folder} is missing or read-only")
        return
    raise ValueError(f"no readiness probe for the broker {url.split(':', 1)[0]}://")


def cache_check() -> None:
    key = f"rma:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


class StorageUnavailable(Exception):
    """The file storage cannot be used; its message says which one and why (shown by /readyz)."""


def _s3_probe_client(storage: S3Storage) -> Any:
    """A client of the storage's bucket with the probe's timeouts and no retry, made once per storage."""
    client = getattr(storage, "_rma_probe_client", None)
    if client is None:
        timeout = PROBE_TIMEOUT_SECONDS
        probe_config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 1})
        config = storage.client_config.merge(probe_config) if storage.client_config else probe_config
        client = storage._create_session().client(
            "s3",
            endpoint_url=storage.endpoint_url,
            region_name=storage.region_name,
            config=config,
            verify=storage.verify,
        )
        storage._rma_probe_client = client
    return client


def s3_storage_check(storage: S3Storage) -> None:
    """The bucket takes a tiny object and lets it be deleted (the rights the portal needs, and no more)."""
    key = storage._normalize_name(f".readyz/{uuid.uuid4().hex}")
    client = _s3_probe_client(storage)
    try:
        client.put_object(Bucket=storage.bucket_name, Key=key, Body=b"1")
        client.delete_object(Bucket=storage.bucket_name, Key=key)
    except ClientError as exc:  # the store answered no: NoSuchBucket, AccessDenied, InvalidAccessKeyId...
        raise StorageUnavailable(f"S3 {exc.response.get('Error', {}).get('Code') or type(exc).__name__}") from exc
    except BotoCoreError as exc:  # no answer: connection refused, timeout, no credentials
        raise StorageUnavailable(f"S3 {type(exc).__name__}") from exc


def storage_check() -> None:
    """Local disk: the media folder exists (or can be made) and is writable; a bucket: it takes a probe object."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = Path(storage.location)
        try:
            location.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"local folder {type(exc).__name__}") from exc
        if not os.access(location, os.W_OK):
            raise StorageUnavailable("local folder not writable")
        return
    if isinstance(storage, S3Storage):
        s3_storage_check(storage)
        return
    storage.exists("readyz-probe")


CHECKS: dict[str, Callable[[], None]] = {
    "database": database_check,
    "broker": broker_check,
    "cache": cache_check,
    "storage": storage_check,
}


def readiness_report() -> tuple[bool, dict[str, str]]:
    """Every check's outcome ("ok", or "failed: <error class>"; for the storage "failed: <which> <why>"), and whether
    all passed. Details go to the log."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except StorageUnavailable as exc:
            logger.warning("readiness: %s failed: %s", name, exc, exc_info=True)
            results[name] = f"failed: {exc}"
        except Exception as exc:
            logger.warning("readiness: %s failed", name, exc_info=True)
            results[name] = f"failed: {type(exc).__name__}"
        else:
            results[name] = "ok"
    return all(value == "ok" for value in results.values()), results
