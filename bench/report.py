"""The bench's report: plain-text tables, printed and written to var/bench/<timestamp>.txt."""

import math
from dataclasses import dataclass, field

from load import Result

# Issue targets (README, "Performance at scale").
CREATION_RATIO = 0.5  # creations/s at least half the bare insert's req/s
PAGE_GROWTH = 1.2  # p95 at the largest size at most 1.2 x its figure at the smallest
PAGE_P95_MS = 100.0
LABEL_RATIO = 0.5  # worker end to end at least half the renderer alone
INSIGHTS_P95_MS = 200.0  # the dashboards (issue 14): p95 at a million return lines, whatever their growth


def fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def cell(result: Result | None) -> str:
    if result is None:
        return "-"
    errors = f" ({result.errors} err)" if result.errors else ""
    return f"{fmt(result.p50)} / {fmt(result.p95)} ms  {fmt(result.rate, 0)}/s{errors}"


@dataclass
class Report:
    header: list[str]
    sizes: list[str] = field(default_factory=list)
    # Per size: measure name -> (baseline, ours)
    writes: dict[str, dict[str, tuple[Result, Result]]] = field(default_factory=dict)
    pages: dict[str, dict[str, Result]] = field(default_factory=dict)
    labels: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # renderer/s, worker/s, labels
    intakes: dict[str, tuple[int, float]] = field(default_factory=dict)  # returns made, returns/s
    notes: list[str] = field(default_factory=list)

    def write(self, size: str, name: str, baseline: Result, ours: Result) -> None:
        self.writes.setdefault(size, {})[name] = (baseline, ours)

    def page(self, size: str, name: str, result: Result) -> None:
        self.pages.setdefault(name, {})[size] = result

    def lines(self) -> list[str]:
        out = [*self.header, ""]
        out.append("Writes against the bare DRF insert (same gunicorn, same run): p50 / p95, req/s; ratio = ours/base")
        width = 44
        for size in self.sizes:
            out.append(f"  at {size} returns")
            out.append(f"    {'measure':<{width}} {'baseline':<28} {'ours':<28} ratio  target")
            for name, (baseline, ours) in self.writes.get(size, {}).items():
                ratio = ours.rate / baseline.rate if baseline.rate else float("nan")
                target = f">= {CREATION_RATIO}" if name.startswith("creation") else ""
                verdict = ("met" if ratio >= CREATION_RATIO else "MISSED") if target else ""
                out.append(
                    f"    {name:<{width}} {cell(baseline):<28} {cell(ours):<28} {fmt(ratio, 2):<6} "
                    f"{target} {verdict}".rstrip()
                )
        for size, (count, rate) in self.intakes.items():
            out.append(
                f"  at {size}: the returns accepted for later, made by the worker (Celery, 2 processes): "
                f"{count} at {fmt(rate)}/s"
            )
        out.append("")
        first, last = self.sizes[0], self.sizes[-1]
        out.append(f"Pages and lists: p50 / p95, req/s at each size; growth = p95 at {last} / p95 at {first}")
        out.append(
            f"  targets: growth <= {PAGE_GROWTH}, p95 < {PAGE_P95_MS:.0f} ms; insights: p95 < {INSIGHTS_P95_MS:.0f} ms"
        )
        heading = "".join(f"{size:<30}" for size in self.sizes)
        out.append(f"    {'page':<{width}} {heading}growth verdict")
        for name, by_size in self.pages.items():
            cells = "".join(f"{cell(by_size.get(size)):<30}" for size in self.sizes)
            out.append(f"    {name:<{width}} {cells}{self.verdict(name, by_size, first, last)}")
        out.append("")
        out.append(
            f"Label worker end to end (Celery on Redis, 2 processes) against the renderer alone (1 process, "
            f"A6 PDF + 4x6 PDF + ZPL); target ratio >= {LABEL_RATIO}"
        )
        for size, (renderer, worker, count) in self.labels.items():
            ratio = worker / renderer if renderer else float("nan")
            verdict = "met" if ratio >= LABEL_RATIO else "MISSED"
            out.append(
                f"    at {size}: renderer {fmt(renderer)} labels/s, worker {fmt(worker)} labels/s "
                f"({count} labels), ratio {fmt(ratio, 2)} {verdict}"
            )
        if self.notes:
            out += ["", *self.notes]
        return out

    def verdict(self, name: str, by_size: dict[str, Result], first: str, last: str) -> str:
        small, large = by_size.get(first), by_size.get(last)
        if small is None or large is None:
            return ""
        growth = large.p95 / small.p95 if small.p95 else float("nan")
        if name.startswith("insights"):
            ok = max(result.p95 for result in by_size.values()) < INSIGHTS_P95_MS
        else:
            fast = max(result.p95 for result in by_size.values()) < PAGE_P95_MS
            ok = fast and (first == last or growth <= PAGE_GROWTH)
        return f"{fmt(growth, 2) if first != last else '-':<6} {'met' if ok else 'MISSED'}"

    def measures(self) -> set[str]:
        """Every measure this report has a figure for (the harness test checks the list)."""
        names = set(self.pages)
        for by_name in self.writes.values():
            names |= set(by_name)
        if self.labels:
            names.add("label worker")
        if self.intakes:
            names.add("intake worker")
        return names
