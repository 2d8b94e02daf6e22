import pytest
from django.db import connection

from tests.conftest import require


@pytest.fixture
def postgres_prepared():
    """Tests of statements prepared once per session (rma.core.prepared): PostgreSQL only."""
    require(
        connection.vendor == "postgresql",
        "PostgreSQL (prepared statements)",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make test",
    )
