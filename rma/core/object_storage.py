"""S3-compatible object storage: the options the settings give django-storages, and what only a bucket can do.

Imported by the settings module: nothing here reads settings or touches Django's app registry at import time.
"""

from typing import Any

from botocore.config import Config

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage_options(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
    prefix: str = "",
    url_expire_seconds: int = 300,
    addressing_style: str = "auto",
    connect_timeout: float = 2.0,
    read_timeout: float = 5.0,
    max_attempts: int = 3,
) -> dict[str, Any]:
    """The OPTIONS of ``STORAGES["default"]`` for a private bucket (also used by the tests' ``s3_storage``)."""
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        # Private objects: no ACL sent (the bucket's own policy applies, usually "owner only"); any URL is signed.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": url_expire_seconds,
        # Two uploads with the same name never replace each other: the second gets a suffixed key.
        "file_overwrite": False,
        "signature_version": "s3v4",
        # A file read from the bucket is kept in memory up to this size, then in a temporary file (0: all in memory).
        "max_memory_size": 5 * 1024 * 1024,
        "client_config": Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
        ),
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if region:
        options["region_name"] = region
    # Left out, django-storages and boto3 look for keys themselves (environment, profile, instance or task role).
    if access_key_id:
        options["access_key"] = access_key_id
    if secret_access_key:
        options["secret_key"] = secret_access_key
    return options
