"""The backfill and the polling: page through a shop's order API and apply each order as a webhook would.

Idempotent (an order applied twice changes nothing) and resumable: the connection keeps the cursor of the page
being read (``sync_cursor``) and the newest update fully read (``synced_until``), saved after every page, so an
interrupted run started again goes on from the page it stopped at. Rate limits are waited out by the connector's
HTTP client within a budget (429 ``Retry-After``, Shopify's throttle status).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rma.connectors.models import ShopConnection
from rma.connectors.orders_in import order_data_apply
from rma.connectors.platforms import connector_for
from rma.core.retries import TRANSIENT_DATABASE_ERRORS

logger = logging.getLogger(__name__)


@dataclass
class SyncReport:
    pages: int = 0
    seen: int = 0
    total: int | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


Progress = Callable[[SyncReport], None]


def connection_sync(
    *, connection: ShopConnection, since: datetime | None = None, progress: Progress | None = None
) -> SyncReport:
    """Apply every order updated since `since` (or where the last run stopped); returns what it did.

    A new `since` restarts from the first page; without one, the run resumes the saved cursor, or reads what
    changed since the last complete run.
    """
    connector = connector_for(connection)
    if since is not None and since != connection.sync_since:
        connection.sync_cursor, connection.sync_since = "", since
    elif connection.sync_since is None:
        connection.sync_since = connection.synced_until or timezone.now() - timedelta(days=30)
    start = connection.sync_since
    assert start is not None
    report = SyncReport()
    newest = connection.synced_until or start
    connection.save(update_fields=["sync_cursor", "sync_since", "updated_at"])
    while True:
        page = connector.orders_fetch(since=start, cursor=connection.sync_cursor)
        report.pages += 1
        report.total = page.total if page.total is not None else report.total
        for data in page.orders:
            report.seen += 1
            try:
                with transaction.atomic():
                    applied = order_data_apply(connection=connection, data=data)
            except TRANSIENT_DATABASE_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001 - one bad order does not stop the others; reported
                report.count("failed")
                report.failures.append(f"{data.order_ref}: {type(exc).__name__}: {exc}")
                continue
            report.count(applied.outcome)
            if data.updated_at is not None and data.updated_at > newest:
                newest = data.updated_at
        for failure in page.failures:
            report.count("failed")
            report.failures.append(failure)
        connection.sync_cursor = page.next_cursor
        connection.save(update_fields=["sync_cursor", "updated_at"])
        if progress is not None:
            progress(report)
        if not page.next_cursor:
            break
    connection.synced_until = newest
    connection.sync_since = None
    connection.save(update_fields=["synced_until", "sync_since", "updated_at"])
    logger.info("shop sync of %s: %s orders, %s", connection.name, report.seen, report.outcomes)
    if report.failures:  # the polling has no one to print them to
        logger.warning("shop sync of %s: not imported: %s", connection.name, "; ".join(report.failures[:20]))
    return report


def connection_check(*, connection: ShopConnection) -> int:
    """Ask the shop for the orders changed in the last hour, with the connection's URL and credentials: how many
    it answered; PlatformError when it refuses or cannot be reached (the admin's "check" action)."""
    page = connector_for(connection).orders_fetch(since=timezone.now() - timedelta(hours=1), cursor="")
    return len(page.orders)


def connections_poll() -> int:
    """Sync the enabled connections whose platform sends no webhooks; returns how many orders were read."""
    seen = 0
    for connection in ShopConnection.objects.filter(enabled=True).order_by("pk"):
        if connector_for(connection).pushes_orders:
            continue
        try:
            seen += connection_sync(connection=connection).seen
        except Exception:  # noqa: BLE001 - one shop down does not stop the others; the next poll resumes
            logger.exception("polling shop %s failed; the next poll resumes where it stopped", connection.name)
    return seen
