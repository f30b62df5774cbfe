"""A benchmark run's figures: median and p99 per store, the Neo4j/embedded ratio, and the Markdown table.

Every figure is measured in the same run on the same corpus; a ratio is Neo4j's median over the embedded
store's (above 1: Neo4j takes longer, or does more per second for a throughput, as the unit says).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Stat:
    """One store's value of a figure: the median and p99 of ``n`` measurements (one measurement: both equal)."""

    median: float
    p99: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Stat | None:
        if not values:
            return None
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered) + 0.5) - 1))]
        return cls(statistics.median(ordered), p99, len(ordered))

    @classmethod
    def one(cls, value: float) -> Stat:
        return cls(value, value, 1)


@dataclass
class Figure:
    """A named figure (``load: task units/s``) with each store's value."""

    step: str
    name: str
    unit: str
    values: dict[str, Stat | None] = field(default_factory=dict)
    #: Measured once for every store (parsing does not touch a store): no ratio.
    shared: bool = False

    def ratio(self, num: str = "neo4j", den: str = "sqlite") -> float | None:
        if self.shared:
            return None
        a, b = self.values.get(num), self.values.get(den)
        if a is None or b is None or b.median == 0:
            return None
        return a.median / b.median


@dataclass
class Report:
    """What one run measured: the context line, the figures, and the steps stopped early."""

    context: dict[str, Any]
    stores: list[str]
    figures: list[Figure] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)

    def figure(self, step: str, name: str, unit: str) -> Figure:
        for f in self.figures:
            if (f.step, f.name, f.unit) == (step, name, unit):
                return f
        f = Figure(step, name, unit)
        self.figures.append(f)
        return f

    def put(self, store: str, step: str, name: str, unit: str, stat: Stat | None) -> None:
        self.figure(step, name, unit).values[store] = stat

    def put_shared(self, step: str, name: str, unit: str, stat: Stat | None) -> None:
        f = self.figure(step, name, unit)
        f.shared = True
        f.values = {s: stat for s in self.stores}

    def as_dict(self) -> dict[str, Any]:
        return {"context": self.context, "stores": self.stores, "stopped": self.stopped,
                "figures": [{"step": f.step, "name": f.name, "unit": f.unit, "ratio": f.ratio(), "shared": f.shared,
                             "values": {s: None if v is None else vars(v) for s, v in f.values.items()}}
                            for f in self.figures]}

    def markdown(self) -> str:
        c = self.context
        lines = [f"### bench run --size {c['size']} ({', '.join(self.stores)}){' — smoke' if c['smoke'] else ''}", "",
                 f"{c['date']}, commit {c['commit']}, {c['machine']}; corpus: {c['corpus']} "
                 f"({c['plans']:,} plans, {c['task_units']:,} task units, {c['mb']:.1f} MB).", ""]
        head = "| step | figure | unit | " + " | ".join(f"{s} median | {s} p99" for s in self.stores)
        ratio = len(self.stores) == 2
        lines += [head + (" | neo4j/sqlite |" if ratio else " |"),
                  "|" + "---|" * (3 + 2 * len(self.stores) + (1 if ratio else 0))]
        for f in self.figures:
            cells = []
            for s in self.stores:
                v = f.values.get(s)
                cells += ["—", "—"] if v is None else [_fmt(v.median), _fmt(v.p99) if v.n > 1 else ""]
            r = f.ratio() if ratio else None
            tail = (f" | {r:.2f} |" if r is not None else " | — |") if ratio else " |"
            lines.append(f"| {f.step} | {f.name} | {f.unit} | " + " | ".join(cells) + tail)
        for s in self.stopped:
            lines.append(f"\nStopped early: {s}")
        return "\n".join(lines) + "\n"


def _fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100 or x == int(x):
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"
