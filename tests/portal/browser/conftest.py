"""Playwright on Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import require

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Checked here, before Playwright launches anything: skip outside CI, fail in CI.
    require(Path(CHROMIUM).exists(), "Chromium (/usr/bin/chromium)", "apt-get install -y chromium fonts-dejavu-core")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def shots():
    """page -> step name -> test-artifacts/portal-<step>.png (full page)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def shoot(page, step: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"portal-{step}.png"), full_page=True)

    return shoot


@pytest.fixture
def media_root(settings, tmp_path):
    # The live server runs in a thread of this process: it sees the same settings.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _project_urls_with_label_downloads(settings):
    settings.ROOT_URLCONF = "tests.portal.browser.urls"
