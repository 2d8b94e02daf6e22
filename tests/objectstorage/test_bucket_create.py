"""``manage.py storage_bucket_create``: the bucket of a fresh store made once, left alone afterwards, and a store
that does not answer waited for, then named."""

import time
import uuid
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.objectstore import free_port, s3_storages_setting


def run(*args: str) -> str:
    out = StringIO()
    call_command("storage_bucket_create", *args, stdout=out)
    return out.getvalue()


def bucket_names(store) -> set[str]:
    return {bucket["Name"] for bucket in store.client().list_buckets()["Buckets"]}


def test_without_a_bucket_setting_there_is_nothing_to_make():
    assert "no bucket to make" in run()


def test_the_bucket_is_made_in_the_stores_region_once(settings, object_store):
    name = f"rma-fresh-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = s3_storages_setting(object_store, name)  # eu-west-3: a location constraint is needed

    assert run() == f"Bucket {name!r} made.\n"
    assert name in bucket_names(object_store)
    region = object_store.client().get_bucket_location(Bucket=name)["LocationConstraint"]
    assert region == object_store.region

    assert run("--wait", "5") == f"Bucket {name!r} already there.\n"


def test_a_store_that_does_not_answer_is_waited_for_then_named(settings, object_store):
    away = replace(object_store, endpoint_url=f"http://127.0.0.1:{free_port()}")
    settings.STORAGES = s3_storages_setting(away, "rma", max_attempts=1)
    started = time.monotonic()

    with pytest.raises(CommandError, match="The object store does not answer"):
        run("--wait", "1.5")

    assert time.monotonic() - started >= 1.5
