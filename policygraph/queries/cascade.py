"""Cascades: which lower-level tasks implement a measure (down), and which higher measures a task implements (up).

A path is a chain of DERIVES_FROM links (province → city → county). Its score is the weakest hop's score
(a chain is as good as its worst link; reviewer-added links without a score count as 1), its status is
``confirmed`` only when every hop is, and its scope is ``within`` only when every hop is. Rejected links
never count. Asked about an item, links to the item's own task units count as links to the item.
"""
from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from policygraph.graph.model import Edge
from policygraph.graph.store import LinkFilter, Store
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


Paths = dict[str, tuple[list[Edge], float]]  # reached measure → (its best shortest chain, the chain's score)


def walk(snap: Snapshot, root: str, direction: str, links: LinkFilter, depth: int) -> list[Linked]:
    """Every measure reached from ``root``, once each, on its best shortest path, with its view."""
    return linked(snap, paths(snap, [root], direction, links, depth)[root])


def paths(snap: Snapshot, roots: list[str], direction: str, links: LinkFilter, depth: int,
          outline: bool = False) -> dict[str, Paths]:
    """For each root, the measures it reaches and their best shortest paths (breadth-first, a chain scored by
    its weakest hop). The links come from the store in one query for all roots (``Store.cascade_links``), so
    a coverage matrix over 50 measures is one read, not 50; both ends of every link are prefetched, so
    ``snap.measure`` answers about them without another read. With ``outline`` links come without their evidence
    and measures without their texts (``Store`` outline reads): for matrices over a province's thousands of
    links, which need only who reaches what and how well."""
    depth = max(1, min(depth, MAX_DEPTH))
    down = direction == "down"
    found = snap.store.cascade_links(roots, "down" if down else "up", depth, links, outline=outline)
    ends = (snap.outlines if outline else snap.prefetch_nodes)(x for e in found for x in (e.source, e.target))
    # Links reach a measure through its own task units too: index each link under its near end and, when
    # that end is a task unit, under the unit's item.
    index: dict[str, list[Edge]] = defaultdict(list)
    for e in found:
        near = e.target if down else e.source
        index[near].append(e)
        n = ends.get(near)
        if n is not None and n.measure.kind == "task" and n.measure.parent_id:
            index[n.measure.parent_id].append(e)
    return {root: _bfs(index, root, down, depth) for root in roots}


def _bfs(index: dict[str, list[Edge]], root: str, down: bool, depth: int) -> Paths:
    best: Paths = {}
    frontier: list[tuple[str, list[Edge]]] = [(root, [])]
    seen = {root}
    for _ in range(depth):
        level_best: Paths = {}
        for node_id, path in frontier:
            for e in index.get(node_id, ()):
                other = e.source if down else e.target
                if other in seen:
                    continue
                chain = [*path, e]
                score = min(link_score(x) for x in chain)
                if other not in level_best or score > level_best[other][1]:
                    level_best[other] = (chain, score)
        seen.update(level_best)
        best.update(level_best)
        frontier = [(k, v[0]) for k, v in level_best.items()]
        if not frontier:
            break
    return best


def linked(snap: Snapshot, found: Paths) -> list[Linked]:
    """Views of reached measures (one read for all of them)."""
    snap.prefetch_measures(found)
    return [_linked(snap, mid, chain, score) for mid, (chain, score) in found.items() if snap.measure(mid)]


def plan_of(snap: Snapshot, measure_id: str) -> str | None:
    m = snap.outline(measure_id)
    return m.measure.plan_id if m is not None and m.label == "Measure" else None


def link_score(e: Edge) -> float:
    """A hop's score; a reviewer-added link without one counts as 1 (a chain scores its weakest hop)."""
    s = e.link.score
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
