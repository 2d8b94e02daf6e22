"""When to try a failed delivery again, and when to give up. Values come from settings, read at call time."""

import random
from collections.abc import Callable

from django.conf import settings

DEFAULT_BACKOFF_FACTOR = 2.0


def max_attempts() -> int:
    """How many sends a message gets before it is dead-lettered (RMA_OUTBOX_MAX_ATTEMPTS)."""
    return max(1, int(settings.RMA_OUTBOX_MAX_ATTEMPTS))


def backoff_ceiling(attempt: int, *, base: float | None = None, cap: float | None = None) -> float:
    """The longest wait after failed attempt number `attempt` (1-based): base × factor^(attempt-1), capped."""
    if base is None:
        base = float(settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS)
    if cap is None:
        cap = float(settings.RMA_OUTBOX_BACKOFF_CAP_SECONDS)
    exponent = min(max(attempt, 1) - 1, 64)  # 2**64 × base is past any cap; avoids float overflow
    return min(cap, base * DEFAULT_BACKOFF_FACTOR**exponent)


def backoff_delay(
    attempt: int, *, base: float | None = None, cap: float | None = None, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after failed attempt number `attempt`: "equal jitter" backoff.

    Half of the exponential ceiling is always waited (so retries really back off), the other half is random
    (so that messages that failed together, e.g. when a receiver went down, do not all retry together).
    With the defaults: 15–30 s after the 1st failure, 30–60 s after the 2nd, … never more than 6 h.
    """
    ceiling = backoff_ceiling(attempt, base=base, cap=cap)
    return ceiling / 2 + rand() * ceiling / 2
