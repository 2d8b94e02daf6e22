"""What a broker that is down costs a request: `.venv/bin/python bench/outbox.py [--requests 30]`.

A "request" here is what approving a return does to the outbox: one transaction that writes three messages,
then their hand-over to the broker after the commit (rma.notifications.outbox, rma.core.queue). It is timed:
1. with a broker that takes the tasks at once (kombu's in-memory transport): the baseline;
2. with Redis down (connection refused), the first request after the breaker closed: the worst case;
3. the same while the breaker is open (the next requests, for its cool-off);
4. with a broker that accepts each connection and hangs up at once (a restarting or overloaded Redis).
Throwaway SQLite database. Target: Redis down adds at most TARGET_EXTRA_MS to a request (exit status 1 if not).
"""

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

TARGET_EXTRA_MS = 300.0
REFUSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1
_keys = count()


def setup_django(workdir: Path) -> None:
    """Django on a throwaway SQLite file; the Redis transport options of production (REDIS_URL names a Redis)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "returns_portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["RMA_VAR_DIR"] = str(workdir)
    os.environ["RMA_MEDIA_ROOT"] = str(workdir / "media")
    os.environ["CELERY_BROKER_URL"] = REFUSED_BROKER  # the Redis transport options; each measure picks its URL
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.pop("REDIS_URL", None)
    import logging

    import django

    django.setup()
    for name in ("rma.core.queue", "kombu", "celery"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # one warning per failed publish is the point here

    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Publish to `url` from now on (Celery keeps the pools of the URL it first used: drop them)."""
    from returns_portal.celery import app

    def reset() -> None:
        app._pool = None
        amqp = app.__dict__.get("amqp")
        if amqp is not None:
            amqp._producer_pool = None

    app.conf["broker_write_url"] = url
    reset()
    try:
        yield
    finally:
        app.conf["broker_write_url"] = None
        reset()


@contextmanager
def hanging_up_broker() -> Iterator[str]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _address = server.accept()
            except TimeoutError:
                continue
            client.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def one_request() -> None:
    from django.db import transaction

    from rma.notifications.outbox import outbox_enqueue

    with transaction.atomic():
        for recipient in ("customer", "warehouse", "shop"):
            outbox_enqueue(
                channel="email",
                topic="return_approved",
                destination=f"{recipient}@example.com",
                payload={"rma_number": "R-BENCH", "lines": [], "tracking_url": "https://rma.example.com/r/1/"},
                dedupe_key=f"bench:{next(_keys)}",
            )


def timed_ms(requests: int, *, before_each: Callable[[], None] = lambda: None) -> list[float]:
    times = []
    for _ in range(requests):
        before_each()
        start = time.perf_counter()
        one_request()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30, help="requests timed per measure (default 30)")
    requests = parser.parse_args().requests

    with tempfile.TemporaryDirectory(prefix="rma-bench-") as workdir:
        setup_django(Path(workdir))
        from rma.core.queue import broker_breaker

        with publishing_to("memory://"):
            timed_ms(5)  # warm up: imports, first connections
            baseline = statistics.median(timed_ms(requests))
        print(
            f"request with the broker up:                {baseline:7.1f} ms  (median of {requests}; in-memory broker)"
        )

        results = {}
        with publishing_to(REFUSED_BROKER):
            first = timed_ms(requests, before_each=broker_breaker.reset)
            results["Redis down, first request (breaker closed)"] = statistics.median(first)
            broker_breaker.trip()
            results["Redis down, breaker open"] = statistics.median(timed_ms(requests))
        with hanging_up_broker() as url, publishing_to(url):
            results["Redis hanging up, first request"] = statistics.median(
                timed_ms(requests, before_each=broker_breaker.reset)
            )
        broker_breaker.reset()

        worst = 0.0
        for label, median in results.items():
            extra = median - baseline
            worst = max(worst, extra)
            print(f"{label + ':':<43} {median:7.1f} ms  (+{extra:.1f} ms)")
        verdict = "met" if worst <= TARGET_EXTRA_MS else "MISSED"
        print(f"target: a broker that is down adds at most {TARGET_EXTRA_MS:.0f} ms to a request: {verdict}")
        return 0 if worst <= TARGET_EXTRA_MS else 1


if __name__ == "__main__":
    sys.exit(main())
