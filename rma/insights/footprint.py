"""The carbon footprint of returns over a period, from the estimates stored when each return was created
(returns.ReturnFootprint, added up by day in the FootprintDay roll-up): per month and drop-off method, the share of
greener choices, and the savings against every parcel being collected at home. Returns count on the day they were
requested; those that never sent a parcel back (drafts, and returns rejected, cancelled or expired) are left out."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from rma.insights.analytics import Filters, Scope, month_of, rollup_rows
from rma.insights.models import FootprintDay


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


def footprint_rows(*, scope: Scope, filters: Filters) -> list[tuple[date, str, FootprintFigures]]:
    """The figures per month (its first day) and drop-off method, from the roll-up: one grouped statement."""
    rows = (
        rollup_rows(FootprintDay, scope=scope, filters=filters)
        .annotate(month=TruncMonth("day"))
        .values("month", "method")
        .annotate(
            n=Sum("returns"),
            estimated=Sum("grams"),
            at_home=Sum("baseline_g"),
            greener_n=Sum("greener"),
            walked_n=Sum("walked"),
        )
        .order_by("month", "method")
    )
    return [
        (
            month_of(row["month"]),
            row["method"],
            FootprintFigures(row["n"], row["estimated"], row["at_home"], row["greener_n"], row["walked_n"]),
        )
        for row in rows
    ]


def footprint_report(*, scope: Scope, filters: Filters) -> FootprintReport:
    """Totals by month, by method and overall, and the factor sets used: two statements."""
    months: dict[date, FootprintFigures] = {}
    methods: dict[str, FootprintFigures] = {}
    for month, method, figures in footprint_rows(scope=scope, filters=filters):
        months[month] = months.get(month, FootprintFigures()) + figures
        methods[method] = methods.get(method, FootprintFigures()) + figures
    total = sum(months.values(), FootprintFigures())
    return FootprintReport(
        months=sorted(months.items()),
        methods=sorted(methods.items(), key=lambda item: (-item[1].returns, item[0])),
        total=total,
        versions=factor_sets(scope=scope, filters=filters),
    )


def factor_sets(*, scope: Scope, filters: Filters) -> list[str]:
    """The factor sets the estimates were made with."""
    rows = rollup_rows(FootprintDay, scope=scope, filters=filters)
    return sorted(rows.values_list("factors_version", flat=True).distinct())
