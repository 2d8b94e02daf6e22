"""The API answers in one language, the error's message and its field errors alike: the one the request asks for
(Accept-Language, or the cookie of the language menu), else the site's (French)."""

import pytest

pytestmark = pytest.mark.django_db


def _missing_fields(client, **headers):
    """An order sent without its id and with a channel that does not exist: a 400 with field errors."""
    response = client.post(
        "/api/v1/orders/", {"number": "ML-1", "channel": "carrier-pigeon"}, format="json", **headers
    )
    assert response.status_code == 400, response.content
    return response


def test_a_request_that_names_no_language_is_answered_in_the_sites_language_throughout(integration):
    response = _missing_fields(integration)

    error = response.json()["error"]
    assert error["message"] == "La requête n’est pas valide."
    assert error["details"]["external_id"] == ["Ce champ est obligatoire."]
    assert response["Content-Language"] == "fr"


def test_a_request_in_english_is_answered_in_english_throughout(integration):
    response = _missing_fields(integration, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    error = response.json()["error"]
    assert error["message"] == "The request is not valid."
    assert error["details"]["external_id"] == ["This field is required."]
    assert error["details"]["channel"] == ['"carrier-pigeon" is not a valid choice.']
    assert response["Content-Language"] == "en"


def test_the_language_menus_cookie_counts_as_asking(integration, settings):
    integration.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    error = _missing_fields(integration).json()["error"]

    assert error["message"] == "The request is not valid."
    assert error["details"]["external_id"] == ["This field is required."]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Unknown order."), ("fr", "Commande inconnue.")],
)
def test_an_unknown_reference_speaks_the_requests_language(integration, reason, relay, language, message):
    body = {
        "order": "no-such-order",
        "lines": [{"order_line": "L1", "quantity": 1, "reason": reason.code}],
        "drop_off": {"method": relay.kind, "point_id": relay.pk},
    }

    response = integration.post("/api/v1/returns/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404, response.content
    assert response.json()["error"] == {"code": "not_found", "message": message, "details": {"order": [message]}}


@pytest.mark.parametrize(
    ("language", "line", "reason"),
    [
        ("en", "No such line in this order.", "Unknown reason code."),
        ("fr", "Cette commande n’a pas cette ligne.", "Motif inconnu."),
    ],
)
def test_unknown_lines_and_reasons_are_named_in_the_requests_language(
    integration, order, relay, language, line, reason
):
    body = {
        "order": order.external_id,
        "lines": [{"order_line": "no-such-line", "quantity": 1, "reason": "no-such-reason"}],
        "drop_off": {"method": relay.kind, "point_id": relay.pk},
    }

    response = integration.post("/api/v1/returns/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404, response.content
    assert response.json()["error"]["details"] == {"lines": {"0": {"order_line": [line], "reason": [reason]}}}
