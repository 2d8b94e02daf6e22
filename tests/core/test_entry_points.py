"""Each entry point picks its own settings, in a process started with a clean environment, as a server starts it.

wsgi and asgi: production (no start without a secret key, DEBUG never on); manage.py and the Celery app: local
unless DJANGO_SETTINGS_MODULE says otherwise; the local settings show debug pages to this machine only.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-secret-key-for-this-test-only-4f1d9c2e8b7a6d5c3e1f0a9b8c7d6e5f"
SHOW = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"


def run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -c code` from the project's folder with nothing of ours in the environment but `env`."""
    clean = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RMA_VAR_DIR": str(tmp_path / "var"), **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("module", ["returns_portal.wsgi", "returns_portal.asgi"])
def test_the_server_entry_points_refuse_to_start_without_a_secret_key(tmp_path, module):
    started = run(f"import {module}", tmp_path)

    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert "DJANGO_SECRET_KEY is not set" in started.stderr


@pytest.mark.parametrize("key", ["", "   ", "insecure-dev-key-change-me-in-production-7c1e0b9a"])
def test_an_empty_or_development_secret_key_is_refused_too(tmp_path, key):
    started = run("import returns_portal.wsgi", tmp_path, DJANGO_SECRET_KEY=key)

    assert started.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in started.stderr


@pytest.mark.parametrize("module", ["returns_portal.wsgi", "returns_portal.asgi"])
def test_the_server_entry_points_run_production_without_debug(tmp_path, module):
    code = f"import {module}; {SHOW}; from celery import current_app; print(current_app.main)"

    started = run(code, tmp_path, DJANGO_SECRET_KEY=KEY, DJANGO_DEBUG="true")

    assert started.returncode == 0, started.stderr
    # DJANGO_DEBUG is not read in production; and the web process publishes with the project's Celery app.
    assert started.stdout.split() == ["returns_portal.settings.production", "False", "returns_portal"]


def test_manage_py_runs_the_local_settings(tmp_path):
    code = f"import sys; sys.argv = ['manage.py', 'shell', '-v', '0', '-c', {SHOW!r}]; import manage; manage.main()"

    started = run(code, tmp_path)

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["returns_portal.settings.local", "True"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "returns_portal.settings.local"),
        ({"DJANGO_SETTINGS_MODULE": "returns_portal.settings.production"}, "returns_portal.settings.production"),
    ],
)
def test_the_celery_app_runs_the_local_settings_unless_told(tmp_path, env, expected):
    """What `celery -A returns_portal worker` does: find the app in the package, then set Django up."""
    code = f"from celery.app.utils import find_app; app = find_app('returns_portal'); print(app.main); {SHOW}"

    started = run(code, tmp_path, DJANGO_SECRET_KEY=KEY, **env)

    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[:2] == ["returns_portal", expected]


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({}, "True"),
        ({"DJANGO_DEBUG": "false"}, "False"),
        ({"DJANGO_ALLOWED_HOSTS": "returns.example.com"}, "False"),
        ({"DJANGO_ALLOWED_HOSTS": "0.0.0.0,127.0.0.1", "DJANGO_DEBUG": "true"}, "False"),
    ],
)
def test_the_local_settings_show_debug_pages_to_this_machine_only(tmp_path, env, debug):
    local = "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'returns_portal.settings.local'"

    started = run(f"{local}; django.setup(); {SHOW}", tmp_path, **env)

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["returns_portal.settings.local", debug]
