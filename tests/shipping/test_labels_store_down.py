"""A label asked for while the object store is away: a 503 with Retry-After (a page, or JSON in the API), logged,
never a 500; a store that refuses us (wrong keys) stays a 500, someone has to look at it."""

import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError
from django.test import Client
from django.urls import reverse

from rma.core import roles
from rma.core.private_files import STORAGE_RETRY_AFTER_SECONDS
from tests.core.factories import UserFactory
from tests.objectstore import ObjectStore, S3Bucket, free_port, moto_server_start, s3_storages_setting

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shipping.urls")]

RETRY_AFTER = str(STORAGE_RETRY_AFTER_SECONDS)
# Few attempts and short timeouts: the same code path as production's, a test that does not wait for it.
FAST = {"max_attempts": 2, "connect_timeout": 0.5, "read_timeout": 0.3}


@pytest.fixture(autouse=True)
def bucket(s3_storage) -> S3Bucket:
    """Before any return is made: its label is generated into the bucket."""
    return s3_storage


def _store_at(settings, bucket: S3Bucket, endpoint_url: str) -> None:
    """The same bucket, reached at another address from now on."""
    store = replace(bucket.store, endpoint_url=endpoint_url)
    settings.STORAGES = s3_storages_setting(store, bucket.name, **FAST)


class _Answer(BaseHTTPRequestHandler):
    """A store that answers every request with one status (S3's XML error body)."""

    status = 503
    code = "SlowDown"

    def _answer(self) -> None:
        body = f"<Error><Code>{self.code}</Code><Message>no</Message></Error>".encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Quiet."""


def _serve(status: int, code: str) -> Iterator[str]:
    handler = type("Answer", (_Answer,), {"status": status, "code": code})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def outage(request, settings, bucket) -> Iterator[str]:
    """The store goes away after the label was stored: refusing connections (stopped), hung (takes connections,
    never answers), or failing on its side (503 SlowDown). Yields how."""
    how = request.param
    if how == "refused":
        _store_at(settings, bucket, f"http://127.0.0.1:{free_port()}")
        yield how
    elif how == "hung":
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(8)
            _store_at(settings, bucket, f"http://127.0.0.1:{listener.getsockname()[1]}")
            yield how
    else:
        for endpoint in _serve(503, "SlowDown"):
            _store_at(settings, bucket, endpoint)
            yield how


OUTAGES = ["refused", "hung", "failing"]


def _logged_warning(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "rma.core.private_files" and record.levelno == logging.WARNING
    ]


@pytest.mark.parametrize("outage", OUTAGES, indirect=True)
def test_a_staff_download_is_a_503_page_with_retry_after(client, shop_return, outage, caplog):
    client.force_login(UserFactory(roles=[roles.AGENT]))

    response = client.get(reverse("label-pdf", kwargs={"public_id": shop_return.label.public_id}))

    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    assert response["Content-Type"].startswith("text/html")
    assert "Momentanément indisponible" in response.content.decode()
    assert "Content-Disposition" not in response
    (logged,) = _logged_warning(caplog)
    assert logged.startswith(f"File storage unavailable on GET /labels/{shop_return.label.public_id}")


@pytest.mark.parametrize("outage", ["refused"], indirect=True)
def test_the_customers_link_is_a_503_page_too(shop_return, outage):
    response = Client().get(f"/r/{shop_return.public_id}/label.pdf")

    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("outage", OUTAGES, indirect=True)
def test_the_api_answers_a_json_503_with_the_request_id(integration, shop_return, outage, caplog):
    response = integration.get(f"/api/v1/returns/{shop_return.public_id}/label.zpl")

    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["details"] == {"request_id": response["X-Request-ID"]}
    assert len(_logged_warning(caplog)) == 1


@pytest.mark.parametrize("outage", ["refused"], indirect=True)
def test_signed_redirects_are_not_given_for_an_object_the_store_cannot_confirm(settings, client, shop_return, outage):
    settings.RMA_S3_SIGNED_REDIRECT = True
    client.force_login(UserFactory(roles=[roles.AGENT]))

    response = client.get(reverse("label-pdf", kwargs={"public_id": shop_return.label.public_id}))

    assert response.status_code == 503
    assert "Location" not in response


@pytest.fixture
def own_store(settings, tmp_path) -> Iterator[ObjectStore]:
    """A moto server of this test's own (that it may stop), the default storage on its bucket."""
    with moto_server_start(tmp_path / "moto_server.log") as store:
        settings.STORAGES = s3_storages_setting(store, store.bucket, **FAST)
        yield store


def test_a_stopped_store_is_a_503_not_a_500(client, own_store, shop_return, caplog):
    client.force_login(UserFactory(roles=[roles.AGENT]))
    url = reverse("label-zpl", kwargs={"public_id": shop_return.label.public_id})
    assert client.get(url).status_code == 200

    own_store.stop()
    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    (logged,) = _logged_warning(caplog)
    assert "EndpointConnectionError" in logged


def test_the_label_downloads_again_once_the_store_is_back(settings, client, shop_return, bucket):
    client.force_login(UserFactory(roles=[roles.AGENT]))
    url = reverse("label-pdf", kwargs={"public_id": shop_return.label.public_id})
    _store_at(settings, bucket, f"http://127.0.0.1:{free_port()}")
    assert client.get(url).status_code == 503

    _store_at(settings, bucket, bucket.store.endpoint_url)

    assert client.get(url).status_code == 200


def test_a_store_that_refuses_our_keys_is_still_an_error_to_fix(settings, client, shop_return, bucket):
    client.force_login(UserFactory(roles=[roles.AGENT]))
    for endpoint in _serve(403, "AccessDenied"):
        _store_at(settings, bucket, endpoint)

        with pytest.raises(ClientError):
            client.get(reverse("label-pdf", kwargs={"public_id": shop_return.label.public_id}))
