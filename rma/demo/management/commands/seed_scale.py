"""`manage.py seed_scale --returns N`: a large, realistic data set to measure the pages and the API against.

Written in bulk (rma.demo.scale, with COPY on PostgreSQL), a batch per transaction, in minutes for hundreds of
thousands of returns. Its rows are namespaced by run (orders "scale-<run>-…", numbers "SC<run>-…"), so a second run
is refused unless --append is given, and then writes a new run next to the first one. The reference data it needs
(warehouses, shops, drop-off points, reason codes, the default policy, grades) is made the way seed_demo makes it.
"""

import itertools
import sys
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from rma.demo.reference import (
    drop_off_points_seed,
    policy_seed,
    reason_codes_seed,
    shops_seed,
    warehouses_seed,
)
from rma.demo.scale.copy import batches_write
from rma.demo.scale.numbering import EXTERNAL_ID_PREFIX
from rma.demo.scale.plan import plan_returns
from rma.demo.scale.rows import MODELS_WRITTEN, BatchWriter, ReferenceData
from rma.demo.scale.timestamps import timestamps_as_given
from rma.insights.refresh import marks_reset
from rma.insights.rollups import all_days_rebuild
from rma.locations.choices import DropOffKind
from rma.locations.models import DropOffPoint, Warehouse
from rma.orders.models import Order
from rma.orders.services import product_variants_record
from rma.returns.footprint_backfill import footprints_backfill
from rma.returns.models import ReasonCode
from rma.warehouse.models import Grade
from rma.warehouse.services import warehouse_reference_data_seed

MAX_RETURNS = 10_000_000
MAX_RUNS = 600  # RMA numbers stay distinct up to here (rma.demo.scale.numbering)
BATCH_SIZE = 2_000  # returns per transaction: ~30 k rows, a few MB in memory


def scale_run_latest() -> int:
    """The number of the latest run in the database, 0 when there is none (external ids are zero-padded)."""
    latest = (
        Order.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
        .order_by("-external_id")
        .values_list("external_id", flat=True)
        .first()
    )
    if latest is None:
        return 0
    return int(latest[len(EXTERNAL_ID_PREFIX) :].split("-", 1)[0])


def reference_data_ensure() -> ReferenceData:
    """The warehouses, points, reasons and grades the returns point at, made as seed_demo makes them if missing."""
    created: Counter[str] = Counter()  # not reported: the run reports the rows it writes in bulk
    with transaction.atomic():
        warehouses = warehouses_seed(created=created)
        shops_seed(warehouses=warehouses, created=created)
        drop_off_points_seed(created=created)
        reason_codes_seed(created=created)
        policy_seed(created=created)
        warehouse_reference_data_seed()
    grades: dict[str, Grade] = {}
    for grade in Grade.objects.select_related("scale").order_by("scale__category", "position", "code"):
        grades.setdefault(grade.scale.category, grade)
    # The shops' counters, for the returns handed in there: only shops that ship to a warehouse.
    store_points = list(
        DropOffPoint.objects.filter(kind=DropOffKind.STORE, store__default_warehouse__isnull=False)
        .select_related("store__default_warehouse")
        .order_by("store__code")
    )
    return ReferenceData(
        warehouses=list(Warehouse.objects.order_by("code")),
        # Carrier points; the shops' counters are below.
        points=list(DropOffPoint.objects.exclude(kind=DropOffKind.STORE).order_by("carrier", "carrier_point_id")),
        reasons=list(ReasonCode.objects.filter(is_active=True).order_by("position", "code")),
        grades=grades,
        store_points=store_points,
        stores={point.store.pk: point.store for point in store_points if point.store is not None},
    )


class Command(BaseCommand):
    help = (
        "Write N returns in every status (with their orders, events, labels, tracking events, arrivals, inspections, "
        "refunds, store credits, counter checks, shop shipments and outbox emails) in bulk, to measure pages and "
        "APIs on a large database. Refuses a second run unless --append is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--returns", type=int, required=True, help="How many returns to write.")
        parser.add_argument("--seed", type=int, default=13, help="Random seed (same seed, same plan).")
        parser.add_argument("--append", action="store_true", help="Write a new run next to an existing one.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Returns per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch_size = options["returns"], options["batch_size"]
        if not 1 <= count <= MAX_RETURNS:
            raise CommandError(f"--returns must be between 1 and {MAX_RETURNS}.")
        if not 1 <= batch_size <= 50_000:
            raise CommandError("--batch-size must be between 1 and 50000.")
        latest = scale_run_latest()
        if latest and not options["append"]:
            raise CommandError(
                f"A scale data set is already here (run {latest}). Use --append to add another run next to it."
            )
        run = latest + 1
        if run > MAX_RUNS:
            raise CommandError(f"{MAX_RUNS} runs are the most this command numbers.")
        started = time.monotonic()
        reference = reference_data_ensure()
        now = timezone.now()
        planned = plan_returns(
            count=count, seed=options["seed"] + run, now=now, send_deadline=settings.RMA_SEND_DEADLINE
        )
        writer = BatchWriter(run=run, reference=reference, now=now, seed=options["seed"])
        batches = iter(lambda: list(itertools.islice(planned, batch_size)), [])
        with timestamps_as_given(MODELS_WRITTEN):
            done = 0
            for batch in batches_write(batches, writer.write):
                reset_queries()  # with DEBUG on, Django keeps every statement: these are megabytes each
                done += len(batch)
                elapsed = time.monotonic() - started
                sys.stderr.write(f"seed_scale: {done}/{count} returns ({done / max(elapsed, 1e-6):.0f}/s)\n")
        # The catalogue's variants as their latest sale says (the exchange step offers them): one statement.
        product_variants_record(lines=list(writer.latest_sales.values()))
        # Their carbon estimates, as a creation writes them (the footprint report reads them).
        footprints = footprints_backfill(batch_size=min(batch_size, 5000))
        # The analytics' daily roll-ups, rebuilt whole (the worker's refresh follows what changes from here).
        marks_reset()
        rollups = all_days_rebuild()
        statistics_refresh()
        elapsed = time.monotonic() - started
        self.stdout.write(f"Run {run}: {count} returns in {elapsed:.1f} s.")
        for name, rows in writer.written.items():
            self.stdout.write(f"  {name:<16} {rows:>10}")
        self.stdout.write(f"  {'footprint':<16} {footprints:>10}")
        self.stdout.write(f"  {'roll-up rows':<16} {rollups:>10}")
        self.stdout.write(f"Orders are numbered SC{run:03d}-…, customers' emails end in @scale.example.")


def statistics_refresh() -> None:
    """Fresh planner statistics for what was just written, and on PostgreSQL the tables' visibility maps.

    Until autovacuum gets round to a table (on a busy server, long after a bulk load), PostgreSQL plans as if it held
    the rows it had before: on a million returns seeded into an empty database, pages took seconds where they take
    milliseconds once the tables are analysed. And until a table is vacuumed, no page of it is marked all-visible,
    so a count that an index could answer alone reads the table too: the agents' queue counted its 11,000 returns
    waiting for review in 20 ms instead of 3. VACUUM cannot run inside a transaction (a test's): there, ANALYZE only.
    """
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
