"""What a large data set looks like, decided before anything is written: statuses, their paths and their times.

Pure and deterministic for a seed, so the shares and the histories can be checked without a database, and a
run with the same seed plans the same returns. Each return gets the path a real one takes through the lifecycle
(rma.returns.states), so every stored event is a move the transition service would have allowed.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from rma.returns.choices import Resolution, ReturnStatus
from rma.returns.states import can_transition

S = ReturnStatus

# The share of each status in a shop that has run returns for a while (percent, sums to 100): most returns are
# finished, a tenth are on their way or at the warehouse, a few are cancelled or expired.
STATUS_SHARES: dict[str, float] = {
    S.CLOSED: 30.0,
    S.REFUNDED: 20.0,
    S.EXCHANGED: 3.0,
    S.INSPECTED: 4.0,
    S.RECEIVED: 4.0,
    S.IN_TRANSIT: 8.0,
    S.LABEL_READY: 7.0,
    S.APPROVED: 3.0,
    S.NEEDS_REVIEW: 2.0,
    S.SUBMITTED: 1.0,
    S.DRAFT: 2.0,
    S.REJECTED: 2.0,
    S.CANCELLED: 8.0,
    S.EXPIRED: 6.0,
}

# Days a return spends before each move (mean); the first event is "now minus the age".
STEP_DAYS: dict[str, float] = {
    S.SUBMITTED: 0.01,
    S.NEEDS_REVIEW: 0.01,
    S.APPROVED: 0.3,
    S.REJECTED: 0.6,
    S.LABEL_READY: 0.01,
    S.IN_TRANSIT: 1.5,
    S.RECEIVED: 2.0,
    S.INSPECTED: 1.0,
    S.REFUNDED: 0.5,
    S.EXCHANGED: 1.0,
    S.CLOSED: 1.0,
    S.CANCELLED: 2.0,
}
REVIEW_SHARE = 0.1  # approved returns that went through an agent's review
EXCHANGE_SHARE = 0.1  # returns asking for another size rather than money
STORE_CREDIT_SHARE = 0.15  # returns settled with a voucher for the shop rather than money back
STORE_SHARE = 0.15  # returns handed in at a shop's counter rather than at a carrier's point
HISTORY_DAYS = 365  # finished returns are spread over the last year


@dataclass(frozen=True)
class PlannedReturn:
    """One return to write: its path (event by event), the moment of each move, and what it asked for."""

    index: int
    path: tuple[str, ...]
    moments: tuple[datetime, ...]
    resolution: str
    line_count: int
    quantities: tuple[int, ...]
    at_store: bool = False  # handed in at a shop's counter (rma.demo.scale.extras)

    @property
    def status(self) -> str:
        return self.path[-1]

    def at(self, status: str) -> datetime | None:
        """When the return moved to `status`, or None if it never did."""
        for step, moment in zip(self.path, self.moments, strict=True):
            if step == status:
                return moment
        return None

    def when(self, status: str) -> datetime:
        """When the return moved to `status`, which it must have reached."""
        moment = self.at(status)
        if moment is None:
            raise ValueError(f"return {self.index} never reached {status}")
        return moment

    def reached(self, status: str) -> bool:
        return status in self.path


def statuses_for(*, count: int, rng: random.Random) -> list[str]:
    """`count` statuses in the planned shares: exact counts (largest remainders), then shuffled."""
    total = sum(STATUS_SHARES.values())
    exact = {status: count * share / total for status, share in STATUS_SHARES.items()}
    counts = {status: int(value) for status, value in exact.items()}
    by_remainder = sorted(exact, key=lambda status: exact[status] - counts[status], reverse=True)
    for status in by_remainder[: count - sum(counts.values())]:
        counts[status] += 1
    statuses = [status for status, n in counts.items() for _ in range(n)]
    rng.shuffle(statuses)
    return statuses


def path_to(status: str, *, resolution: str, rng: random.Random) -> tuple[str, ...]:
    """The moves a return made to reach `status`, from its draft."""
    approved: list[str] = [S.DRAFT, S.SUBMITTED]
    approved += [S.NEEDS_REVIEW] if rng.random() < REVIEW_SHARE else []
    approved.append(S.APPROVED)
    shipped: list[str] = [*approved, S.LABEL_READY, S.IN_TRANSIT]
    inspected: list[str] = [*shipped, S.RECEIVED, S.INSPECTED]
    # Most cancellations come after the label was made; a few from the draft.
    cancelled_from: list[str] = [S.DRAFT] if rng.random() < 0.2 else [*approved, S.LABEL_READY]
    settled: str = S.EXCHANGED if resolution == Resolution.EXCHANGE else S.REFUNDED
    paths: dict[str, list[str]] = {
        S.DRAFT: [S.DRAFT],
        S.SUBMITTED: [S.DRAFT, S.SUBMITTED],
        S.NEEDS_REVIEW: [S.DRAFT, S.SUBMITTED, S.NEEDS_REVIEW],
        S.REJECTED: [S.DRAFT, S.SUBMITTED, S.NEEDS_REVIEW, S.REJECTED],
        S.APPROVED: approved,
        S.LABEL_READY: approved + [S.LABEL_READY],
        S.IN_TRANSIT: shipped,
        S.RECEIVED: shipped + [S.RECEIVED],
        S.INSPECTED: inspected,
        S.REFUNDED: inspected + [S.REFUNDED],
        S.EXCHANGED: inspected + [S.EXCHANGED],
        S.CLOSED: inspected + [settled, S.CLOSED],
        S.CANCELLED: [*cancelled_from, S.CANCELLED],
        S.EXPIRED: approved + [S.LABEL_READY, S.EXPIRED],
    }
    path = tuple(paths[status])
    for source, target in zip(path, path[1:], strict=False):
        if not can_transition(source, target):  # the plan must only make moves the lifecycle allows
            raise ValueError(f"{source} -> {target} is not a move the lifecycle allows")
    return path


def moments_for(path: tuple[str, ...], *, now: datetime, send_deadline: timedelta, rng: random.Random) -> tuple:
    """A time for each move: in-flight returns are recent, finished ones spread over the year, expired ones
    older than the send deadline, each move after the one before."""
    gaps = []
    for step in path[1:]:
        if step == S.EXPIRED:
            gaps.append(send_deadline.total_seconds() / 86400 + rng.uniform(0.01, 0.05))
        else:
            gaps.append(rng.expovariate(1 / STEP_DAYS.get(step, 0.01)) + 0.0005)
    span = sum(gaps)
    status = path[-1]
    if status in (S.CLOSED, S.REFUNDED, S.EXCHANGED, S.REJECTED, S.CANCELLED, S.EXPIRED):
        end_age = rng.uniform(0.05, HISTORY_DAYS)
    elif status in (S.APPROVED, S.LABEL_READY):
        # Still inside their send deadline, or the expiry task would have moved them.
        end_age = rng.uniform(0.01, max(0.02, send_deadline.total_seconds() / 86400 - span - 0.5))
    else:
        end_age = rng.uniform(0.01, 3.0)
    start = now - timedelta(days=end_age + span)
    moments, elapsed = [start], 0.0
    for gap in gaps:
        elapsed += gap
        moments.append(start + timedelta(days=elapsed))
    return tuple(moments)


def plan_returns(
    *, count: int, seed: int, now: datetime, send_deadline: timedelta, first_index: int = 0
) -> Iterator[PlannedReturn]:
    """The returns of a run, numbered from `first_index`, one at a time (a million plans do not fit in memory
    comfortably; their statuses do)."""
    rng = random.Random(seed)
    for offset, status in enumerate(statuses_for(count=count, rng=rng)):
        draw = rng.random()
        resolution = Resolution.REFUND
        if draw < EXCHANGE_SHARE:
            resolution = Resolution.EXCHANGE
        elif draw < EXCHANGE_SHARE + STORE_CREDIT_SHARE:
            resolution = Resolution.STORE_CREDIT
        if status == S.EXCHANGED:
            resolution = Resolution.EXCHANGE
        elif status == S.REFUNDED and resolution == Resolution.EXCHANGE:
            resolution = Resolution.REFUND
        path = path_to(status, resolution=resolution, rng=rng)
        line_count = rng.choices((1, 2, 3), weights=(40, 45, 15))[0]
        yield PlannedReturn(
            index=first_index + offset,
            path=path,
            moments=moments_for(path, now=now, send_deadline=send_deadline, rng=rng),
            resolution=resolution,
            line_count=line_count,
            quantities=tuple(rng.choices((1, 2), weights=(85, 15))[0] for _ in range(line_count)),
            at_store=rng.random() < STORE_SHARE,
        )
