"""The load generator: a fixed number of threads, each with its own keep-alive http.client connection, sending
prepared requests for a fixed time (or until the prepared ones run out), and what came back: p50, p95, req/s.

Threads share the machine's cores with the servers they load, and share them the same way for the baseline and
for the portal: compare ratios, not absolute figures, on a small machine."""

import http.client
import itertools
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    """One prepared HTTP request."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    """What one measure sent and got back (latencies in milliseconds, in the order they were taken)."""

    latencies: list[float]
    seconds: float
    statuses: Counter[int]
    unexpected: list[str]

    def __add__(self, other: "Result") -> "Result":
        return Result(
            self.latencies + other.latencies,
            self.seconds + other.seconds,
            self.statuses + other.statuses,
            self.unexpected + other.unexpected,
        )

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return len(self.unexpected)

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def run(
    port: int,
    calls: Sequence[Call],
    *,
    concurrency: int,
    duration: float,
    expect: frozenset[int] = frozenset({200}),
    repeat: bool = True,
) -> Result:
    """Send `calls` in turn (cycling through them when `repeat`) from `concurrency` threads for `duration` seconds."""
    if not calls:
        raise ValueError("no requests prepared for this measure")
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    unexpected: list[str] = []
    deadline = [0.0]

    def next_call() -> Call | None:
        index = next(counter)
        if index >= len(calls) and not repeat:
            return None
        return calls[index % len(calls)]

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline[0]:
            call = next_call()
            if call is None:
                break
            started = time.perf_counter()
            try:
                connection.request(call.method, call.path, body=call.body, headers=call.headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()  # gunicorn's sync workers answer one request per connection
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                status, payload = 0, repr(error).encode()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
                if status not in expect:
                    unexpected.append(f"{call.method} {call.path} -> {status}: {payload[:200]!r}")
        connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    deadline[0] = started + duration
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(latencies, time.perf_counter() - started, statuses, unexpected)
