"""The OpenAPI schema matches what the API does: schemathesis, with all its checks, over every operation.

The world is the demo (`seed_demo`: orders, returns at every stage, shops' shipments, warehouses), made once per
module (per test worker) inside a transaction that is rolled back at the end; each test is rolled back to it. Each
operation is called in process (WSGI) in the examples, coverage and fuzzing phases, with valid and invalid data, a
fixed seed and a bounded number of examples, as the shop's back office (integration token), as a shop's staff, and
as the staff the operation is for (the warehouse's for /warehouse/, an agent otherwise). Every check is on: no
server error, documented status codes, content types and headers, responses that match their schema, invalid
input refused (4xx), valid input accepted (2xx, or 401/403/404/409 for who and what is named), authentication
enforced, 405 with Allow for other methods. A failure names the operation, the check and a curl to replay it.
"""

import json
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import StringIO

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.core.failures import Failure

from rma.core import roles
from rma.insights.forms import MAX_PERIOD_DAYS, default_period
from rma.locations.models import Store, Warehouse

SEED = 20261210
OFFSET = re.compile(r"[+-](?P<hours>\d{2}):(?P<minutes>\d{2})$")
MAX_EXAMPLES = 20


def load_schema() -> schemathesis.BaseSchema:
    """The schema `manage.py spectacular` writes and /api/v1/schema/ serves, run against the WSGI application."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # Text never holds a NUL character (PostgreSQL cannot store one): every text field refuses it with a 400.
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                "allow-x00": False,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.app = WSGIHandler()
    return schema


schema = load_schema()


@schema.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    """What OpenAPI cannot say about parameters: schema-valid requests that break it are not valid ones.

    Drop-off points are searched by `postcode`, or by `lat` and `lng` together: 400 otherwise (as documented, see
    tests/locations/apis). A date-time's offset is at most ±14:00, the offsets places have (the `date-time` format
    allows up to ±23:59; tests/core/apis/test_hostile_filters.py pins the 400). The lines of one order have distinct
    ids (`external_id`, or `sku` without one); OpenAPI cannot say that a field is unique across the items of an
    array (tests/orders pin the 400). The insights reports' period starts before it ends and spans three years at
    most (tests/insights pin the 400). Only those cases are dropped; invalid requests (negative data) are all sent
    as generated.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return True
    query = case.query or {}
    if case.operation.path == "/api/v1/drop-off-points/":
        coordinates = {"lat", "lng"} & set(query)
        return len(coordinates) == 2 or (not coordinates and bool(str(query.get("postcode", "")).strip()))
    if case.operation.path == "/api/v1/returns/" and case.method.upper() == "GET":
        return not any(offset_beyond_14_hours(query.get(name)) for name in ("created_after", "created_before"))
    if case.operation.path.startswith("/api/v1/insights/"):  # the footprint and the analytics sheets
        return footprint_period_valid(query)
    if case.operation.path == "/api/v1/orders/" and case.method.upper() == "POST" and isinstance(case.body, dict):
        lines = case.body.get("lines")
        if isinstance(lines, list) and all(isinstance(line, dict) for line in lines):
            ids = [str(line.get("external_id") or line.get("sku") or "").strip() for line in lines]
            return len(set(ids)) == len(ids)
    return True


def footprint_period_valid(query: dict) -> bool:
    """`start` and `end` (each defaulted as the report does) in order and at most three years apart."""
    default_start, default_end = default_period(timezone.localdate())
    try:
        start = date.fromisoformat(query["start"]) if "start" in query else default_start
        end = date.fromisoformat(query["end"]) if "end" in query else default_end
    except (TypeError, ValueError):
        return True  # not a date: the 400 it gets is what the schema says
    return start <= end and (end - start).days <= MAX_PERIOD_DAYS


def offset_beyond_14_hours(value: object) -> bool:
    """A date-time such as `2026-01-01T00:00:00+15:30`, whose offset no place has."""
    found = OFFSET.search(value) if isinstance(value, str) else None
    return found is not None and (int(found["hours"]), int(found["minutes"])) > (14, 0)


# Known failures, left for a later change: (operation or "*", failure code, two texts of the failure's message, why).
# A failure listed here does not fail the test; remove its line with its fix.
PENDING: list[tuple[str, str, str, str, str]] = []


@schema.hook
def filter_failure(
    context: schemathesis.HookContext, failure: Failure, case: schemathesis.Case, response: schemathesis.Response
) -> bool:
    """Keep every failure but the PENDING ones (matched in the failure's message and the answer)."""
    said = f"{failure.message}\n{response.text_lossy()}"
    return not any(
        label in ("*", case.operation.label) and failure.code == code and where in said and what in said
        for label, code, where, what, _why in PENDING
    )


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Thousands of refused requests are the point: only server errors are logged, so that failures stand out."""
    levels = {"django.request": logging.ERROR, "rma": logging.WARNING}
    saved = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data, made once for the module and rolled back after it."""
    with (
        django_db_blocker.unblock(),
        quiet_logs(),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(demo_world, db):
    """The demo world; the requests share the test's transaction (as with Django's test client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with quiet_logs():
        yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def caller(actor: str, path: str) -> User:
    """The demo user behind each kind of caller."""
    if actor == "integration":
        return User.objects.get(username="integration")
    if actor == "shop":
        return Store.objects.filter(staff__isnull=False).order_by("code")[0].staff.order_by("pk")[0]
    if path.startswith("/api/v1/warehouse/"):
        return Warehouse.objects.filter(staff__isnull=False).order_by("code")[0].staff.order_by("pk")[0]
    return User.objects.filter(groups__name=roles.AGENT).order_by("pk")[0]


@pytest.mark.parametrize("actor", ["integration", "shop", "staff"])
@schema.parametrize()
# The world is shared by the examples of one test on purpose: what one call changes, the next one sees.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
def test_the_api_does_what_its_schema_says(case, actor, world):
    token, _ = Token.objects.get_or_create(user=caller(actor, case.operation.path))
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"})
