"""Object storage settings (RMA_S3_*), read by returns_portal.settings.base.

Photos, labels, manifests and receipts go through Django's storage API: the local MEDIA_ROOT (base.py) by default, an
S3-compatible bucket (AWS, MinIO, Garage, Ceph, Scaleway...) when RMA_S3_BUCKET is set, so that every web and worker
process on every machine sees the same files. Objects stay private (no ACL): viewers get them only through our
scope-checked views, streamed, or (RMA_S3_SIGNED_REDIRECT) redirected to a presigned URL valid a few minutes.
https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
"""

from typing import Any

from returns_portal.env import env

RMA_S3_BUCKET = env("RMA_S3_BUCKET", default="")
RMA_S3_ENDPOINT_URL = env("RMA_S3_ENDPOINT_URL", default="")  # empty: AWS itself
RMA_S3_REGION = env("RMA_S3_REGION", default="")
# Empty: boto3's own chain (AWS_ACCESS_KEY_ID..., a profile, the instance's or task's role).
RMA_S3_ACCESS_KEY_ID = env("RMA_S3_ACCESS_KEY_ID", default="")
RMA_S3_SECRET_ACCESS_KEY = env("RMA_S3_SECRET_ACCESS_KEY", default="")
RMA_S3_PREFIX = env("RMA_S3_PREFIX", default="").strip("/")  # keys under "<prefix>/", to share a bucket
RMA_S3_URL_EXPIRE_SECONDS = env.int("RMA_S3_URL_EXPIRE_SECONDS", default=300)
RMA_S3_SIGNED_REDIRECT = env.bool("RMA_S3_SIGNED_REDIRECT", default=False)
# Where browsers reach the store when it differs from RMA_S3_ENDPOINT_URL (an inside address such as http://minio:9000):
# presigned URLs are signed for this one. Empty: the endpoint itself.
RMA_S3_PUBLIC_ENDPOINT_URL = env("RMA_S3_PUBLIC_ENDPOINT_URL", default="")
# "path" (bucket in the URL path: MinIO, Garage, most self-hosted stores) or "virtual" (bucket in the host name);
# default (unset or empty): path with an endpoint, AWS's own choice without.
RMA_S3_ADDRESSING_STYLE = env("RMA_S3_ADDRESSING_STYLE", default="") or ("path" if RMA_S3_ENDPOINT_URL else "auto")
# A hung store costs a request seconds, never forever: connect and read timeouts, a few retries with backoff.
RMA_S3_CONNECT_TIMEOUT_SECONDS = env.float("RMA_S3_CONNECT_TIMEOUT_SECONDS", default=2.0)
RMA_S3_READ_TIMEOUT_SECONDS = env.float("RMA_S3_READ_TIMEOUT_SECONDS", default=5.0)
RMA_S3_MAX_ATTEMPTS = env.int("RMA_S3_MAX_ATTEMPTS", default=3)
# The default storage when a bucket is named; None: the local MEDIA_ROOT.
S3_DEFAULT_STORAGE: dict[str, Any] | None = None
if RMA_S3_BUCKET:
    from rma.core.object_storage import s3_storage_options

    S3_DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(
            bucket=RMA_S3_BUCKET,
            endpoint_url=RMA_S3_ENDPOINT_URL,
            region=RMA_S3_REGION,
            access_key_id=RMA_S3_ACCESS_KEY_ID,
            secret_access_key=RMA_S3_SECRET_ACCESS_KEY,
            prefix=RMA_S3_PREFIX,
            url_expire_seconds=RMA_S3_URL_EXPIRE_SECONDS,
            addressing_style=RMA_S3_ADDRESSING_STYLE,
            connect_timeout=RMA_S3_CONNECT_TIMEOUT_SECONDS,
            read_timeout=RMA_S3_READ_TIMEOUT_SECONDS,
            max_attempts=RMA_S3_MAX_ATTEMPTS,
        ),
    }
