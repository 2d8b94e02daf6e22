"""A customer's figures, score and reasons, by email (GET /api/v1/customers/history/?email=) or by return
(GET /api/v1/returns/{id}/customer-history/), for agents, integrations and superusers; 400 on bad input
(tests/returns/risk_world.py holds the figures worked out by hand)."""

import uuid

import pytest

from tests.returns.risk_world import chloe_world

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/history/"


def by_return(return_request) -> str:
    return f"/api/v1/returns/{return_request.public_id}/customer-history/"


@pytest.fixture
def world(policy, reason, relay, warehouse):
    return chloe_world(reason=reason, relay=relay, warehouse=warehouse)


def test_an_agent_reads_a_customers_history_by_return(agent, world):
    response = agent.get(by_return(world.r1), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "emails": ["c.martin@example.com", "chloe.m@other.fr", "chloe@example.fr"],
        "returns": 4,
        "values": [{"currency": "EUR", "amount": "220.00"}],
        "outcomes": {"approved": 1, "rejected": 1, "received": 1, "cancelled": 1},
        "units_bought": 6,
        "units_returned": 3,
        "return_rate": "0.50",
        "units_worn": 1,
        "units_without_item": 1,
        "risk": {
            "score": 90,
            "review_score": 50,
            "high": True,
            "reasons": [
                {"code": "unmatched", "text": "1 unit received without the announced item", "points": 30},
                {"code": "worn", "text": "1 unit graded as worn or used", "points": 25},
                {"code": "return_rate", "text": "Return rate of 50% (3 of 6 units)", "points": 15},
                {"code": "rejected", "text": "1 rejected return", "points": 10},
                {"code": "emails", "text": "Orders and returns under 3 emails", "points": 10},
            ],
        },
    }


def test_an_integration_reads_it_by_email(integration, world):
    response = integration.get(URL, {"email": "Chloe@Example.fr"})

    assert response.status_code == 200, response.content
    body = response.json()
    # Through her email, the stranger's order D counts as hers (a return under her email is on it): 3 of 7 units
    # returned, under the 50 % of the rate's points: 90 - 15.
    assert (body["returns"], body["units_bought"], body["return_rate"], body["risk"]["score"]) == (4, 7, "0.43", 75)


def test_a_superuser_reads_it_and_an_unknown_email_has_an_empty_history(superuser, db):
    response = superuser.get(URL, {"email": "nobody@example.fr"})

    assert response.status_code == 200
    body = response.json()
    assert (body["returns"], body["return_rate"], body["risk"]) == (
        0,
        None,
        {"score": 0, "review_score": 50, "high": False, "reasons": []},
    )


@pytest.mark.parametrize("params", [{}, {"email": ""}, {"email": "not-an-email"}, {"email": "a@b@c"}])
def test_bad_input_is_a_400_in_json(agent, params):
    response = agent.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("public_id", [uuid.uuid4(), "ABC"])
def test_an_unknown_return_is_a_404(agent, public_id):
    assert agent.get(f"/api/v1/returns/{public_id}/customer-history/").status_code == 404


@pytest.mark.parametrize(("caller", "status"), [("anonymous", 401), ("nobody", 403), ("store_staff", 403)])
def test_other_callers_are_refused(request, caller, status, world):
    client = request.getfixturevalue(caller)

    assert client.get(URL, {"email": "chloe@example.fr"}).status_code == status
    assert client.get(by_return(world.r1)).status_code == status
