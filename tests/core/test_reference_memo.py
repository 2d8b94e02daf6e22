"""Reference rows kept in memory between requests (rma.core.reference_memo), seen through the default return policy
and the reason codes: read once, read again after a change, never kept from a transaction that wrote them."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from rma.core.reference_memo import KEY_PREFIX, reference_memos_load
from rma.locations.selectors import warehouses_active
from rma.returns.models import PolicyFee, ReturnPolicy
from rma.returns.policy import policy_get_default
from rma.returns.selectors import reason_codes_by_code
from tests.returns.factories import ReasonCodeFactory, ReturnPolicyFactory

# Committed rows, as production reads them (a test transaction that writes them is the case tested below).
pytestmark = pytest.mark.django_db(transaction=True)


def _read_policy() -> tuple[ReturnPolicy, int]:
    with CaptureQueriesContext(connection) as queries:
        policy = policy_get_default()
        list(policy.fees.all())
        list(policy.window_overrides.all())
    return policy, len(queries)


def test_the_policy_is_read_once_then_kept():
    ReturnPolicyFactory(window_days=30)

    first, first_queries = _read_policy()
    again, again_queries = _read_policy()

    assert (first_queries, again_queries) == (3, 0)  # the policy, its overrides, its fees; then nothing
    assert again is first


def test_a_saved_change_is_read_at_the_next_use():
    policy = ReturnPolicyFactory(window_days=30)
    _read_policy()

    policy.window_days = 45
    policy.save()
    PolicyFee.objects.create(policy=policy, responsibility="customer", drop_off_method="relay_point", amount="3.90")
    changed, queries = _read_policy()

    assert queries == 3
    assert changed.window_days == 45
    assert [str(fee.amount) for fee in changed.fees.all()] == ["3.90"]


def test_a_change_made_by_another_process_is_read_at_the_next_use():
    ReturnPolicyFactory(window_days=30)
    _read_policy()
    # Another process saved the policy: its rows changed, and after its commit its memo replaced the shared token.
    ReturnPolicy.objects.update(window_days=60)
    cache.set(KEY_PREFIX + "returns.default_policy", "another process's change", timeout=None)

    policy, queries = _read_policy()

    assert (policy.window_days, queries) == (60, 3)


def test_a_transaction_that_writes_the_policy_reads_its_own_and_keeps_nothing_after_a_rollback():
    ReturnPolicyFactory(window_days=30)
    _read_policy()

    readings = []
    with transaction.atomic():
        policy = ReturnPolicy.objects.get(is_default=True)
        policy.window_days = 90
        policy.save()
        readings += [_read_policy(), _read_policy()]
        transaction.set_rollback(True)

    # Its own change, read from the database each time (not kept), then after the rollback the committed rows.
    assert [(seen.window_days, queries) for seen, queries in readings] == [(90, 3), (90, 3)]
    assert _read_policy()[0].window_days == 30


def test_reason_codes_created_later_are_found():
    ReasonCodeFactory(code="too-small")
    assert set(reason_codes_by_code(codes=["too-small", "damaged"])) == {"too-small"}

    ReasonCodeFactory(code="damaged")

    assert set(reason_codes_by_code(codes=["too-small", "damaged"])) == {"too-small", "damaged"}


def test_without_the_shared_cache_the_rows_are_read_each_time(settings):
    ReturnPolicyFactory(window_days=30)
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }

    counts = [_read_policy()[1] for _ in range(2)]

    assert counts == [3, 3]


@pytest.fixture
def in_a_request():
    """Between a web request's start and its end, as Django's handler signals them."""
    request_started.send(sender=None)
    yield
    request_finished.send(sender=None)


@pytest.fixture
def cache_reads(monkeypatch):
    """The shared cache's reads as its callers make them (each still goes to the real cache): one `get` or
    `get_many` is one round trip to Redis (a memory cache's `get_many` calls its own `get`, not counted)."""
    counted = {"get": 0, "get_many": 0}
    inside = []
    for method in counted:
        real = getattr(cache, method)

        def counting(*args, _real=real, _method=method, **kwargs):
            if not inside:
                counted[_method] += 1
            inside.append(_method)
            try:
                return _real(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, method, counting)
    return counted


def test_within_a_request_every_memos_version_is_read_in_one_round_trip(in_a_request, cache_reads):
    ReturnPolicyFactory(window_days=30)
    ReasonCodeFactory(code="too-small")
    reference_memos_load()  # as a process that has served requests: every memo loaded, every token set

    request_finished.send(sender=None)
    request_started.send(sender=None)
    cache_reads.update(get=0, get_many=0)
    for _ in range(3):
        policy, reasons, _warehouses = (
            policy_get_default(),
            reason_codes_by_code(codes=["too-small"]),
            warehouses_active(),
        )

    assert cache_reads == {"get": 0, "get_many": 1}
    assert (policy.window_days, set(reasons)) == (30, {"too-small"})


def test_a_change_another_process_commits_during_a_request_is_seen_from_the_next_request(in_a_request):
    ReturnPolicyFactory(window_days=30)
    assert _read_policy()[0].window_days == 30
    ReturnPolicy.objects.update(window_days=60)
    cache.set(KEY_PREFIX + "returns.default_policy", "another process's change", timeout=None)

    during, queries = _read_policy()
    request_finished.send(sender=None)
    request_started.send(sender=None)
    after, queries_after = _read_policy()

    assert (during.window_days, queries) == (30, 0)  # the request reads one version throughout
    assert (after.window_days, queries_after) == (60, 3)


def test_a_change_the_request_commits_itself_is_seen_at_once(in_a_request):
    policy = ReturnPolicyFactory(window_days=30)
    assert _read_policy()[0].window_days == 30

    policy.window_days = 45
    policy.save()  # committed (no transaction around this test)

    assert _read_policy()[0].window_days == 45


def test_outside_a_request_each_use_reads_its_version(cache_reads):
    ReturnPolicyFactory(window_days=30)
    policy_get_default()
    cache_reads.update(get=0, get_many=0)

    policy_get_default(), policy_get_default()

    assert cache_reads == {"get": 2, "get_many": 0}
