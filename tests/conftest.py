"""Suite-wide fixtures and the rule that CI skips nothing."""

import os

import pytest
from django.db import connection

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # pytest-django + Playwright's event loop

IN_CI = os.environ.get("CI") == "true"


def require(condition: bool, what: str, enable: str) -> None:
    """Skip (outside CI) or fail (in CI) a test whose environment lacks something."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing in CI; enable with: {enable}")
    pytest.skip(f"{what} is missing; enable with: {enable}")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def policy(db):
    """The default return policy."""
    from tests.returns.factories import ReturnPolicyFactory

    return ReturnPolicyFactory()


@pytest.fixture
def reason(db):
    """A return reason code."""
    from tests.returns.factories import ReasonCodeFactory

    return ReasonCodeFactory()


@pytest.fixture
def postgres_only():
    require(
        connection.vendor == "postgresql",
        "PostgreSQL (row locks across two connections)",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make test",
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(f"CI skips nothing, but {len(skipped)} test(s) were skipped.", red=True)
        config._ci_skipped = True


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and getattr(session.config, "_ci_skipped", False):
        session.exitstatus = 1
