"""Creation alone: POST /api/v1/returns/ (create + submit) against the bare DRF insert, in the same run.

    DATABASE_URL=postgres://…/rma REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/creation.py

The quick loop for work on the write path: the same servers, gunicorn options, data set and alternating rounds
as bench/app.py's creation lines (made at once; accepted for later, then made by a worker), without the pages,
webhooks and label worker. BENCH_SIZES (default 200: the creation does not read the seeded returns),
BENCH_DURATION (default 8 s), BENCH_CONCURRENCY (default 4) and BENCH_REDIS_URL as for bench/app.py.
"""

import json
import os
import sys
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import app  # noqa: E402
import measures  # noqa: E402
import servers  # noqa: E402
from report import fmt  # noqa: E402


def main() -> int:
    base, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not base.startswith(("postgres://", "postgresql://")) or not redis_url:
        print("bench/creation.py skipped: it runs on PostgreSQL and Redis, as production does")
        return 0
    os.environ.setdefault("BENCH_SIZES", "200")
    config = app.Config.from_env()
    size = config.sizes[0]
    redis_url = app.redis_for_bench()
    from tests.shipping.carriers.inpost.fake import shipx_running

    with ExitStack() as stack:
        fake = stack.enter_context(shipx_running())
        shipx = {"url": fake.url, "token": fake.token, "organization_id": fake.organization_id}
        database = app.dataset_ensure(base, size)
        baseline = servers.baseline_start(servers.database_ensure(base, f"{app.database_prefix(base)}_baseline"))
        stack.callback(baseline.stop)
        env = {**servers.app_env(database, redis_url), "BENCH_FAKE_SHIPX": json.dumps(shipx)}
        data = app.prepare(env, "--orders", str(config.orders), "--walks", "1")
        portal = servers.app_start("app-creation", env)
        stack.callback(portal.stop)
        pairs = [
            app.paired(baseline.port, measures.baseline_insert(30_000), portal.port, ours, config)
            for ours in (measures.creation(data), measures.creation_async(data))
        ]
        portal.stop()
        made, made_rate = app.intakes_drain(env, database)
    print(f"{config.concurrency} client threads, {config.duration:g} s in {config.rounds} rounds, gunicorn:")
    print(f"  {' '.join(servers.gunicorn_arguments())}")
    for name, (bare, ours) in zip(
        ("POST /api/v1/returns/ (submit)", "the same, Prefer: respond-async"), pairs, strict=True
    ):
        for label, result in (("bare insert (baseline)", bare), (name, ours)):
            errors = f" ({result.errors} errors)" if result.errors else ""
            print(
                f"  {label:32} {fmt(result.rate, 1):>8}/s  p50 {fmt(result.p50)} ms  p95 {fmt(result.p95)} ms{errors}"
            )
        ratio = ours.rate / bare.rate if bare.rate else float("nan")
        print(f"  ratio {ratio:.3f} (target >= 0.5)")
    print(f"  the returns accepted for later, made by the worker (2 processes): {made} at {fmt(made_rate, 1)}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
