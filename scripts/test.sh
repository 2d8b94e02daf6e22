#!/usr/bin/env bash
# The whole suite: lint, import contract, types, migrations check, schema, compose file check, then pytest.
# Uses PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set; otherwise SQLite, and says what it skipped.
set -euo pipefail
py=.venv/bin/python
ci=${CI:-false}

step() { printf '\n== %s\n' "$*"; }

step "ruff check"
"$py" -m ruff check .
step "ruff format --check"
"$py" -m ruff format --check .
step "import contract (lint-imports: the layers of README, How it is built)"
.venv/bin/lint-imports --no-cache
step "mypy (django-stubs, djangorestframework-stubs)"
"$py" -m mypy
step "makemigrations --check"
DJANGO_SETTINGS_MODULE=returns_portal.settings.test "$py" manage.py makemigrations --check --dry-run
step "OpenAPI schema (drf-spectacular --validate --fail-on-warn)"
DJANGO_SETTINGS_MODULE=returns_portal.settings.test "$py" manage.py spectacular --validate --fail-on-warn \
    --file "${TMPDIR:-/tmp}/rma-openapi.yaml" && echo "schema is valid"
step "docker-compose.yml"
if command -v docker-compose >/dev/null 2>&1; then
    docker-compose -p rma -f docker-compose.yml config -q && echo "docker-compose.yml is valid"
elif [ "$ci" = "true" ]; then
    echo "docker-compose is missing (apt-get install docker-compose)"; exit 1
else
    echo "SKIPPED: docker-compose is not installed; enable with: apt-get install -y docker-compose"
fi

step "pytest"
if [ -z "${DATABASE_URL:-}" ]; then
    echo "DATABASE_URL is not set: running on SQLite; the PostgreSQL-only tests (row locks across two connections)"
    echo "are skipped. Run everything as CI does with: bash .ci/run"
fi
mkdir -p test-artifacts
"$py" -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
