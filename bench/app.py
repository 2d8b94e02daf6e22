"""The portal's benchmark (`make bench`): the portal and a bare DRF baseline under the same gunicorn, loaded in the
same run, at each data-set size; a table of baseline, ours and their ratio for every measure.

    DATABASE_URL=postgres://…/rma REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/app.py

Environment:
- BENCH_SIZES: data-set sizes in returns, default 10000,1000000. Each size has its own database on DATABASE_URL's
  server (<name>_bench_10k_seed, <name>_bench_1m_seed…), migrated and seeded with `manage.py seed_scale` on first
  use, reused afterwards (seeding a million returns takes about an hour on two cores). Each run measures a fresh copy
  of it (<name>_bench_10k…), so that what one run writes does not weigh on the next.
- BENCH_QUICK=1: one small size and short measures (what tests/bench checks the harness with).
- BENCH_DURATION (seconds per measure, default 8), BENCH_CONCURRENCY (client threads, default 4).
- BENCH_REDIS_URL: the Redis database the portal and its worker use during the bench (its queues are emptied):
  default REDIS_URL's server, database 15.
Each measure is warmed up, then run for its duration; the report goes to stdout and var/bench/<timestamp>.txt.
"""

import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench's own modules
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the portal (and the tests' fake carrier)

import load  # noqa: E402
import measures  # noqa: E402
import servers  # noqa: E402
from report import Report  # noqa: E402

ROOT = servers.ROOT
ENABLE = "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma REDIS_URL=redis://127.0.0.1:6379/0 make bench"
LABELS_WARMUP = 10  # labels made before the measured ones, two rounds of each worker process at least


@dataclass(frozen=True)
class Config:
    sizes: list[int]
    duration: float
    warmup: float
    concurrency: int
    orders: int  # fresh orders prepared for creation (more than a run can use)
    webhooks: int
    labels: int
    render_seconds: float
    quick: bool
    rounds: int  # the writes alternate baseline and ours in this many rounds, the pages their sizes

    @classmethod
    def from_env(cls) -> "Config":
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0", "false")
        sizes = os.environ.get("BENCH_SIZES") or ("200" if quick else "10000,1000000")
        return cls(
            sizes=[int(size) for size in sizes.split(",") if size.strip()],
            duration=float(os.environ.get("BENCH_DURATION") or (1.0 if quick else 8.0)),
            warmup=0.3 if quick else 1.5,
            concurrency=int(os.environ.get("BENCH_CONCURRENCY") or 4),
            orders=240 if quick else 6000,
            webhooks=300 if quick else 6000,
            labels=8 if quick else 400,
            render_seconds=0.5 if quick else 4.0,
            quick=quick,
            rounds=2 if quick else 4,
        )


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def database_prefix(base: str) -> str:
    name = urlsplit(base).path.lstrip("/") or "rma"
    return name if name.endswith("bench") else f"{name}_bench"


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([servers.PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def dataset_ensure(base: str, size: int) -> str:
    """The database this run measures at this size: a fresh copy of the seeded one (<name>_bench_10k_seed…), which
    is migrated, and seeded now when it holds fewer than `size` returns. What a run writes (its creations, webhooks
    and labels) goes to the copy, so every run starts from the same data."""
    name = f"{database_prefix(base)}_{size_label(size)}"
    url = servers.database_ensure(base, f"{name}_seed")
    # seed_scale lives in rma.demo, which only the local settings install.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "returns_portal.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": url,
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput", "-v", "0")
    (have,) = servers.sql_run(url, "SELECT count(*) FROM orders_order WHERE external_id LIKE 'scale-%%'")[0]
    if have < size:
        print(f"seeding {size - have} returns into {urlsplit(url).path[1:]} (reused on later runs)", flush=True)
        manage(env, "seed_scale", "--returns", str(size - have), *(["--append"] if have else []))
    return servers.database_copy(base, f"{name}_seed", name)


def prepare(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = ROOT / "var" / "bench" / f"prepare-{os.getpid()}.json"
    subprocess.run([servers.PYTHON, "bench/prepare.py", str(out), *args], cwd=ROOT, env=env, check=True)
    try:
        return json.loads(out.read_text())
    finally:
        out.unlink()


def paired(
    baseline_port: int, baseline: measures.Measure, port: int, ours: measures.Measure, config: Config
) -> tuple[load.Result, load.Result]:
    """The baseline and ours, warmed up, then in alternating rounds of the same length, so that whatever else the
    machine does meanwhile weighs on both alike. A measure whose calls each write something new sends each once."""
    results = []
    for target, measure in ((baseline_port, baseline), (port, ours)):
        calls = measure.calls if measure.repeat else measure.calls[: config.concurrency * 5]
        warm = load.run(
            target,
            calls,
            concurrency=config.concurrency,
            duration=config.warmup,
            expect=measure.expect,
            repeat=measure.repeat,
        )
        results.append((target, measure, [] if measure.repeat else [warm.count]))
    totals = [load.Result([], 0.0, Counter(), []), load.Result([], 0.0, Counter(), [])]
    for _ in range(config.rounds):
        for index, (target, measure, offset) in enumerate(results):
            calls = measure.calls[offset[0] :] if offset else measure.calls
            if not calls:
                continue  # every prepared request was sent (its rate is over the rounds it ran)
            result = load.run(
                target,
                calls,
                concurrency=config.concurrency,
                duration=config.duration / config.rounds,
                expect=measure.expect,
                repeat=measure.repeat,
            )
            if offset:
                offset[0] += result.count
            totals[index] += result
    base_total, ours_total = totals
    for line in ours_total.unexpected[:3] + base_total.unexpected[:3]:
        print(f"  unexpected answer in {ours.name!r}: {line}", flush=True)
    return base_total, ours_total


def alternated(targets: list[tuple[int, measures.Measure]], config: Config) -> list[load.Result]:
    """A page at every size, each warmed up, then measured in alternating rounds of the same length: a growth
    compares figures taken in the same minutes, whatever else the machine does meanwhile (pages: each call can be
    sent again)."""
    for port, measure in targets:
        load.run(port, measure.calls, concurrency=config.concurrency, duration=config.warmup, expect=measure.expect)
    totals = [load.Result([], 0.0, Counter(), []) for _target in targets]
    for _ in range(config.rounds):
        for index, (port, measure) in enumerate(targets):
            totals[index] += load.run(
                port,
                measure.calls,
                concurrency=config.concurrency,
                duration=config.duration / config.rounds,
                expect=measure.expect,
            )
    for (_port, measure), result in zip(targets, totals, strict=True):
        for line in result.unexpected[:3]:
            print(f"  unexpected answer in {measure.name!r}: {line}", flush=True)
    return totals


def labels_drain(env: dict[str, str], database: str, count: int) -> tuple[int, float]:
    """Enqueue `count` pending labels and wait until the worker has made them; returns the labels made ready and
    the seconds from the first publish to the last label done."""
    enqueued = prepare(env, "--labels", str(count))
    ids, started = enqueued["labels"], enqueued["started"]
    deadline, done, ready = time.monotonic() + max(60.0, len(ids) / 2), 0, 0
    while time.monotonic() < deadline and done < len(ids):
        [(done, ready)] = servers.sql_run(
            database,
            "SELECT count(*), count(*) FILTER (WHERE status = 'ready') FROM shipping_label "
            "WHERE id = ANY(%s) AND status <> 'pending'",
            [ids],
        )
        time.sleep(0.05)
    return ready, time.time() - started


def intakes_drain(env: dict[str, str], database: str) -> tuple[int, float]:
    """The returns accepted for later by the creation measure, made by a real worker (2 processes, as compose runs
    it): how many, and how many a second, from the worker's start to the last one done."""
    [(waiting,)] = servers.sql_run(database, "SELECT count(*) FROM returns_returnintake WHERE status = 'pending'")
    if not waiting:
        return 0, 0.0
    started = time.time()
    worker = servers.worker_start(f"bench-intakes-{os.getpid()}", env, queues="default")
    try:
        # The acceptances rang their doorbell: a run waits in the queue. Beat is not running here: ring again, as
        # its 30-second run would, in case that publish was taken by an earlier worker.
        subprocess.run(
            [
                servers.PYTHON,
                "-c",
                "import django; django.setup(); "
                "from rma.returns.tasks import return_intakes_drain_task as t; t.delay()",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        deadline = time.monotonic() + max(120.0, waiting / 5)
        while time.monotonic() < deadline:
            [(left,)] = servers.sql_run(database, "SELECT count(*) FROM returns_returnintake WHERE status = 'pending'")
            if not left:
                break
            time.sleep(0.2)
        [(done, last)] = servers.sql_run(
            database,
            "SELECT count(*), extract(epoch FROM max(completed_at)) FROM returns_returnintake "
            "WHERE status <> 'pending' AND completed_at >= to_timestamp(%s)",
            [started],
        )
    finally:
        worker.stop()
    return done, done / (float(last) - started) if done else 0.0


def labels_measure(env: dict[str, str], database: str, config: Config) -> tuple[float, float, int]:
    """A real worker draining label_generate tasks, against the renderer alone (both in this run). Both are warmed
    up first, as the renderer's own measure is: each worker process's first label loads the fonts, templates and
    code that every later label reuses."""
    subprocess.run(
        [servers.CELERY, "-A", "returns_portal", "purge", "-f", "-Q", "labels,default,notifications"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    renderer = prepare(env, "--render", str(config.render_seconds))["rate"]
    worker = servers.worker_start(f"bench-labels-{os.getpid()}", env)
    try:
        labels_drain(env, database, LABELS_WARMUP)
        ready, seconds = labels_drain(env, database, config.labels)
    finally:
        worker.stop()
    return renderer, ready / seconds if ready else 0.0, ready


def machine(base: str, redis_url: str) -> list[str]:
    import redis

    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    gib = int(memory.split()[1]) / 1024 / 1024
    (version,) = servers.sql_run(servers.database_url(base, "postgres"), "SHOW server_version")[0]
    redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    return [
        f"Returns portal benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), {gib:.1f} GiB RAM, "
        f"PostgreSQL {version}, Redis {redis_version}, Python {platform.python_version()}",
        f"gunicorn (from the Dockerfile, both servers): {' '.join(servers.gunicorn_arguments())}; "
        f"portal on returns_portal.settings.production over HTTP",
    ]


@dataclass
class Size:
    """One size's data set, its prepared actors and calls, and the portal serving it."""

    label: str
    database: str
    env: dict[str, str]
    data: dict[str, Any]
    app: servers.Server


def size_start(base: str, redis_url: str, size: int, config: Config, shipx: dict[str, str]) -> Size:
    database = dataset_ensure(base, size)
    env = {**servers.app_env(database, redis_url), "BENCH_FAKE_SHIPX": json.dumps(shipx)}
    data = prepare(env, "--orders", str(config.orders))
    return Size(size_label(size), database, env, data, servers.app_start(f"app-{size_label(size)}", env))


def pages_measure(report: Report, sizes: list[Size], config: Config) -> None:
    """Every page at every size, the sizes alternating for each page (see `alternated`)."""
    print(f"measuring the pages at {', '.join(size.label for size in sizes)} returns", flush=True)
    per_size = [[*measures.pages(size.data), *measures.scans(size.data)] for size in sizes]
    for same_page in zip(*per_size, strict=True):
        results = alternated(
            [(size.app.port, measure) for size, measure in zip(sizes, same_page, strict=True)], config
        )
        for size, measure, result in zip(sizes, same_page, results, strict=True):
            report.page(size.label, measure.name, result)


def writes_measure(report: Report, size: Size, baseline_port: int, config: Config) -> None:
    """The writes at one size, each against the bare insert; then the returns accepted for later and the labels,
    made by the workers once the portal is stopped."""
    print(f"measuring the writes at {size.label} returns", flush=True)
    try:
        for measure in (
            measures.creation(size.data),
            measures.creation_async(size.data),
            measures.shop_webhooks(size.data, config.webhooks),
            measures.carrier_webhooks(size.data, config.webhooks),
        ):
            baseline = measures.baseline_insert(30_000)
            report.write(size.label, measure.name, *paired(baseline_port, baseline, size.app.port, measure, config))
    finally:
        size.app.stop()
    report.intakes[size.label] = intakes_drain(size.env, size.database)
    report.labels[size.label] = labels_measure(size.env, size.database, config)


def redis_for_bench() -> str:
    if os.environ.get("BENCH_REDIS_URL"):
        return os.environ["BENCH_REDIS_URL"]
    return urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path="/15"))


def main() -> int:
    base, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not base.startswith(("postgres://", "postgresql://")) or not redis_url:
        print("bench/app.py skipped: the portal is measured on PostgreSQL and Redis, as it runs in production;")
        print(f"run: {ENABLE}")
        return 0
    config = Config.from_env()
    redis_url = redis_for_bench()
    from tests.shipping.carriers.inpost.fake import shipx_running

    report = Report(header=machine(base, redis_url), sizes=[size_label(size) for size in config.sizes])
    report.header.append(
        f"Load: {config.concurrency} client threads (keep-alive http.client), "
        f"{config.duration:g} s per measure after {config.warmup:g} s of warm-up"
        + (" (quick mode: figures are not meaningful)" if config.quick else "")
    )
    with ExitStack() as stack:
        fake = stack.enter_context(shipx_running())
        shipx = {"url": fake.url, "token": fake.token, "organization_id": fake.organization_id}
        baseline = servers.baseline_start(servers.database_ensure(base, f"{database_prefix(base)}_baseline"))
        stack.callback(baseline.stop)
        sizes = []
        for size in config.sizes:
            started = size_start(base, redis_url, size, config, shipx)
            stack.callback(started.app.stop)
            sizes.append(started)
        pages_measure(report, sizes, config)
        for started in sizes:
            writes_measure(report, started, baseline.port, config)
    lines = report.lines()
    print("\n".join(lines))
    out = ROOT / "var" / "bench" / f"{datetime.now(UTC):%Y%m%d-%H%M%S}.txt"
    out.write_text("\n".join(lines) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
