"""Sentry: nothing without a DSN; with one, a failing page's error reaches the server the DSN names."""

import pytest
import sentry_sdk
from django.test import Client

from returns_portal.ops.sentry import sentry_init
from tests.ops.fake_sentry import fake_sentry


@pytest.fixture
def sentry_reset():
    yield
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init(dsn=None)


def test_no_dsn_no_client(sentry_reset):
    assert sentry_init(dsn="", environment="production", release="", traces_sample_rate=0.0) is False
    assert sentry_sdk.get_client().transport is None  # nothing is ever sent


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.urls")
def test_a_failing_page_is_reported_to_the_dsn(sentry_reset):
    with fake_sentry() as server:
        configured = sentry_init(
            dsn=f"http://publickey123@127.0.0.1:{server.port}/42",
            environment="staging",
            release="rma@1.2.3",
            traces_sample_rate=0.0,
        )
        response = Client(raise_request_exception=False).get(
            "/ops-test/fails", headers={"X-Request-ID": "req-sentry-0001"}
        )
        sentry_sdk.flush(timeout=5)
        assert server.arrived.wait(timeout=5)

    assert configured is True
    assert response.status_code == 500
    (event,) = server.events()
    assert event["environment"] == "staging"
    assert event["release"] == "rma@1.2.3"
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "this page fails on purpose"
    assert "fails" in event["transaction"]
    assert event["tags"]["request_id"] == "req-sentry-0001"
    envelope = next(env for env in server.envelopes if any(head["type"] == "event" for head, _ in env.items))
    assert envelope.project == "42"
    assert "sentry_key=publickey123" in envelope.auth or envelope.header.get("dsn", "").startswith(
        "http://publickey123@"
    )
