"""The label worker end to end against the renderer alone, in the same run: `.venv/bin/python bench/label_worker.py`.

Needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL, as for the app). It makes its own database next to the one
DATABASE_URL names (`<name>_labelbench`, dropped at the end) and uses the Redis database REDIS_URL names (its label
queue is emptied first). Then, in one run:
1. the renderer alone, in this process: label sets (A6 PDF + 4x6 PDF + ZPL) per second, and A6 PDFs per second
   (measured before and after the worker's run, averaged);
2. label_generate in this process on a few labels: SQL statements and milliseconds per label on PostgreSQL;
3. a real Celery worker (`celery -A returns_portal worker -Q labels`, prefork, the settings of production:
   prefetch multiplier 1, acks late) started as a separate process, then N labels handed to it as their
   approvals do (each rings the batches' doorbell; the first ring publishes their run): labels per second from
   the first ring to the last label ready in the database, and the CPU the worker's processes used per label
   until it had taken every task (Linux). With PostgreSQL on the same machine, the CPU its
   server processes used for the worker's connections too. By default the worker is measured from its start (its
   processes' first labels open their connections and load what every later label reuses); `--warm-up N` has it
   make N labels first, unmeasured, as bench/app.py does.
The figures are printed, or with --json written as one JSON object (bench/labels.py `worker_vs_renderer` reads it).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

WORKER_START_TIMEOUT = 60.0
DRAIN_TIMEOUT = 600.0
PROFILED_LABELS = 20  # labels made in this process to count statements


def _bench_database_url(database_url: str) -> tuple[str, str]:
    """The URL of the throwaway database next to the one `database_url` names, and its name."""
    parts = urlsplit(database_url)
    name = f"{parts.path.lstrip('/') or 'rma'}_labelbench"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _database_recreate(database_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg2

    parts = urlsplit(database_url)
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _setup_django(*, database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """Configure Django on the bench database and Redis; the environment the worker gets too."""
    env = {
        "DJANGO_SETTINGS_MODULE": "returns_portal.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "RMA_VAR_DIR": str(workdir),
        "RMA_MEDIA_ROOT": str(workdir / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    os.environ.update(env)
    import logging

    import django

    django.setup()
    logging.getLogger("rma.shipping").setLevel(logging.ERROR)
    return env


def _queue_empty(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in ("labels", "unacked", "unacked_index", "unacked_mutex"):
        client.delete(key)


def _queue_wait_drained(redis_url: str) -> None:
    """Wait until the worker has taken and acknowledged every label task: with batches, the last labels are ready
    before the tasks of the labels made with them have run (each then finds its label ready and ends)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while client.llen("labels") or client.hlen("unacked"):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not take its label tasks within ten minutes")
        time.sleep(0.02)


def _renderer_rates(*, seconds: float) -> dict[str, float]:
    from bench.labels import make_pool, rate
    from rma.shipping.rendering import render_label_pdf, render_label_zpl

    pool = make_pool()

    def label_set(content: Any) -> object:
        render_label_pdf(content=content, size="A6")
        render_label_pdf(content=content, size="4x6")
        return render_label_zpl(content=content)

    return {
        "renderer_a6_per_s": rate(render=lambda c: render_label_pdf(content=c, size="A6"), pool=pool, seconds=seconds),
        "renderer_set_per_s": rate(render=label_set, pool=pool, seconds=seconds),
    }


def _in_process(label_ids: list[int], *, profile: bool = False) -> dict[str, float]:
    """Statements and time per label when label_generate runs here (no broker), on PostgreSQL; with `profile`,
    the time spent per function is printed to stderr (cProfile, 40 lines by cumulative time)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rma.shipping.services import label_generate

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        for label_id in label_ids:
            if profiler is not None:
                profiler.enable()
            label_generate(label_id=label_id)
            if profiler is not None:
                profiler.disable()
    elapsed = time.perf_counter() - started
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        for query in queries.captured_queries[: len(queries) // len(label_ids)]:
            sys.stderr.write(f"SQL {query['sql'][:160]}\n")
    return {
        "statements_per_label": len(queries) / len(label_ids),
        "in_process_ms_per_label": elapsed / len(label_ids) * 1000,
    }


def _worker_start(*, env: dict[str, str], concurrency: int, workdir: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "returns_portal",
        "worker",
        "-Q",
        "labels",
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "-l",
        "warning",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"labelbench-{os.getpid()}@%h",
    ]
    log = (workdir / "worker.log").open("w")
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)


def _worker_wait_ready(process: subprocess.Popen, workdir: Path) -> None:
    from returns_portal.celery import app

    deadline = time.monotonic() + WORKER_START_TIMEOUT
    name = f"labelbench-{process.pid}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker stopped: {(workdir / 'worker.log').read_text()[-2000:]}")
        replies = app.control.ping(timeout=0.5) or []
        if any(name in next(iter(reply)) or "labelbench-" in next(iter(reply)) for reply in replies):
            return
    raise RuntimeError("the worker did not answer a ping within a minute")


def _process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker_cpu_seconds(process: subprocess.Popen) -> dict[str, float]:
    """CPU seconds used so far by the worker's main process and by its pool processes together (Linux /proc; empty
    elsewhere): with the drain's wall time, whether the worker waits (database, broker) or computes."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        return {
            "main": _process_cpu_seconds(process.pid),
            "pool": sum(_process_cpu_seconds(int(pid)) for pid in children),
        }
    except (OSError, ValueError, IndexError):
        return {}


def _database_cpu_seconds() -> float | None:
    """CPU seconds used so far by the PostgreSQL server processes of the other connections to the bench database
    (the worker's, opened by its first tasks), when the server runs on this machine; else None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    try:
        if not pids or any(Path(f"/proc/{pid}/comm").read_text().strip() != "postgres" for pid in pids):
            return None
        return sum(_process_cpu_seconds(pid) for pid in pids)
    except (OSError, ValueError, IndexError):
        return None


def _drain(*, label_ids: list[int]) -> float:
    """Hand the labels to the worker as their approvals do (bench.labels.labels_hand_over) and wait until all are
    ready: seconds taken."""
    from bench.labels import labels_hand_over
    from rma.shipping.choices import LabelStatus
    from rma.shipping.models import Label

    started = labels_hand_over(label_ids)
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while Label.objects.filter(pk__in=label_ids, status=LabelStatus.READY).count() < len(label_ids):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not make the labels within ten minutes")
        time.sleep(0.05)
    return time.time() - started


def measure(
    *, count: int, concurrency: int, seconds: float, profile: bool = False, warm_up: int = 0
) -> dict[str, Any]:
    """Run the three measures on a throwaway database; the figures as a dict."""
    from bench.labels import returns_with_pending_labels

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        raise SystemExit("bench/label_worker.py needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")
    bench_url, name = _bench_database_url(database_url)
    _database_recreate(database_url, name)
    worker = None
    try:
        with tempfile.TemporaryDirectory(prefix="rma-labelbench-") as tmp:
            workdir = Path(tmp)
            env = _setup_django(database_url=bench_url, redis_url=redis_url, workdir=workdir)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            label_ids = returns_with_pending_labels(count=count + PROFILED_LABELS + warm_up)
            _queue_empty(redis_url)  # the tasks queued on approval: this run publishes its own
            figures: dict[str, Any] = {"labels": count, "concurrency": concurrency, "cpu_count": os.cpu_count()}
            before = _renderer_rates(seconds=seconds / 2)
            figures.update(_in_process(label_ids[:PROFILED_LABELS], profile=profile))
            worker = _worker_start(env=env, concurrency=concurrency, workdir=workdir)
            _worker_wait_ready(worker, workdir)
            if warm_up:  # as bench/app.py does: the worker's processes connect, load and compile what labels reuse
                _drain(label_ids=label_ids[PROFILED_LABELS : PROFILED_LABELS + warm_up])
                _queue_wait_drained(redis_url)
                figures["warm_up_labels"] = warm_up
            cpu_before = _worker_cpu_seconds(worker)
            database_cpu_before = _database_cpu_seconds() or 0.0
            elapsed = _drain(label_ids=label_ids[PROFILED_LABELS + warm_up :])
            # The CPU counts every task published, those that found their label ready too.
            tail_started = time.perf_counter()
            _queue_wait_drained(redis_url)
            figures["all_tasks_taken_s"] = elapsed + time.perf_counter() - tail_started
            cpu_after = _worker_cpu_seconds(worker)
            database_cpu = _database_cpu_seconds()
            if database_cpu is not None:
                figures["database_cpu_ms_per_label"] = (database_cpu - database_cpu_before) / count * 1000
            for part in cpu_after.keys() & cpu_before.keys():
                figures[f"worker_{part}_cpu_ms_per_label"] = (cpu_after[part] - cpu_before[part]) / count * 1000
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            worker = None
            # Before and after the worker's run, averaged: a shared machine's load drifts within a minute.
            after = _renderer_rates(seconds=seconds / 2)
            figures.update({name: (before[name] + after[name]) / 2 for name in before})
            figures["end_to_end_per_s"] = count / elapsed
            figures["end_to_end_s"] = elapsed
            figures["ratio_to_a6"] = figures["end_to_end_per_s"] / figures["renderer_a6_per_s"]
            figures["ratio_to_set"] = figures["end_to_end_per_s"] / figures["renderer_set_per_s"]
    finally:
        if worker is not None:
            worker.kill()
            worker.wait()
        from django.db import connections

        connections.close_all()
        _database_recreate(database_url, name, drop_only=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300, help="labels the worker makes (default 300)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2, one per core)")
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each renderer measure")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--profile", action="store_true", help="print label_generate's profile to stderr")
    parser.add_argument(
        "--warm-up", type=int, default=0, help="labels the worker makes before it is measured (default 0: none)"
    )
    arguments = parser.parse_args()
    figures = measure(
        count=arguments.count,
        concurrency=arguments.concurrency,
        seconds=arguments.seconds,
        profile=arguments.profile,
        warm_up=arguments.warm_up,
    )
    if arguments.json:
        print(json.dumps(figures))
        return
    print(f"Renderer alone, one process: {figures['renderer_a6_per_s']:.0f} A6 PDFs/s, "
          f"{figures['renderer_set_per_s']:.0f} label sets/s (A6 PDF + 4x6 PDF + ZPL)")  # fmt: skip
    print(f"label_generate in one process on PostgreSQL: {figures['in_process_ms_per_label']:.1f} ms and "
          f"{figures['statements_per_label']:.0f} SQL statements per label")  # fmt: skip
    print(f"Celery worker on Redis, {figures['concurrency']} prefork processes, {figures['labels']} labels: "
          f"{figures['end_to_end_per_s']:.0f} labels/s end to end = {figures['ratio_to_a6']:.2f} x the A6 renderer, "
          f"{figures['ratio_to_set']:.2f} x the label-set renderer")  # fmt: skip
    print(f"Last label ready after {figures['end_to_end_s']:.2f} s, every task taken after "
          f"{figures['all_tasks_taken_s']:.2f} s")  # fmt: skip
    if "worker_pool_cpu_ms_per_label" in figures:
        print(f"Worker CPU per label: {figures['worker_pool_cpu_ms_per_label']:.1f} ms in the pool processes, "
              f"{figures['worker_main_cpu_ms_per_label']:.1f} ms in the main process")  # fmt: skip
    if "database_cpu_ms_per_label" in figures:
        print(f"PostgreSQL CPU per label for the worker's connections: {figures['database_cpu_ms_per_label']:.1f} ms")


if __name__ == "__main__":
    main()
