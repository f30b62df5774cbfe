"""Reads the browser pages need beyond the API's answers: a plan's size by kind and its link counts (the
index), every measure of a plan with the links it holds (the plan page), and views of a few measures at once.

They follow the same rules as the rest of ``queries/``: rejected and plan-level links never count
(``LinkFilter``), links are read in one query for a whole plan (``Store.cascade_links``) and measure views in
one batch (``Snapshot.prefetch_measures``), so a plan page costs the same few reads at any plan size.
"""
from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from policygraph.graph.model import Edge
from policygraph.graph.store import LinkFilter, Store
from policygraph.queries.browse import PlanSummary, get_plan, plan_statistics
from policygraph.loaders.model import LEVEL_RANK
from policygraph.queries.cascade import Linked, link_score, linked, plan_of
from policygraph.queries.coverage import lower_plans
from policygraph.queries.models import MeasureView, PlanRef
from policygraph.queries.refs import resolve_measure, resolve_plan
from policygraph.queries.review import LinkView, link_view
from policygraph.queries.snapshot import Snapshot, snapshot


class PlanCounts(BaseModel):
    """How much a plan holds by kind, and its live DERIVES_FROM links (one hop) in each direction."""

    model_config = ConfigDict(extra="forbid")
    sections: int = Field(examples=[7])
    items: int = Field(examples=[40])
    tasks: int = Field(examples=[70])
    links_up: int = Field(description="live links from this plan's measures to higher plans' measures",
                          examples=[52])
    links_down: int = Field(description="live links from lower plans' measures into this plan's", examples=[0])


class UnitLinks(BaseModel):
    """A measure of a plan with the live links it holds itself (one hop each; not those of its task units,
    which hold their own: in a tree every link then shows once, at the unit it joins)."""

    model_config = ConfigDict(extra="forbid")
    measure: MeasureView
    up: list[Linked] = Field(default_factory=list, description="higher measures this unit implements, best first")
    down: dict[str, int] = Field(default_factory=dict,
                                 description="lower plans implementing this unit: plan id → how many of its tasks "
                                             "(the rows themselves are the measure's cascade)")

    @property
    def implementers(self) -> int:
        """How many lower tasks implement this unit directly."""
        return sum(self.down.values())


class PlanLinks(BaseModel):
    """Every measure of a plan, by id, with its links."""

    model_config = ConfigDict(extra="forbid")
    plan: PlanSummary
    units: dict[str, UnitLinks]
    lower: list[PlanRef] = Field(default_factory=list, description="the plans whose tasks implement this one's")


def plan_counts(store: Store) -> dict[str, PlanCounts]:
    """Plan id → its sections, items and task units and its live links up and down (one link query in all).

    >>> plan_counts(store)["p-e20103830d3d"].links_down     # doctest: +SKIP
    264
    """
    stats = plan_statistics(store)  # two grouped queries, kept until the graph changes
    return {pid: PlanCounts(sections=s["section"], items=s["item"], tasks=s["task"], links_up=s["links_up"],
                            links_down=s["links_down"]) for pid, s in stats.items()}


def plan_links(store: Store, ref: str) -> PlanLinks:
    """The plan ``ref`` (id or ``西平县2020``) with each measure's view and the live links it holds, up and down.

    >>> [l.measure.ref for l in plan_links(store, "XX县2024").units["m-…"].up]   # doctest: +SKIP
    ['河北省#24']
    """
    snap = snapshot(store)
    pid = resolve_plan(snap, ref)
    measures = snap.measures_of(pid)
    ids = [m.id for m in measures]
    ours = set(ids)
    up = [e for e in snap.store.cascade_links(ids, "up", 1, LinkFilter()) if e.source in ours] if ids else []
    # Down, only counts per lower plan: a province's plan holds ~11,000 links at 1,000 plans, and building a view of
    # every implementing task (its text, agencies, evidence) was three fifths of the page; the rows are the
    # measure pages' cascades.
    down = ([e for e in snap.store.cascade_links(ids, "down", 1, LinkFilter(), outline=True) if e.target in ours]
            if ids else [])
    snap.prefetch_measures([*ids, *(e.target for e in up)])
    units = {m.id: UnitLinks(measure=snap.measure_view(m)) for m in measures}
    for e in up:
        units[e.source].up.extend(_one_hop(snap, e, e.target))
    lower: set[str] = set()
    for e in down:
        source_plan = e.link.source_plan or plan_of(snap, e.source)
        if source_plan:
            counts = units[e.target].down
            counts[source_plan] = counts.get(source_plan, 0) + 1
            lower.add(source_plan)
    for u in units.values():
        u.up.sort(key=_best_first)
    return PlanLinks(plan=get_plan(store, pid), units=units, lower=[snap.plan_ref(p) for p in sorted(lower)])


def measure_views(store: Store, measure_ids: list[str]) -> list[MeasureView]:
    """Views of these measures (those that exist, in the order given), read in one batch."""
    snap = snapshot(store)
    snap.prefetch_measures(measure_ids)
    return [snap.measure_view(m) for i in measure_ids if (m := snap.measure(i)) is not None]


def _one_hop(snap: Snapshot, e: Edge, far: str) -> list[Linked]:
    """The link ``e`` as a one-hop path to ``far``, scored as the cascades score it (empty if ``far`` vanished)."""
    return linked(snap, {far: ([e], link_score(e))})


def _best_first(link: Linked) -> tuple[float, str]:
    return -link.score, link.measure.id


def not_implemented_by(store: Store, ref: str, implemented: Iterable[str]) -> list[PlanRef]:
    """The lower plans within the measure's plan's place (any lower level) that no task of implements it:
    ``implemented`` are the plans that do (the measure page's cascade). Ordered by level, then place."""
    snap = snapshot(store)
    m = resolve_measure(snap, ref)
    plan_id = m.measure.plan_id
    done = set(implemented)
    lower = [p for p in lower_plans(store, snap, plan_id, None, ()) if p not in done]
    refs = [snap.plan_ref(p) for p in lower]
    return sorted(refs, key=lambda r: (LEVEL_RANK.get(r.level, 9), r.jurisdiction, r.id))


def higher_measures(store: Store, measure_ids: list[str]) -> dict[str, list[Linked]]:
    """For each measure, the higher measures it implements directly (live links, one hop, best first), read in
    one query for all of them: an agency's page shows them beside each of its tasks."""
    if not measure_ids:
        return {}
    snap = snapshot(store)
    ours = set(measure_ids)
    up = [e for e in store.cascade_links(measure_ids, "up", 1, LinkFilter()) if e.source in ours]
    snap.prefetch_measures(e.target for e in up)
    out: dict[str, list[Linked]] = {m: [] for m in measure_ids}
    for e in up:
        out[e.source].extend(_one_hop(snap, e, e.target))
    for rows in out.values():
        rows.sort(key=_best_first)
    return out


def rejected_links(store: Store, ref: str) -> list[LinkView]:
    """The links a reviewer rejected that touch the measure ``ref`` or its task units, either way (one hop): they
    never count and leave every cascade, and a measure page lists them only when asked. In id order."""
    snap = snapshot(store)
    m = resolve_measure(snap, ref)
    ids = [m.id, *(c.id for c in snap.store.children(m.id) if c.label == "Measure")]
    found = {e.id: e for i in ids for e in [*snap.into("DERIVES_FROM", i), *snap.out("DERIVES_FROM", i)]
             if e.link.status == "rejected"}
    edges = [found[k] for k in sorted(found)]
    snap.prefetch_measures(x for e in edges for x in (e.source, e.target))
    return [link_view(snap, e) for e in edges]
