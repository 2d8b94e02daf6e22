"""Starting the local setup (`make run`: scripts/run.sh with no DATABASE_URL nor REDIS_URL) prints no avoidable
warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_embedded_broker_starts_without_warnings():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "returns_portal.settings.local"
    script = (
        "import logging, django; logging.basicConfig(level=logging.WARNING); django.setup()\n"
        "from returns_portal.celery import app\n"
        "with app.connection_for_write() as connection:\n"
        "    connection.ensure_connection(max_retries=1); connection.info(); connection.clone()\n"
        "print(app.conf.broker_url)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("filesystem://")
    assert "WARNING" not in done.stderr, done.stderr
    assert "Warning" not in done.stderr, done.stderr


def test_the_local_server_does_not_warn_on_every_start():
    assert "DJANGO_RUNSERVER_HIDE_WARNING=true" in (ROOT / "scripts" / "run.sh").read_text()
