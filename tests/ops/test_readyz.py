"""/healthz says the process is alive; /readyz says whether it can serve, and names what it cannot reach."""

import os

import pytest
import redis
from django.db import connection

from tests.conftest import CLOSABLE_DATABASE, postgres_required, require

REDIS_SERVER = os.environ.get("RMA_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REDIS_DB = int(os.environ.get("RMA_TEST_REDIS_DB", "10"))
NOTHING_LISTENS = "redis://127.0.0.1:1/0"  # port 1: connections are refused at once


@pytest.fixture
def redis_broker(settings):
    url = f"{REDIS_SERVER}/{REDIS_DB}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        require(False, "Redis", "redis-server --daemonize yes --port 6379")
    settings.CELERY_BROKER_URL = url
    return url


def _ready(client):
    response = client.get("/readyz")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_ready_when_everything_answers(client, redis_broker):
    status, body = _ready(client)

    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "cache": "ok", "storage": "ok"},
        "failed": [],
    }


@pytest.mark.django_db
def test_a_stopped_redis_broker_is_named(client, settings):
    settings.CELERY_BROKER_URL = NOTHING_LISTENS

    status, body = _ready(client)

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"].startswith("failed: ")


@pytest.mark.django_db
def test_a_stopped_redis_cache_is_named(client, settings, redis_broker):
    redis_cache = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": redis_cache, "LOCATION": NOTHING_LISTENS}}

    status, body = _ready(client)

    assert status == 503
    assert body["failed"] == ["cache"]


@pytest.mark.django_db
def test_a_missing_filesystem_broker_folder_is_named(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "nowhere")}

    status, body = _ready(client)

    assert status == 503
    assert body["failed"] == ["broker"]


@pytest.mark.django_db
def test_media_storage_that_cannot_be_a_folder_is_named(client, settings, tmp_path, redis_broker):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"

    status, body = _ready(client)

    assert status == 503
    assert body["failed"] == ["storage"]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_is_named_and_healthz_stays_alive(client, monkeypatch, redis_broker, tmp_path):
    postgres_required(CLOSABLE_DATABASE)
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    try:
        status, body = _ready(client)
        alive = client.get("/healthz")
    finally:
        connection.close()

    assert status == 503
    assert body["failed"] == ["database"]
    assert alive.status_code == 200
    assert alive.json() == {"status": "ok"}


# ---- the file storage on an S3-compatible server (moto's, started by the test)


@pytest.mark.django_db
def test_a_bucket_that_takes_and_deletes_a_probe_object_is_ready(client, redis_broker, s3_storage):
    status, body = _ready(client)

    assert status == 200
    assert body["checks"]["storage"] == "ok"
    assert s3_storage.object_keys() == []  # the probe object was deleted


@pytest.mark.django_db
def test_a_missing_bucket_is_named(client, settings, redis_broker, object_store):
    from tests.objectstore import s3_storages_setting

    settings.STORAGES = s3_storages_setting(object_store, "no-such-bucket")

    status, body = _ready(client)

    assert status == 503
    assert body["failed"] == ["storage"]
    assert body["checks"]["storage"] == "failed: S3 NoSuchBucket"


@pytest.mark.django_db
def test_a_stopped_object_store_is_named(client, settings, redis_broker, tmp_path):
    from tests.objectstore import moto_server_start, s3_storages_setting

    with moto_server_start(tmp_path / "moto.log") as store:
        settings.STORAGES = s3_storages_setting(store, store.bucket)
        assert _ready(client)[0] == 200
        store.stop()

        status, body = _ready(client)

    assert status == 503
    assert body["failed"] == ["storage"]
    assert body["checks"]["storage"] == "failed: S3 EndpointConnectionError"
