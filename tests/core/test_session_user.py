"""The session's user is read with their roles in one statement, and their permissions in one more
(rma.core.auth_backend); what a user may do is what Django's own backend says."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rma.core import roles
from rma.core.auth_backend import PERMISSIONS, RoleAwareModelBackend
from rma.core.user_rows import BY_ID
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

AUTH_TABLES = ("auth_user", "auth_group", "auth_permission", BY_ID, PERMISSIONS)


def _auth_reads(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries if any(table in query["sql"] for table in AUTH_TABLES)]


def test_an_agent_s_page_reads_the_user_roles_and_permissions_in_two_statements():
    agent = UserFactory(username="camille", roles=[roles.AGENT])
    client = Client()
    client.force_login(agent)
    client.get("/agents/")  # the first request on a connection prepares the user's statement (PostgreSQL)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/agents/")

    assert response.status_code == 200
    reads = _auth_reads(queries)
    assert len(reads) == 2, reads  # the user with their groups; every permission of theirs and their groups'


def test_the_user_read_is_the_one_the_orm_reads_with_their_roles():
    user = UserFactory(username="two-hats", roles=[roles.AGENT, roles.WAREHOUSE_STAFF], is_staff=True)

    read = RoleAwareModelBackend().get_user(user.pk)

    assert read is not None
    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert read.date_joined.tzinfo is not None
    with CaptureQueriesContext(connection) as queries:
        assert roles.user_roles(read) == {roles.AGENT, roles.WAREHOUSE_STAFF}
    assert len(queries) == 0


def test_no_user_for_an_unknown_id_or_an_inactive_user():
    inactive = UserFactory(username="left", roles=[roles.AGENT], is_active=False)
    backend = RoleAwareModelBackend()

    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(inactive.pk + 1000) is None
    assert roles.user_roles(UserFactory(username="no-role")) == frozenset()


def test_permissions_are_the_user_s_own_and_their_groups_as_django_reads_them():
    user = UserFactory(username="clerk", roles=[roles.AGENT])
    user.user_permissions.add(Permission.objects.get(codename="delete_returnnote"))
    backend = RoleAwareModelBackend()
    user = User.objects.get(pk=user.pk)

    with CaptureQueriesContext(connection) as queries:
        granted = backend.get_all_permissions(user)
        assert user.has_perm("returns.review_returnrequest")  # the agent group's
        assert user.has_perm("returns.delete_returnnote")  # the user's own
        assert not user.has_perm("returns.delete_returnrequest")

    assert len(queries) == 1
    django_reads = User.objects.get(pk=user.pk).get_all_permissions()  # through both backends, from scratch
    assert granted == django_reads
    assert {"returns.review_returnrequest", "returns.delete_returnnote"} <= granted


def test_an_inactive_user_has_no_permission_and_a_superuser_every_one():
    inactive = UserFactory(username="left", roles=[roles.AGENT], is_active=False)
    boss = UserFactory(username="boss", is_superuser=True)
    backend = RoleAwareModelBackend()

    assert backend.get_all_permissions(inactive) == set()
    assert len(backend.get_all_permissions(boss)) == Permission.objects.count()
    assert boss.has_perm("returns.delete_returnrequest")


def test_a_session_signed_in_through_django_s_own_backend_stays_signed_in():
    """Sessions made before the backend was listed name Django's ModelBackend: they keep working."""
    agent = UserFactory(username="camille", roles=[roles.AGENT])
    client = Client()
    client.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/agents/")

    assert response.status_code == 200
    assert response.wsgi_request.user.pk == agent.pk


def test_signing_in_names_the_role_aware_backend(rf):
    agent = UserFactory(username="camille", roles=[roles.AGENT])
    client = Client()
    client.force_login(agent)

    assert client.session[BACKEND_SESSION_KEY] == "rma.core.auth_backend.RoleAwareModelBackend"
    request = rf.get("/")
    request.session = client.session
    assert get_user(request).pk == agent.pk


@pytest.mark.django_db(transaction=True)  # sessions closed and opened: no test transaction around them
def test_on_postgresql_the_user_s_statement_is_prepared_once_per_connection(postgres_prepared):
    user = UserFactory(username="camille", roles=[roles.AGENT])
    connection.close()
    backend = RoleAwareModelBackend()

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            read = backend.get_user(user.pk)
        assert read is not None
        assert read.pk == user.pk
        return [sql.split()[0] for sql in _auth_reads(queries)]

    assert statements() == ["EXECUTE"]
    assert statements() == ["EXECUTE"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        assert [name for (name,) in cursor.fetchall()] == [BY_ID]
