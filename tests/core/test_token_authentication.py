"""The API's token authentication reads the caller's roles with the token, in one statement."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.core import roles
from tests.conftest import client_for
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_brings_its_user_and_every_role_in_one_statement(reason):
    user = UserFactory(username="two-hats", roles=[roles.AGENT, roles.INTEGRATION])
    client = client_for(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/reason-codes/")

    assert response.status_code == 200
    reads = [query["sql"] for query in queries if "authtoken_token" in query["sql"] or "auth_group" in query["sql"]]
    assert len(reads) == 1, reads


def test_a_user_without_a_role_is_let_in_and_refused_by_the_role_check(reason):
    response = client_for(UserFactory(username="no-role")).get("/api/v1/reason-codes/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_the_roles_read_are_the_user_s_own(integration_user):
    """Orders are for integrations and agents: a warehouse operator with another group besides is refused."""
    operator = UserFactory(username="operator", roles=[roles.WAREHOUSE_STAFF])
    operator.groups.add(Group.objects.create(name="unrelated"))

    assert client_for(operator).get("/api/v1/orders/no-such-order/").status_code == 403
    assert client_for(integration_user).get("/api/v1/orders/no-such-order/").status_code == 404


def test_an_unknown_token_or_an_inactive_user_is_refused():
    inactive = UserFactory(username="left", roles=[roles.INTEGRATION], is_active=False)

    unknown = client_for(None)
    unknown.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert unknown.get("/api/v1/reason-codes/").status_code == 401
    refused = client_for(inactive).get("/api/v1/reason-codes/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
