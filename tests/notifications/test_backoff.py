import random

import pytest

from rma.notifications.retries import backoff_ceiling, backoff_delay, max_attempts

CAP = 6 * 3600


def test_the_ceiling_doubles_from_30_seconds_and_stops_at_6_hours():
    ceilings = [backoff_ceiling(n) for n in range(1, 41)]
    assert ceilings[:5] == [30, 60, 120, 240, 480]
    assert all(a <= b for a, b in zip(ceilings, ceilings[1:], strict=False))  # monotone
    assert max(ceilings) == CAP
    assert ceilings[-1] == CAP


def test_huge_attempt_numbers_do_not_overflow():
    assert backoff_ceiling(10_000) == CAP
    assert CAP / 2 <= backoff_delay(10_000) <= CAP


@pytest.mark.parametrize("attempt", [1, 2, 5, 9, 12, 30])
def test_equal_jitter_waits_between_half_and_all_of_the_ceiling(attempt):
    ceiling = backoff_ceiling(attempt)
    assert backoff_delay(attempt, rand=lambda: 0.0) == ceiling / 2
    assert backoff_delay(attempt, rand=lambda: 0.999999) == pytest.approx(ceiling, rel=1e-5)
    draws = [backoff_delay(attempt, rand=random.Random(attempt).random) for _ in range(200)]
    assert all(ceiling / 2 <= d <= ceiling for d in draws)


def test_the_jitter_spreads_retries_of_messages_that_failed_together():
    draws = {round(backoff_delay(3), 3) for _ in range(50)}
    assert len(draws) > 40


def test_the_lower_bound_grows_so_retries_really_back_off():
    lows = [backoff_delay(n, rand=lambda: 0.0) for n in range(1, 12)]
    assert lows == sorted(lows)
    assert lows[0] == 15


def test_settings_tune_the_schedule(settings):
    settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS = 1
    settings.RMA_OUTBOX_BACKOFF_CAP_SECONDS = 5
    assert [backoff_ceiling(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]
    settings.RMA_OUTBOX_MAX_ATTEMPTS = 3
    assert max_attempts() == 3


def test_ten_attempts_by_default(settings):
    assert max_attempts() == 10
    settings.RMA_OUTBOX_MAX_ATTEMPTS = 0
    assert max_attempts() == 1  # at least one send
