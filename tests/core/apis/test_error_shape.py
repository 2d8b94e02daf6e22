"""Every answer under /api/ is JSON in the one error shape, whatever fails; pages keep their HTML error pages."""

import logging

import pytest
from django.db import connection, connections
from django.test import Client

from tests.conftest import CLOSABLE_DATABASE, postgres_required

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/no-such-thing/",
        "/api/v1/returns/8a7f9d4e-9c35-4d14-b0f5-0e3c1f1a2b3c/no-such-action/",
        "/api/v2/returns/",
        "/api/",
        # Malformed ids: a UUID path converter that does not match, and a view that parses the id itself.
        "/api/v1/store/returns/not-a-uuid/",
        "/api/v1/warehouse/shipments/12/",
        "/api/v1/returns/not-a-uuid/",
        "/api/v1/returns/%F0%9F%92%A5/label.pdf",
    ],
)
def test_unknown_paths_and_malformed_ids_are_json_404s(superuser, url):
    assert_error_shape(superuser.get(url), 404, "not_found")


def test_a_404_is_json_even_when_the_client_prefers_html(superuser):
    response = superuser.get("/api/v1/no-such-thing/", HTTP_ACCEPT="text/html,application/xhtml+xml")

    assert_error_shape(response, 404, "not_found")


def test_a_405_names_the_allowed_methods(agent):
    response = agent.delete("/api/v1/reason-codes/")

    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_406_for_a_media_type_the_api_does_not_speak(agent):
    assert_error_shape(agent.get("/api/v1/reason-codes/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")
    # The browsable HTML API is not offered either: the API answers JSON.
    assert_error_shape(agent.get("/api/v1/reason-codes/", HTTP_ACCEPT="text/html"), 406, "not_acceptable")


def test_415_for_a_body_the_api_does_not_read(integration):
    response = integration.post("/api/v1/returns/", "order=1", content_type="text/plain")

    assert_error_shape(response, 415, "unsupported_media_type")


def test_pages_keep_their_html_error_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.core.apis.failing_urls"


def test_an_unexpected_error_is_a_json_500_logged_with_a_request_id(failing_urls, caplog):
    caplog.set_level(logging.ERROR)

    response = Client().get("/api/v1/failing/")

    error = assert_error_shape(response, 500, "server_error")
    request_id = error["details"]["request_id"]
    assert response["X-Request-ID"] == request_id
    assert "a bug in a view" not in response.content.decode()
    logged = [record for record in caplog.records if request_id in record.getMessage()]
    assert logged, [record.getMessage() for record in caplog.records]
    assert logged[0].exc_info[0] is RuntimeError


def test_a_well_formed_request_id_from_the_proxy_is_kept_and_any_other_replaced(failing_urls):
    kept = Client().get("/api/v1/failing/", HTTP_X_REQUEST_ID="edge-7f3a9c")
    replaced = Client().get("/api/v1/failing/", HTTP_X_REQUEST_ID="<script>" + "x" * 200)

    assert kept.json()["error"]["details"]["request_id"] == "edge-7f3a9c"
    assert replaced.json()["error"]["details"]["request_id"] != "<script>" + "x" * 200
    assert replaced["X-Request-ID"].isalnum()


def test_an_unexpected_error_on_a_page_keeps_the_html_500_page(failing_urls):
    response = Client(raise_request_exception=False).get("/failing-page/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


# ---- the database goes away: a JSON 503 with Retry-After, and the next request works again


@pytest.fixture
def unreachable_database():
    """The default connection, closed and pointed at a server that does not exist (restored afterwards)."""
    postgres_required(CLOSABLE_DATABASE)
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT="1")
    yield
    connection.close()
    settings_dict.clear()
    settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_is_a_json_503_with_retry_after(agent, unreachable_database):
    response = agent.get("/api/v1/reason-codes/", HTTP_ACCEPT_LANGUAGE="en")
    french = agent.get("/api/v1/reason-codes/", HTTP_ACCEPT_LANGUAGE="fr")

    error = assert_error_shape(response, 503, "service_unavailable")
    assert int(response["Retry-After"]) > 0
    assert error["details"]["request_id"] == response["X-Request-ID"]
    assert "try again" in error["message"]
    assert "réessayer" in french.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_on_a_page_keeps_the_html_500_page(unreachable_database):
    response = Client(raise_request_exception=False).get("/store/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def _terminate_this_connection() -> None:
    """Ends the server process behind the default connection, from a second connection, as a restart would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_dropped_connection_is_a_json_503_then_the_next_request_reconnects(postgres_only, agent, method):
    url = "/api/v1/reason-codes/" if method == "get" else "/api/v1/returns/"
    agent.get("/api/v1/reason-codes/")  # the connection is open and used
    _terminate_this_connection()

    response = getattr(agent, method)(url, {}, format="json") if method == "post" else agent.get(url)

    assert_error_shape(response, 503, "service_unavailable")
    assert int(response["Retry-After"]) > 0
    assert agent.get("/api/v1/reason-codes/").status_code == 200
