"""Coverage: which of a parent plan's measures a child plan implements, which it leaves out, what it adds.

The parent's measures are its items (numbered measures); a plan without items is measured by its task
units. A child task covers a parent measure when a live DERIVES_FROM path (any depth, rejected links never
count) leads from it to the measure or to one of the measure's task units. Child tasks with no such path to
any measure of the parent are local additions.
"""
from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from policygraph.graph.places import contains, plan_places, province_of

from policygraph.graph.model import Node
from policygraph.graph.store import Store
from policygraph.loaders.model import LEVEL_RANK
from policygraph.queries.cache import answer
from policygraph.queries.cascade import MAX_DEPTH, Linked, LinkFilter, linked, paths, plan_of
from policygraph.queries.models import Listing, MeasureView, PlanRef
from policygraph.queries.refs import resolve_plan
from policygraph.queries.snapshot import Snapshot, snapshot


class CoverageRow(BaseModel):
    """One parent measure and the child tasks implementing it (none: a gap)."""

    model_config = ConfigDict(extra="forbid")
    measure: MeasureView
    covered: bool = Field(examples=[True])
    implementations: list[Linked]


class CoverageSummary(BaseModel):
    """Share of the parent's measures the child covers, and the counts an auditor asks for first."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"parent_measures": 53, "covered": 20, "gaps": 33, "share_covered": 0.3774, "child_tasks": 60,
         "local_additions": 25}]})
    parent_measures: int
    covered: int
    gaps: int
    share_covered: float
    child_tasks: int
    local_additions: int


class Coverage(Listing):
    """Parent measures (``items``, paged) with their child implementations, plus the child's local additions."""

    parent: PlanRef
    child: PlanRef
    summary: CoverageSummary
    items: list[CoverageRow] = Field(default_factory=list)
    local_additions: list[MeasureView]


class MatrixCell(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"plan_id": "p-76e4e6bda031", "tasks": 2, "best_score": 0.98}]})
    plan_id: str
    tasks: int
    best_score: float | None = None
    confirmed: int = Field(default=0, description="of those tasks, how many reach the measure by confirmed links only")


class MatrixRow(BaseModel):
    """One parent measure against every child plan: how many of each plan's tasks implement it."""

    model_config = ConfigDict(extra="forbid")
    measure_id: str
    ref: str | None = Field(default=None, examples=["河北省#6"])
    title: str = Field(examples=["规范农业投入品生产使用"])
    cells: list[MatrixCell]


class CoverageMatrix(Listing):
    """Measure × plan matrix of a parent plan against every plan of a level; a share covered per plan."""

    parent: PlanRef
    plans: list[PlanRef]
    share_covered: dict[str, float] = Field(description="plan id → share of parent measures it covers",
                                            examples=[{"p-76e4e6bda031": 0.38}])
    items: list[MatrixRow] = Field(default_factory=list)


def parent_measures(snap: Snapshot, plan_id: str) -> list[Node]:
    """The measures coverage is counted over: the plan's items in document order, or its task units."""
    ms = list(snap.measures_of(plan_id))
    items = [m for m in ms if m.measure.kind == "item"]
    chosen = items or [m for m in ms if m.measure.kind == "task"]
    return sorted(chosen, key=lambda m: m.measure.start)


def lower_plans(store: Store, snap: Snapshot, parent: str, level: str | None, reached: Iterable[str]) -> list[str]:
    """The plans a parent plan is measured over: those of ``level`` (any lower level when None) issued within
    the parent's place, and any other plan with a task that reaches it (a cross-jurisdiction link). Every
    county of the country made a province's matrix 2,840 columns wide, nearly all of them empty."""
    places = answer(store, plan_places)  # every plan's place: the same until the graph changes
    here = places.get(parent)
    rank = LEVEL_RANK.get(here.level, 9) if here else 9
    inside = {p for p, place in places.items()
              if p != parent and (place.level == level if level else LEVEL_RANK.get(place.level, 9) > rank)
              and here is not None and contains(here, place)}
    linked = {p for p in reached if p != parent and p in places and (level is None or places[p].level == level)}
    return sorted(inside | linked)


def coverage(store: Store, parent: str, child: str, links: LinkFilter = LinkFilter()) -> Coverage:
    """For each measure of ``parent``, the tasks of ``child`` implementing it; gaps and local additions.

    >>> c = coverage(store, "河北省", "XX县")                       # doctest: +SKIP
    >>> c.summary.covered, c.summary.gaps, c.summary.local_additions  # doctest: +SKIP
    (20, 33, 25)
    """
    snap = snapshot(store)
    pid, cid = resolve_plan(snap, parent), resolve_plan(snap, child)
    measures = parent_measures(snap, pid)
    down = paths(snap, [m.id for m in measures], "down", links, MAX_DEPTH)
    rows = []
    covering: set[str] = set()
    for m in measures:
        found = linked(snap, {k: v for k, v in down[m.id].items() if plan_of(snap, k) == cid})
        found.sort(key=lambda f: (-f.score, f.measure.id))
        covering.update(f.measure.id for f in found)
        rows.append(CoverageRow(measure=snap.measure_view(m), covered=bool(found), implementations=found))
    tasks = sorted((m for m in snap.measures_of(cid) if m.measure.kind == "task"), key=lambda t: t.measure.start)
    # A task that reaches the parent plan through any path is no local addition, even when the measure it
    # reaches is not one coverage counts over.
    up = paths(snap, [t.id for t in tasks if t.id not in covering], "up", links, MAX_DEPTH)
    extra_ids = [t.id for t in tasks if t.id in up and not any(plan_of(snap, k) == pid for k in up[t.id])]
    snap.prefetch_measures(extra_ids)
    extra = [snap.measure_view(x) for i in extra_ids if (x := snap.measure(i)) is not None]
    covered = sum(r.covered for r in rows)
    summary = CoverageSummary(parent_measures=len(rows), covered=covered, gaps=len(rows) - covered,
                              share_covered=round(covered / len(rows), 4) if rows else 0.0,
                              child_tasks=len(tasks), local_additions=len(extra))
    return Coverage(parent=snap.plan_ref(pid), child=snap.plan_ref(cid), summary=summary, items=rows,
                    total=len(rows), local_additions=extra)


def coverage_matrix(store: Store, parent: str, child_level: str, links: LinkFilter = LinkFilter(),
                    province: str | None = None) -> CoverageMatrix:
    """Every measure of ``parent`` against the plans of ``child_level`` it is measured over (``lower_plans``), only
    those of one ``province`` when given (a national plan over one province's counties): tasks implementing it
    per plan.

    >>> coverage_matrix(store, "河北省", "county").share_covered   # doctest: +SKIP
    {'p-6e4d10b35ef3': 0.4, ...}
    """
    whole = answer(store, _coverage_matrix, parent, child_level, links)  # the heat map's page asks it twice
    if province is None:
        return whole
    places = answer(store, plan_places)
    keep = {p.id for p in whole.plans
            if province_of(places[p.id].level, places[p.id].name, places[p.id].parents) == province}
    # A plan's column and share do not depend on the other columns: a province's matrix is the whole one, narrowed.
    return whole.model_copy(update={
        "plans": [p for p in whole.plans if p.id in keep],
        "share_covered": {k: v for k, v in whole.share_covered.items() if k in keep},
        "items": [r.model_copy(update={"cells": [c for c in r.cells if c.plan_id in keep]}) for r in whole.items]})


def _coverage_matrix(store: Store, parent: str, child_level: str, links: LinkFilter) -> CoverageMatrix:
    snap = snapshot(store)
    pid = resolve_plan(snap, parent)
    rows = []
    measures = parent_measures(snap, pid)
    down = paths(snap, [m.id for m in measures], "down", links, MAX_DEPTH, outline=True)
    reached = {p for found in down.values() for k in found if (p := plan_of(snap, k))}
    plans = lower_plans(store, snap, pid, child_level, reached)
    hit: dict[str, int] = {p: 0 for p in plans}
    wanted = set(plans)
    for m in measures:
        by_plan: dict[str, list[float]] = {}
        confirmed: dict[str, int] = {}
        for k, (chain, score) in down[m.id].items():
            if (p := plan_of(snap, k)) in wanted:
                by_plan.setdefault(p, []).append(round(score, 4))
                confirmed[p] = confirmed.get(p, 0) + all(e.link.status == "confirmed" for e in chain)
        cells = []
        for p in plans:
            scores = by_plan.get(p, [])
            hit[p] += bool(scores)
            cells.append(MatrixCell(plan_id=p, tasks=len(scores), best_score=max(scores) if scores else None,
                                    confirmed=confirmed.get(p, 0)))
        rows.append(MatrixRow(measure_id=m.id, ref=snap.measure_ref(m), title=m.measure.title, cells=cells))
    share = {p: round(hit[p] / len(rows), 4) if rows else 0.0 for p in plans}
    return CoverageMatrix(parent=snap.plan_ref(pid), plans=[snap.plan_ref(p) for p in plans], share_covered=share,
                          items=rows, total=len(rows))
