"""`make bench`'s driver (bench/app.py) in quick mode: it starts the baseline and the portal under gunicorn, a real
Celery worker and the fake InPost, and reports a figure for every measure, each request answered as expected.

A test of the harness, not of speed: quick mode's figures mean nothing and are not checked."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require
from tests.workers.live import REDIS_DB_BASE, REDIS_SERVER

ROOT = Path(__file__).resolve().parent.parent.parent
# The measures the README's "Performance at scale" table lists: each must have its line in the report.
MEASURES = (
    "creation: POST /api/v1/returns/ (submit)",
    "creation: the same, Prefer: respond-async",
    "webhook: shop delivery (WooCommerce)",
    "webhook: carrier tracking (InPost)",
    "portal: order lookup (POST)",
    "portal: items step",
    "portal: reasons step",
    "portal: resolution step",
    "portal: drop-off step",
    "portal: review step",
    "warehouse: board",
    "warehouse API: expected",
    "warehouse API: awaiting refund",
    "warehouse: destroyed units report",
    "warehouse: discrepancy report",
    "agents: review queue",
    "insights: carbon footprint",
    "insights: dispositions",
    "insights: analytics rates",
    "insights: analytics reasons",
    "insights: analytics refunds",
    "insights: analytics shipments",
    "insights API: analytics refunds",
    "agents: return page",
    "store: counter",
    "store: shipments",
    "API: returns, first page",
    "API: returns by status",
    "API: returns by contact_email",
    "API: return detail",
    "API: customer history by email",
    "scan: by tracking number",
    "scan: by RMA number",
)


@pytest.fixture
def bench_env():
    database = os.environ.get("DATABASE_URL", "")
    require(
        database.startswith(("postgres://", "postgresql://")),
        "PostgreSQL (the bench runs the portal as production does)",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make test",
    )
    require(bool(os.environ.get("REDIS_URL")), "Redis (the bench's broker and cache)", "REDIS_URL=redis://… make test")
    # A Redis database of its own, which no live test worker reads (see tests.workers.live.redis_test_url): the
    # bench empties its queues.
    return {
        **os.environ,
        "BENCH_QUICK": "1",
        "BENCH_SIZES": "200,300",
        "BENCH_DURATION": "0.5",
        "BENCH_REDIS_URL": f"{REDIS_SERVER}/{REDIS_DB_BASE - 2}",
    }


@pytest.mark.postgres
def test_the_quick_bench_reports_every_measure_with_its_baseline(bench_env):
    run = subprocess.run(
        [sys.executable, "bench/app.py"], cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=600
    )

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = run.stdout
    lines = {line.strip().split("  ")[0]: line for line in report.splitlines() if line.startswith("    ")}
    missing = [name for name in MEASURES if name not in lines]
    assert not missing, report
    # Each page at both sizes (measured in alternating rounds), and its growth from one to the other.
    for name in MEASURES[4:]:
        assert len(re.findall(r"[\d.]+ / [\d.]+ ms", lines[name])) == 2, lines[name]
        assert re.search(r"ms\s+[\d.,]+/s\s+\d+\.\d\d\s", lines[name]), lines[name]
    # The writes are side by side with the bare insert, and nothing answered other than expected.
    assert "bare DRF insert" in report
    assert "unexpected answer" not in report, report
    assert " err)" not in report, report
    assert "renderer" in report
    assert "worker" in report
    # The labels handed to the worker as approvals do were made, every one (the quick bench's 8), at each size.
    labels = re.findall(r"renderer [\d.,]+ labels/s, worker [\d.,]+ labels/s \((\d+) labels\)", report)
    assert [int(count) for count in labels] == [8, 8], report
    # The returns accepted for later were all made by the worker (each of the quick bench's fresh orders).
    made = re.findall(r"the returns accepted for later, made by the worker \(Celery, 2 processes\): (\d+) at", report)
    assert len(made) == 2, report
    assert all(int(count) > 0 for count in made), report
    assert "--workers 2" in report  # the Dockerfile's gunicorn settings, for both servers
    written = report.rsplit("written to ", 1)[1].strip()
    assert (ROOT / written).read_text().startswith("Returns portal benchmark")
    # The run measured a copy of the seeded data set: what it wrote is in the copy, and the seeded one still holds
    # its 200 returns for the next run.
    seeded, measured = (returns_count(bench_env["DATABASE_URL"], f"_200{suffix}") for suffix in ("_seed", ""))
    assert seeded == 200
    assert measured > seeded


def returns_count(base: str, suffix: str) -> int:
    """Returns in the bench's database of this suffix, named as the bench names it (bench/app.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from app import database_prefix
    from servers import database_url, sql_run

    [(count,)] = sql_run(
        database_url(base, f"{database_prefix(base)}{suffix}"), "SELECT count(*) FROM returns_returnrequest"
    )
    return int(count)
