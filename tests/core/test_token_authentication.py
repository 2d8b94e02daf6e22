"""The API's token authentication reads the caller's roles with the token, in one statement."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from rma.core import roles
from rma.core.api.authentication import TokenAuthentication
from rma.core.user_rows import BY_TOKEN as PREPARED_NAME
from tests.conftest import client_for
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_brings_its_user_and_every_role_in_one_statement(reason):
    user = UserFactory(username="two-hats", roles=[roles.AGENT, roles.INTEGRATION])
    client = client_for(user)

    client.get("/api/v1/reason-codes/")  # the first request on a connection prepares the statement (PostgreSQL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/reason-codes/")

    assert response.status_code == 200
    reads = [query["sql"] for query in queries if _authentication(query["sql"])]
    assert len(reads) == 1, reads


def _authentication(sql: str) -> bool:
    return any(name in sql for name in ("authtoken_token", "auth_group", PREPARED_NAME))


@pytest.mark.django_db(transaction=True)  # sessions closed and opened: no test transaction around them
def test_on_postgresql_the_statement_is_prepared_once_per_connection(settings, postgres_prepared):
    user = UserFactory(username="integrator", roles=[roles.INTEGRATION])
    key = Token.objects.create(user=user).key
    connection.close()  # a new session: nothing prepared on it yet

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            read_user, _token = TokenAuthentication().authenticate_credentials(key)
        assert read_user.pk == user.pk
        assert roles.user_roles(read_user) == {roles.INTEGRATION}
        return [query["sql"].split()[0] for query in queries if _authentication(query["sql"])]

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements")
            return [name for (name,) in cursor.fetchall()]

    assert statements() == ["EXECUTE"]  # the session's setup prepared it, on the driver's own cursor
    assert prepared() == [PREPARED_NAME]
    session = connection.connection
    assert statements() == ["EXECUTE"]
    assert connection.connection is session
    connection.close()  # dropped (too old, broken): the next session prepares it again
    assert prepared() == []
    assert statements() == ["EXECUTE"]
    assert prepared() == [PREPARED_NAME]
    settings.RMA_DB_PREPARED_STATEMENTS = False  # behind a pooler in transaction mode
    assert statements() == ["SELECT"]


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


def test_the_user_and_token_read_are_those_the_orm_reads():
    """The statement is made once per database with the ORM's own converters: every column comes back as the
    ORM would give it (aware datetimes, booleans, a NULL last login), and the user's roles are known."""
    user = UserFactory(username="integrator", roles=[roles.INTEGRATION, roles.AGENT], is_staff=True)
    token = Token.objects.create(user=user)

    read_user, read_token = TokenAuthentication().authenticate_credentials(token.key)

    expected_user = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(read_user, field.attname) == getattr(expected_user, field.attname), field.name
    assert read_user.date_joined.tzinfo is not None
    assert read_user.last_login is None
    assert (read_token.key, read_token.user_id, read_token.created) == (
        token.key,
        user.pk,
        Token.objects.get(pk=token.key).created,
    )
    assert read_token.user is read_user
    assert not read_user._state.adding
    with CaptureQueriesContext(connection) as queries:
        assert roles.user_roles(read_user) == {roles.INTEGRATION, roles.AGENT}
    assert len(queries) == 0
