"""The RMA_S3_* environment names are a contract (other processes are started with them): a process given only
those writes into the bucket, and without RMA_S3_BUCKET the local folder stays the default."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW_STORAGE = """
import django, json
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
options = dict(settings.STORAGES["default"].get("OPTIONS", {}))
config = options.pop("client_config", None)
name = default_storage.save("probe/from-env.txt", ContentFile(b"written by a process set by env")) if WRITE else ""
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "options": options,
    "timeouts": [config.connect_timeout, config.read_timeout, config.retries] if config else None,
    "name": name,
}))
"""


def _run(env: dict[str, str], *, write: bool = False) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RMA_S3_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "returns_portal.settings.test", **env}
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", f"WRITE = {write}\n{SHOW_STORAGE}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_a_bucket_files_stay_on_the_local_disk(tmp_path):
    shown = _run({"RMA_MEDIA_ROOT": str(tmp_path)})

    assert shown["backend"] == "django.core.files.storage.FileSystemStorage"


def test_a_process_configured_by_the_environment_only_writes_into_the_bucket(object_store):
    bucket = object_store.bucket_create()
    shown = _run(
        {
            "RMA_S3_BUCKET": bucket,
            "RMA_S3_ENDPOINT_URL": object_store.endpoint_url,
            "RMA_S3_REGION": object_store.region,
            "RMA_S3_ACCESS_KEY_ID": object_store.access_key_id,
            "RMA_S3_SECRET_ACCESS_KEY": object_store.secret_access_key,
            "RMA_S3_PREFIX": "/tenant-a/",
            "RMA_S3_URL_EXPIRE_SECONDS": "120",
        },
        write=True,
    )

    assert shown["backend"] == "storages.backends.s3.S3Storage"
    options = shown["options"]
    assert options["bucket_name"] == bucket
    assert options["location"] == "tenant-a"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 120
    assert options["default_acl"] is None  # private: no public-read ACL is ever sent
    assert options["file_overwrite"] is False
    assert shown["timeouts"] == [2.0, 5.0, {"max_attempts": 3, "mode": "standard"}]
    assert object_store.object_keys(bucket) == [f"tenant-a/{shown['name']}"]


def test_without_keys_boto3_finds_its_own():
    shown = _run({"RMA_S3_BUCKET": "any", "RMA_S3_REGION": "eu-west-3"})

    assert "access_key" not in shown["options"]
    assert "secret_key" not in shown["options"]
    assert "endpoint_url" not in shown["options"]  # AWS itself


def test_composes_object_store_settings_as_given_make_a_working_storage(object_store):
    """docker-compose.yml's values for every RMA_S3_* variable (the empty ones included), the address and keys
    swapped for the test's store: the process writes into the bucket."""
    from tests.core.test_compose import SERVICES, compose_default, s3_setting_names

    bucket = object_store.bucket_create()
    given = {name: compose_default(SERVICES["worker"]["environment"][name]) for name in s3_setting_names()}
    given |= {
        "RMA_S3_BUCKET": bucket,
        "RMA_S3_ENDPOINT_URL": object_store.endpoint_url,
        "RMA_S3_ACCESS_KEY_ID": object_store.access_key_id,
        "RMA_S3_SECRET_ACCESS_KEY": object_store.secret_access_key,
    }

    shown = _run(given, write=True)

    assert shown["backend"] == "storages.backends.s3.S3Storage"
    assert shown["timeouts"] == [2.0, 5.0, {"max_attempts": 3, "mode": "standard"}]
    assert object_store.object_keys(bucket) == [shown["name"]]
