"""A real S3-compatible server for the tests: moto in server mode, started as a subprocess on a free local port.

``object_store`` (session): the server, with one bucket for the session and keys to sign with.
``s3_storage`` (test): Django's default storage switched to that server, in a bucket of the test's own, with the
production options (rma.core.object_storage.s3_storage_options); yields the ``S3Bucket`` to look into with boto3.
``moto_server_start`` starts a server of a test's own (to stop it, for example).
"""

import contextlib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest
import requests

from rma.core.object_storage import S3_BACKEND, s3_storage_options
from tests.conftest import require

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
ENABLE_MOTO = "pip install 'moto[server]' (then .venv/bin/moto_server must exist)"
# moto accepts any key pair; these only have to be the same on both sides.
ACCESS_KEY_ID = "testing-access-key"
SECRET_ACCESS_KEY = "testing-secret-key"  # noqa: S105 - a fake server's fake key
REGION = "eu-west-3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ObjectStore:
    """One running moto server: where it listens, how to sign, its session bucket."""

    endpoint_url: str
    bucket: str
    access_key_id: str
    secret_access_key: str
    region: str
    process: subprocess.Popen[bytes]

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )

    def bucket_create(self, name: str = "") -> str:
        name = name or f"rma-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
        return name

    def object_keys(self, bucket: str = "") -> list[str]:
        """Every key in the bucket (the session's by default), sorted."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket or self.bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@contextlib.contextmanager
def moto_server_start(log_path: Path) -> Iterator[ObjectStore]:
    """A moto server of its own on a free port, with one bucket; stopped on exit."""
    require(MOTO_SERVER.exists(), "moto's S3 server (moto_server)", ENABLE_MOTO)
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own virtualenv's binary, fixed arguments
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    store = ObjectStore(
        endpoint_url=f"http://127.0.0.1:{port}",
        bucket="",
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        region=REGION,
        process=process,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"moto_server exited with {process.returncode}: {log_path.read_text()[-2000:]}")
            try:
                requests.get(f"{store.endpoint_url}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not answer within 20 s: {log_path.read_text()[-2000:]}")
                time.sleep(0.05)
        store.bucket = store.bucket_create()
        yield store
    finally:
        store.stop()


@pytest.fixture(scope="session")
def object_store(tmp_path_factory) -> Iterator[ObjectStore]:
    """moto's S3 server for the whole test session (one per xdist process), with a session bucket."""
    with moto_server_start(tmp_path_factory.mktemp("moto") / "moto_server.log") as store:
        yield store


@dataclass
class S3Bucket:
    """The bucket a test's default storage writes into."""

    store: ObjectStore
    name: str

    def object_keys(self) -> list[str]:
        return self.store.object_keys(self.name)

    def read(self, key: str) -> bytes:
        return bytes(self.store.client().get_object(Bucket=self.name, Key=key)["Body"].read())


def s3_storages_setting(store: ObjectStore, bucket: str, **overrides: Any) -> dict[str, dict[str, Any]]:
    """``STORAGES`` with the default storage on ``bucket`` of ``store``, as the settings build it for RMA_S3_*."""
    options = s3_storage_options(
        bucket=bucket,
        endpoint_url=store.endpoint_url,
        region=store.region,
        access_key_id=store.access_key_id,
        secret_access_key=store.secret_access_key,
        addressing_style="path",
        **overrides,
    )
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def s3_storage(settings, object_store) -> S3Bucket:
    """Django's default storage on the S3 server, in a fresh bucket of this test's own."""
    bucket = object_store.bucket_create()
    expire = settings.RMA_S3_URL_EXPIRE_SECONDS
    settings.STORAGES = s3_storages_setting(object_store, bucket, url_expire_seconds=expire)
    settings.RMA_S3_BUCKET = bucket
    settings.RMA_S3_ENDPOINT_URL = object_store.endpoint_url
    return S3Bucket(store=object_store, name=bucket)


def signed_download(response: Any, bucket: S3Bucket, *, expire_seconds: int) -> requests.Response:
    """Check a 302 to a presigned URL of ``bucket`` that expires ``expire_seconds`` after now, then follow it."""
    assert response.status_code == 302
    location = response["Location"]
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query))
    assert f"{parts.scheme}://{parts.netloc}" == bucket.store.endpoint_url
    assert parts.path.startswith(f"/{bucket.name}/")
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Signature"]
    assert query["X-Amz-Expires"] == str(expire_seconds)
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((signed_at - datetime.now(UTC)).total_seconds()) < 60
    assert response["Cache-Control"] == "private, no-store"
    downloaded = requests.get(location, timeout=10)
    assert downloaded.status_code == 200
    return downloaded
