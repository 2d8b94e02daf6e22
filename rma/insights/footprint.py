"""The carbon footprint of returns over a period, from the estimates stored when each return was created
(returns.ReturnFootprint): per month and drop-off method, the share of greener choices, and the savings against
every parcel being collected at home."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rma.locations.models import Store, Warehouse
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnFootprint
from rma.returns.selectors import AnyUser, return_request_scope

# Returns that never sent a parcel back: left out of the footprint.
NOT_SENT = (ReturnStatus.DRAFT, ReturnStatus.REJECTED, ReturnStatus.CANCELLED, ReturnStatus.EXPIRED)


@dataclass(frozen=True)
class FootprintFigures:
    """Returns, their estimate and the home-pickup baseline, in grams of CO2e."""

    returns: int = 0
    grams: int = 0
    baseline_g: int = 0
    greener: int = 0  # estimated below the same parcel collected at home
    walked: int = 0  # dropped off within walking distance

    @property
    def saved_g(self) -> int:
        return self.baseline_g - self.grams

    @property
    def greener_share(self) -> float:
        return self.greener / self.returns if self.returns else 0.0

    @property
    def average_g(self) -> int:
        return round(self.grams / self.returns) if self.returns else 0

    def __add__(self, other: "FootprintFigures") -> "FootprintFigures":
        return FootprintFigures(
            self.returns + other.returns,
            self.grams + other.grams,
            self.baseline_g + other.baseline_g,
            self.greener + other.greener,
            self.walked + other.walked,
        )


@dataclass(frozen=True)
class FootprintReport:
    months: list[tuple[date, FootprintFigures]]  # the first day of each month with returns, in order
    methods: list[tuple[str, FootprintFigures]]  # by drop-off method, the most returns first
    total: FootprintFigures
    versions: list[str]  # the factor sets the estimates were made with


def footprints_in_scope(
    *, user: AnyUser, start: date, end: date, store: Store | None = None, warehouse: Warehouse | None = None
) -> QuerySet[ReturnFootprint]:
    """The estimates of the returns `user` may see, created from `start` to `end` (days, both included, in the
    site's time zone), that sent a parcel back; for one shop or warehouse when given."""
    zone = timezone.get_current_timezone()
    returns = return_request_scope(user=user).exclude(status__in=NOT_SENT)
    if store is not None:
        returns = returns.filter(store=store)
    if warehouse is not None:
        returns = returns.filter(destination_warehouse=warehouse)
    return ReturnFootprint.objects.filter(
        created_at__gte=datetime.combine(start, time.min, tzinfo=zone),
        created_at__lte=datetime.combine(end, time.max, tzinfo=zone),
        return_request__in=returns.values("pk"),
    )


def footprint_rows(footprints: QuerySet[ReturnFootprint]) -> list[tuple[date, str, FootprintFigures]]:
    """The figures per month (its first day, in the site's time zone) and drop-off method: one grouped statement."""
    rows = (
        footprints.annotate(month=TruncMonth("created_at"))
        .values("month", "method")
        .annotate(
            returns=Count("pk"),
            estimated=Sum("grams"),
            at_home=Sum("baseline_g"),
            greener=Count("pk", filter=Q(grams__lt=F("baseline_g"))),
            walked=Count("pk", filter=Q(walkable=True)),
        )
        .order_by("month", "method")
    )
    return [
        (
            row["month"].date() if isinstance(row["month"], datetime) else row["month"],
            row["method"],
            FootprintFigures(row["returns"], row["estimated"], row["at_home"], row["greener"], row["walked"]),
        )
        for row in rows
    ]


def footprint_report(footprints: QuerySet[ReturnFootprint]) -> FootprintReport:
    """Totals by month, by method and overall, and the factor sets used: two statements."""
    months: dict[date, FootprintFigures] = {}
    methods: dict[str, FootprintFigures] = {}
    for month, method, figures in footprint_rows(footprints):
        months[month] = months.get(month, FootprintFigures()) + figures
        methods[method] = methods.get(method, FootprintFigures()) + figures
    total = sum(months.values(), FootprintFigures())
    return FootprintReport(
        months=sorted(months.items()),
        methods=sorted(methods.items(), key=lambda item: (-item[1].returns, item[0])),
        total=total,
        versions=factor_sets(footprints),
    )


def factor_sets(footprints: QuerySet[ReturnFootprint]) -> list[str]:
    """The factor sets the estimates were made with."""
    return sorted(footprints.order_by().values_list("factors_version", flat=True).distinct())
