"""Every answer carries an X-Request-ID, and every log line written while answering carries the same id."""

import json
import logging.config
import re

import pytest
from django.test import Client

from returns_portal.ops.logs import logging_config

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def log_format(settings):
    """Configure logging as the settings would for a format, writing to the (captured) stderr of the test."""

    def configure(name: str) -> None:
        logging.config.dictConfig(logging_config(log_format=name, level="INFO"))

    yield configure
    logging.config.dictConfig(settings.LOGGING)


def test_an_id_is_made_when_the_client_sends_none(client):
    response = client.get("/healthz")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_a_sane_client_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e-0001"})

    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"


@pytest.mark.parametrize("sent", ["has spaces in it", "x" * 65, "accent\u00e9-00000", "<script>", "a:b"])
def test_an_insane_client_id_is_replaced(client, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent})

    assert response["X-Request-ID"] != sent
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_json_log_lines_parse_and_carry_the_request_id(client, settings, capsys, log_format):
    log_format("json")
    settings.CELERY_BROKER_URL = NOTHING_LISTENS  # the readiness probe logs why the broker failed

    response = client.get("/readyz", headers={"X-Request-ID": "req-json-000001"})
    logging.getLogger("rma.outside").info("after the request")

    assert response.status_code == 503
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    failure = next(line for line in lines if line["message"] == "readiness: broker failed")
    assert failure["level"] == "WARNING"
    assert failure["logger"] == "returns_portal.ops.readiness"
    assert failure["request_id"] == "req-json-000001"
    assert "ConnectionError" in failure["exception"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", failure["time"])
    outside = next(line for line in lines if line["message"] == "after the request")
    assert outside["request_id"] == "-"
    assert "exception" not in outside


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.urls")
def test_django_s_own_error_line_carries_the_request_id(capsys, log_format):
    log_format("json")

    response = Client(raise_request_exception=False).get("/ops-test/fails", headers={"X-Request-ID": "req-500-03"})

    assert response.status_code == 500
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["request_id"] == "req-500-03"
    assert "RuntimeError: this page fails on purpose" in error["exception"]


@pytest.mark.django_db
def test_text_log_lines_carry_the_request_id(client, settings, capsys, log_format):
    log_format("text")
    settings.CELERY_BROKER_URL = NOTHING_LISTENS

    client.get("/readyz", headers={"X-Request-ID": "req-text-000002"})

    err = capsys.readouterr().err
    assert re.search(r"WARNING returns_portal\.ops\.readiness \[req-text-000002\] readiness: broker failed", err)


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="RMA_LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")
