"""Carbon estimates for returns that have none (created before estimates were stored, or bulk-loaded by seed_scale):
made with today's factors, and marked so (factor set `<RMA_CARBON_FACTORS_VERSION>+backfill`), since what the
customer was shown at the time is not known."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from rma.orders.models import Order
from rma.returns.carbon import footprint_build, order_position
from rma.returns.models import ReturnFootprint, ReturnRequest

BACKFILL_SUFFIX = "+backfill"


def footprints_backfill(*, batch_size: int = 2000, progress: Callable[[int], object] | None = None) -> int:
    """Estimate every return without one, `batch_size` at a time (each batch in its own transaction); returns how
    many were written. Orders without coordinates are located by their postcode once per postcode and city."""
    version = settings.RMA_CARBON_FACTORS_VERSION + BACKFILL_SUFFIX
    locate = _memoised_position()
    written, after = 0, 0
    while True:
        returns = list(
            ReturnRequest.objects.filter(pk__gt=after, footprint__isnull=True)
            .select_related("order", "drop_off_point")
            .only(
                "id", "drop_off_method", "returnless", "created_at",
                "order__latitude", "order__longitude", "order__postcode", "order__city", "order__country",
                "drop_off_point__kind", "drop_off_point__latitude", "drop_off_point__longitude",
            )
            .order_by("pk")[:batch_size]
        )  # fmt: skip
        if not returns:
            return written
        rows = []
        for return_request in returns:
            footprint = footprint_build(
                return_request=return_request,
                order=return_request.order,
                point=return_request.drop_off_point,
                locate=locate,
            )
            footprint.created_at = return_request.created_at
            footprint.factors_version = version
            rows.append(footprint)
        with transaction.atomic():
            ReturnFootprint.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
        after = returns[-1].pk
        if progress is not None:
            progress(written)


def _memoised_position() -> Callable[[Order], tuple[float, float] | None]:
    """order_position, with each postcode looked up once per run (most orders of a shop share a few)."""
    places: dict[tuple[str, str, str], tuple[float, float] | None] = {}

    def locate(order: Order) -> tuple[float, float] | None:
        if order.latitude is not None and order.longitude is not None:
            return (order.latitude, order.longitude)
        key = (order.postcode, order.city, order.country or "FR")
        if key not in places:
            places[key] = order_position(order)
        return places[key]

    return locate
