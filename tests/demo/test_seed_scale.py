"""`manage.py seed_scale`: a large data set in bulk whose rows agree with the lifecycle and the constraints.

The plan is checked without a database (shares, paths, times); one small run (200 returns) is written once per
class and checked row by row the way the services would have left them, then the pages and the API open on it.
"""

import random
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from rma.core import roles
from rma.demo.scale.numbering import rma_number_for
from rma.demo.scale.plan import STATUS_SHARES, plan_returns, statuses_for
from rma.locations.choices import DropOffKind
from rma.locations.models import DropOffPoint, Warehouse
from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.orders.models import Order, OrderLine, ProductVariant
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReasonCode, ReturnEvent, ReturnLine, ReturnRequest
from rma.returns.states import RELEASING_STATUSES, can_transition
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.warehouse.models import Arrival, Disposition, ExchangeRequest, Inspection, Refund
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.returns.factories import return_request_make

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DEADLINE = timedelta(days=14)
COUNT = 200


# ---- the plan, without a database


@pytest.mark.parametrize("count", [1, 7, 200, 1000])
def test_statuses_come_in_the_planned_shares(count):
    statuses = Counter(statuses_for(count=count, rng=random.Random(1)))
    assert sum(statuses.values()) == count
    total = sum(STATUS_SHARES.values())
    for status, share in STATUS_SHARES.items():
        assert abs(statuses[status] - count * share / total) < 1


def test_every_planned_path_is_a_sequence_of_allowed_moves_in_time():
    for planned in plan_returns(count=500, seed=3, now=NOW, send_deadline=DEADLINE):
        assert planned.path[0] == S.DRAFT
        assert all(can_transition(a, b) for a, b in zip(planned.path, planned.path[1:], strict=False))
        assert list(planned.moments) == sorted(planned.moments)
        assert planned.moments[-1] <= NOW
        if planned.status in (S.APPROVED, S.LABEL_READY):  # the expiry task would have moved it otherwise
            assert planned.at(S.APPROVED) + DEADLINE > NOW
        if planned.status == S.EXPIRED:
            assert planned.at(S.EXPIRED) - planned.at(S.APPROVED) > DEADLINE


def test_the_same_seed_plans_the_same_returns_and_another_does_not():
    first = list(plan_returns(count=50, seed=5, now=NOW, send_deadline=DEADLINE))
    assert first == list(plan_returns(count=50, seed=5, now=NOW, send_deadline=DEADLINE))
    assert first != list(plan_returns(count=50, seed=6, now=NOW, send_deadline=DEADLINE))


def test_rma_numbers_are_distinct_across_indexes_and_runs():
    numbers = {rma_number_for(run=run, index=index) for run in (1, 2, 600) for index in range(20_000)}
    assert len(numbers) == 60_000
    assert all(len(number) == 11 and number.startswith("R-") for number in numbers)


# ---- one written run


@override_settings(RMA_SEND_DEADLINE=DEADLINE)
class SeedScaleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("seed_scale", returns=COUNT, batch_size=64, stdout=cls.output, stderr=StringIO())

    def test_the_summary_counts_what_was_written(self):
        text = self.output.getvalue()
        assert f"{COUNT} returns" in text
        assert re.search(rf"^\s+returnrequest\s+{COUNT}$", text, re.MULTILINE)
        assert ReturnRequest.objects.count() == COUNT
        assert Order.objects.filter(external_id__startswith="scale-001-").count() == COUNT

    def test_each_sku_sold_has_its_product_variant_from_its_latest_sale(self):
        latest = {}
        for line in OrderLine.objects.select_related("order").order_by("order__placed_at", "id"):
            latest[line.sku] = line
        variants = {variant.sku: variant for variant in ProductVariant.objects.all()}
        assert set(variants) == set(latest)
        for sku, line in latest.items():
            assert variants[sku].last_sold_at == line.order.placed_at
            assert (variants[sku].size, variants[sku].colour) == (line.size, line.colour)

    def test_every_status_is_there_in_its_share(self):
        counts = Counter(ReturnRequest.objects.values_list("status", flat=True))
        total = sum(STATUS_SHARES.values())
        for status, share in STATUS_SHARES.items():
            assert abs(counts[status] - COUNT * share / total) < 1, status

    def test_each_history_is_a_chain_of_allowed_moves_ending_at_the_status(self):
        events = defaultdict(list)
        for event in ReturnEvent.objects.order_by("created_at", "id"):
            events[event.return_request_id].append(event)
        assert len(events) == COUNT
        for request in ReturnRequest.objects.all():
            history = events[request.pk]
            assert history[0].from_status == ""
            assert history[0].to_status == S.DRAFT
            for before, after in zip(history, history[1:], strict=False):
                assert after.from_status == before.to_status
                assert can_transition(before.to_status, after.to_status)
            assert history[-1].to_status == request.status
            assert request.created_at == history[0].created_at
            assert request.updated_at == history[-1].created_at
            # The board's stored times are those of the history, as the transition service would have written them.
            assert request.status_changed_at == history[-1].created_at
            received = [event.created_at for event in history if event.to_status == S.RECEIVED]
            assert request.received_at == (received[0] if received else None)
            reached = {event.to_status for event in history}
            assert (request.approved_at is not None) == (S.APPROVED in reached)
            assert (request.send_by is not None) == (S.APPROVED in reached)

    def test_labels_arrivals_inspections_and_refunds_exist_exactly_where_the_lifecycle_makes_them(self):
        reached = defaultdict(set)
        for return_id, status in ReturnEvent.objects.values_list("return_request_id", "to_status"):
            reached[return_id].add(status)
        labels = {label.return_request_id: label for label in Label.objects.all()}
        arrivals = set(Arrival.objects.values_list("return_request_id", flat=True))
        refunds = {refund.return_request_id: refund for refund in Refund.objects.all()}
        exchanges = set(ExchangeRequest.objects.values_list("return_request_id", flat=True))
        inspected_units = dict(
            Inspection.objects.values_list("return_line__return_request")
            .annotate(n=Count("id"))
            .values_list("return_line__return_request", "n")
        )
        for request in ReturnRequest.objects.annotate(units=Sum("lines__quantity")):
            seen = reached[request.pk]
            assert (request.pk in labels) == (S.APPROVED in seen)
            if S.LABEL_READY in seen:
                label = labels[request.pk]
                assert label.tracking_number
                voided = bool(seen & {S.CANCELLED, S.EXPIRED})
                assert label.status == (LabelStatus.VOIDED if voided else LabelStatus.READY)
            assert (request.pk in arrivals) == (S.RECEIVED in seen)
            assert inspected_units.get(request.pk, 0) == (request.units if S.INSPECTED in seen else 0)
            assert (request.pk in refunds) == (S.REFUNDED in seen)
            if request.pk in refunds:
                assert refunds[request.pk].amount == request.refund_estimate > 0
            assert (request.pk in exchanges) == (S.EXCHANGED in seen)
        assert Disposition.objects.count() == Inspection.objects.count()
        assert all(arrival.scanned_code == labels[arrival.return_request_id].tracking_number
                   for arrival in Arrival.objects.all())  # fmt: skip

    def test_order_lines_hold_the_units_of_the_returns_that_still_count(self):
        held = defaultdict(int)
        for line in ReturnLine.objects.select_related("return_request"):
            if line.return_request.status not in RELEASING_STATUSES:
                held[line.order_line_id] += line.quantity
        for line in OrderLine.objects.all():
            assert line.quantity_in_returns == held[line.pk]
            assert line.quantity_in_returns <= line.quantity

    def test_customer_emails_are_in_the_outbox_once_per_move(self):
        emails = OutboxMessage.objects.filter(channel="email")
        assert emails.count() > COUNT  # several moves per return tell the customer
        assert set(emails.values_list("status", flat=True)) <= set(OutboxStatus.values)
        assert not emails.filter(status=OutboxStatus.DELIVERED, delivered_at__isnull=True).exists()
        approved = ReturnEvent.objects.filter(to_status=S.APPROVED).count()
        assert emails.filter(topic="return_approved").count() == approved

    def test_a_second_run_is_refused_without_append_and_namespaced_with_it(self):
        with pytest.raises(CommandError, match="--append"):
            call_command("seed_scale", returns=10, stdout=StringIO(), stderr=StringIO())
        assert ReturnRequest.objects.count() == COUNT
        call_command("seed_scale", returns=10, append=True, stdout=StringIO(), stderr=StringIO())
        assert ReturnRequest.objects.count() == COUNT + 10
        assert Order.objects.filter(external_id__startswith="scale-002-").count() == 10
        assert ReturnRequest.objects.values("rma_number").distinct().count() == COUNT + 10

    def test_timestamps_are_automatic_again_after_the_run(self):
        order = Order.objects.filter(external_id__startswith="scale-").earliest("created_at")
        assert order.created_at < timezone.now() - timedelta(days=1)  # the run wrote the times it computed
        order.save()
        order.refresh_from_db()
        assert order.updated_at > timezone.now() - timedelta(minutes=5)

    def test_the_planner_knows_the_rows_written(self):
        if connection.vendor != "postgresql":
            pytest.skip("pg_class.reltuples is PostgreSQL's estimate of a table's rows")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relname IN (%s, %s, %s)",
                [t._meta.db_table for t in (ReturnRequest, ReturnLine, ReturnEvent)],
            )
            estimates = dict(cursor.fetchall())
        # Never analysed, a table's estimate is -1; analysed, it holds at least the rows this run wrote (ANALYZE also
        # counts rows other connections are writing).
        assert estimates[ReturnRequest._meta.db_table] >= COUNT
        assert estimates[ReturnLine._meta.db_table] >= ReturnLine.objects.count() > COUNT
        assert estimates[ReturnEvent._meta.db_table] >= ReturnEvent.objects.count() > COUNT

    def test_bad_arguments_are_refused_with_a_message(self):
        for returns in (0, -5):
            with pytest.raises(CommandError, match="--returns"):
                call_command("seed_scale", returns=returns, append=True, stdout=StringIO(), stderr=StringIO())

    def test_the_warehouse_board_opens_on_the_data(self):
        warehouse = Warehouse.objects.order_by("code").first()
        operator = UserFactory(username="wh-scale", roles=[roles.WAREHOUSE_STAFF])
        warehouse.staff.add(operator)
        self.client.force_login(operator)
        response = self.client.get(reverse("warehouse:board"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        expected = ReturnRequest.objects.filter(destination_warehouse=warehouse, status=S.IN_TRANSIT)
        assert expected.exists()
        assert any(rma in response.content.decode() for rma in expected.values_list("rma_number", flat=True))

    def test_the_api_list_pages_through_the_returns(self):
        api = client_for(UserFactory(username="scale-api", roles=[roles.INTEGRATION]))
        seen, url, pages = [], "/api/v1/returns/", 0
        while url:
            response = api.get(url)
            assert response.status_code == 200
            body = response.json()
            seen.extend(row["rma_number"] for row in body["results"])
            url, pages = body["next"], pages + 1
        assert pages == COUNT // 50  # pages of 50, the newest first
        assert sorted(seen) == sorted(ReturnRequest.objects.values_list("rma_number", flat=True))
        newest = ReturnRequest.objects.order_by("-created_at", "-id").first()
        assert seen[0] == newest.rma_number
        email = ReturnRequest.objects.order_by("id").first().contact_email
        filtered = api.get("/api/v1/returns/", {"contact_email": email.upper()})
        assert filtered.status_code == 200
        found = {row["rma_number"] for row in filtered.json()["results"]}
        assert found == set(ReturnRequest.objects.filter(contact_email=email).values_list("rma_number", flat=True))
        assert len(found) == 2  # customers return twice in this data set

    def test_the_application_makes_returns_after_the_run(self):
        seeded = {model: model.objects.order_by("-pk").first().pk for model in (Order, ReturnRequest, ReturnEvent)}
        reason = ReasonCode.objects.filter(is_active=True).order_by("position").first()
        relay = DropOffPoint.objects.filter(kind=DropOffKind.RELAY_POINT).order_by("pk").first()
        made = return_request_make(reason=reason, relay=relay)  # through the service, as the portal makes one
        assert made.order.pk > seeded[Order]
        assert made.pk > seeded[ReturnRequest]
        assert made.events.order_by("pk").first().pk > seeded[ReturnEvent]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_run_leaves_its_tables_vacuumed(postgres_only):
    """Pages of a vacuumed table are marked all-visible: counts read the index alone (the agents' queue)."""
    call_command("seed_scale", returns=40, stdout=StringIO(), stderr=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [ReturnRequest._meta.db_table])
        (all_visible,) = cursor.fetchone()
    assert all_visible > 0
