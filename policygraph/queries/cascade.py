"""Cascades: which lower-level tasks implement a measure (down), and which higher measures a task implements (up).

A path is a chain of DERIVES_FROM links (province → city → county). Its score is the weakest hop's score
(a chain is as good as its worst link; reviewer-added links without a score count as 1), its status is
``confirmed`` only when every hop is, and its scope is ``within`` only when every hop is. Rejected links
never count. Asked about an item, links to the item's own task units count as links to the item.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from policygraph.graph.model import Edge
from policygraph.graph.store import Store
from policygraph.queries.models import PLAN_EXAMPLE, Hop, Listing, MeasureView, PlanRef, _example
from policygraph.queries.refs import resolve_measure
from policygraph.queries.snapshot import hop, Snapshot, snapshot

MAX_DEPTH = 4


class Linked(BaseModel):
    """A measure reached through a chain of DERIVES_FROM links, with the chain."""

    model_config = ConfigDict(extra="forbid")
    measure: MeasureView
    depth: int = Field(description="number of DERIVES_FROM hops from the measure asked about", examples=[1])
    score: float = Field(description="the weakest hop's score", examples=[0.5443])
    status: str = Field(description="confirmed when every hop is confirmed, else inferred", examples=["inferred"])
    scope: str = Field(description="within when every hop is within, else cross", examples=["within"])
    path: list[Hop] = Field(description="the hops, starting at the measure asked about")


class PlanGroup(BaseModel):
    """How many results one plan contributes, and its best score (groups are ordered by it)."""

    model_config = _example(plan=PLAN_EXAMPLE, count=3, best_score=0.83)
    plan: PlanRef
    count: int
    best_score: float


class Cascade(Listing):
    """Measures linked to ``measure``, grouped by plan (best plan first), by score within a plan."""

    measure: MeasureView
    direction: str = Field(description="down: implementations; up: sources", examples=["down"])
    groups: list[PlanGroup]
    items: list[Linked] = Field(default_factory=list)


@dataclass(frozen=True)
class LinkFilter:
    """Which hops a path may use; every hop of a path must pass."""

    scope: str | None = None
    status: str | None = None
    min_score: float | None = None

    def passes(self, e: Edge) -> bool:
        p = e.props
        score = p.get("score")
        return ((self.scope is None or p.get("scope") == self.scope)
                and (self.status is None or p.get("status") == self.status)
                and (self.min_score is None or score is None or float(score) >= self.min_score))


def implementations(store: Store, ref: str, level: str | None = None, links: LinkFilter = LinkFilter(),
                    depth: int = MAX_DEPTH) -> Cascade:
    """Every lower-level task deriving from the measure ``ref``, directly or through intermediate levels.

    >>> [i.measure.plan.jurisdiction for i in implementations(store, "河北省#24", level="county").items]
    ...                                                        # doctest: +SKIP
    ['红旗区', '红旗区', 'XX县']
    """
    snap = snapshot(store)
    root = resolve_measure(snap, ref)
    found = walk(snap, root.id, "down", links, depth)
    if level is not None:
        found = [f for f in found if f.measure.plan.level == level]
    return _grouped(snap.measure_view(root), "down", found)


def sources(store: Store, ref: str, links: LinkFilter = LinkFilter(), depth: int = MAX_DEPTH) -> Cascade:
    """The chain of higher measures a task (or an item, through its task units) implements, to the top.

    >>> [s.measure.ref for s in sources(store, "红旗区#（二十一）").items][:1]   # doctest: +SKIP
    ['河北省#24']
    """
    snap = snapshot(store)
    root = resolve_measure(snap, ref)
    return _grouped(snap.measure_view(root), "up", walk(snap, root.id, "up", links, depth))


def walk(snap: Snapshot, root: str, direction: str, links: LinkFilter, depth: int) -> list[Linked]:
    """Breadth-first over live links; each measure is reported once, on its best shortest path."""
    best: dict[str, tuple[list[Edge], float]] = {}
    frontier: list[tuple[str, list[Edge]]] = [(root, [])]
    seen = {root}
    for _ in range(max(1, min(depth, MAX_DEPTH))):
        level_best: dict[str, tuple[list[Edge], float]] = {}
        for node_id, path in frontier:
            for e in _next_links(snap, node_id, direction):
                other = e.source if direction == "down" else e.target
                if other in seen or not links.passes(e):
                    continue
                chain = [*path, e]
                score = min(_score(x) for x in chain)
                if other not in level_best or score > level_best[other][1]:
                    level_best[other] = (chain, score)
        seen.update(level_best)
        best.update(level_best)
        frontier = [(k, v[0]) for k, v in level_best.items()]
        if not frontier:
            break
    return [_linked(snap, mid, chain, score) for mid, (chain, score) in best.items() if snap.measure(mid)]


def _next_links(snap: Snapshot, node_id: str, direction: str) -> list[Edge]:
    live = snap.live_ids()
    edges = [e for u in snap.units(node_id)
             for e in (snap.into("DERIVES_FROM", u) if direction == "down" else snap.out("DERIVES_FROM", u))]
    return [e for e in edges if e.id in live]


def _score(e: Edge) -> float:
    s = e.props.get("score")
    return 1.0 if s is None else float(s)


def _linked(snap: Snapshot, measure_id: str, chain: list[Edge], score: float) -> Linked:
    node = snap.measure(measure_id)
    assert node is not None
    hops = [hop(e) for e in chain]
    return Linked(measure=snap.measure_view(node), depth=len(chain), score=round(score, 4),
                  status="confirmed" if all(h.status == "confirmed" for h in hops) else "inferred",
                  scope="within" if all(h.scope == "within" for h in hops) else "cross", path=hops)


def _grouped(measure: MeasureView, direction: str, found: list[Linked]) -> Cascade:
    """Group by plan, plans by their best score, items by score within a plan (ties by id: stable)."""
    by_plan: dict[str, list[Linked]] = {}
    for f in found:
        by_plan.setdefault(f.measure.plan.id, []).append(f)
    groups = sorted(by_plan.values(), key=lambda fs: (-max(f.score for f in fs), fs[0].measure.plan.id))
    items = [f for fs in groups for f in sorted(fs, key=lambda f: (-f.score, f.depth, f.measure.id))]
    summary = [PlanGroup(plan=fs[0].measure.plan, count=len(fs), best_score=max(f.score for f in fs))
               for fs in groups]
    return Cascade(measure=measure, direction=direction, groups=summary, items=items, total=len(items))
