"""The counter's "Checked at this counter lately": the shop's returns that went through its counter, the latest
moved first, read through the partial index `returns_store_updated` (the page's rows, whatever the shop's past)."""

import pytest

from rma.returns.models import ReturnRequest
from rma.store.selectors import counter_returns_recent, counter_returns_recent_qs
from rma.store.services.counter import counter_return_check
from tests.locations.factories import DropOffPointFactory
from tests.plans import plan_in_index_order
from tests.store.test_counter import checks_for

pytestmark = pytest.mark.django_db


def test_the_list_holds_the_returns_checked_at_the_shop_the_latest_moved_first(make_return, store, clerk):
    older, newer = make_return(), make_return(point=DropOffPointFactory())  # a relay point return, adopted
    waiting = make_return()  # the shop's, not handed in yet
    for return_request in (older, newer):
        counter_return_check(
            return_request=return_request, store=store, actor=clerk, checks=checks_for(return_request)
        )
    waiting.refresh_from_db()
    assert waiting.store == store

    assert counter_returns_recent(stores=[store]) == [newer, older]
    ReturnRequest.objects.filter(pk=older.pk).update(
        updated_at=newer.updated_at.replace(year=newer.updated_at.year + 1)
    )
    assert counter_returns_recent(stores=[store]) == [older, newer]
    assert counter_returns_recent(stores=[store], limit=1) == [older]


def test_another_shops_checks_are_not_listed(make_return, store, other_store, clerk):
    return_request = make_return()
    counter_return_check(return_request=return_request, store=store, actor=clerk, checks=checks_for(return_request))

    assert counter_returns_recent(stores=[other_store]) == []


def test_the_list_reads_the_shops_index_in_order_on_postgresql(postgres_only, make_return, store, clerk):
    return_request = make_return()
    counter_return_check(return_request=return_request, store=store, actor=clerk, checks=checks_for(return_request))

    plan = plan_in_index_order(counter_returns_recent_qs(stores=[store])[:20])

    assert "returns_store_updated" in plan, plan
    assert "Sort" not in plan.split("SubPlan")[0], plan
