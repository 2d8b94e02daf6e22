"""Charts drawn on the server as SVG (no script, no CDN): each is shown beside its table, which carries the figures."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 0 or 1: which of the pair
    title: str  # what a pointer or a screen reader gets: "March 2026, estimated: 12.4 kg"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class PairedBars:
    width: int
    height: int
    baseline_y: float
    bars: list[Bar]
    ticks: list[Tick]
    top_label: str  # the value of the chart's top line


def paired_bars(
    *, labels: list[str], pairs: list[tuple[float, float]], titles: list[tuple[str, str]], top_label: str = ""
) -> PairedBars:
    """Two bars per label (say, estimated and baseline per month), scaled to the largest value."""
    width, height, margin_top, margin_bottom = 640, 220, 10, 30
    drawable = height - margin_top - margin_bottom
    largest = max((max(pair) for pair in pairs), default=0) or 1
    slot = width / max(len(labels), 1)
    bar_width = slot * 0.35
    bars, ticks = [], []
    for index, (label, pair, pair_titles) in enumerate(zip(labels, pairs, titles, strict=True)):
        left = index * slot + slot * 0.12
        for series, (value, title) in enumerate(zip(pair, pair_titles, strict=True)):
            bar_height = drawable * value / largest
            bars.append(
                Bar(
                    x=round(left + series * bar_width, 1),
                    y=round(margin_top + drawable - bar_height, 1),
                    width=round(bar_width, 1),
                    height=round(bar_height, 1),
                    series=series,
                    title=title,
                )
            )
        ticks.append(Tick(x=round(index * slot + slot / 2, 1), label=label))
    return PairedBars(width, height, margin_top + drawable, bars, ticks, top_label)


@dataclass(frozen=True)
class Bars:
    width: int
    height: int
    baseline_y: float
    bars: list[Bar]
    ticks: list[Tick]


def bars(*, labels: list[str], values: list[float], titles: list[str]) -> Bars:
    """One bar per label (a month's return rate, a reason's units…), scaled to the largest value; the labels are
    thinned out to one in every few when there are many, the bars' titles keep them all."""
    width, height, margin_top, margin_bottom = 640, 220, 10, 30
    drawable = height - margin_top - margin_bottom
    largest = max(values, default=0) or 1
    slot = width / max(len(labels), 1)
    every = max(1, len(labels) // 12)
    drawn, ticks = [], []
    for index, (label, value, title) in enumerate(zip(labels, values, titles, strict=True)):
        bar_height = drawable * max(value, 0) / largest
        drawn.append(
            Bar(
                x=round(index * slot + slot * 0.15, 1),
                y=round(margin_top + drawable - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                series=0,
                title=title,
            )
        )
        if index % every == 0:
            ticks.append(Tick(x=round(index * slot + slot / 2, 1), label=label))
    return Bars(width, height, margin_top + drawable, drawn, ticks)
