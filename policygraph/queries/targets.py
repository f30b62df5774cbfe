"""Target comparison: does a child plan's target hold the parent's line, for every measure it derives from?

For each parent measure with targets (its own and its task units') and each child task implementing it (a
live DERIVES_FROM path), each parent indicator is paired with the child task's indicator of the same metric:
the exact metric name first, otherwise the most similar name whose character-overlap ratio
(``difflib.SequenceMatcher.ratio``: twice the matched characters over both lengths) reaches ``FUZZY_CUT``.
0.66 pairs 专业化统防统治覆盖率 with 主要粮食作物病虫害专业化统防统治覆盖率 (0.69) but keeps
主要农作物病虫害绿色防控覆盖率 apart from it (0.59). A parent target no implementing task states is
``missing in child``.

Verdicts follow the parent's comparator: for ``>=``/``>``/``=`` (a floor) a lower child value is weaker; for
``<=``/``<`` (a ceiling: 不合格率不超过2%) a higher child value is weaker. Different units are not compared.

Like is compared with like: a rate (%, ‰) with a rate at any level, but a count or an amount (建设100个示范点,
投入5000万元) of a higher plan is a total over its whole place, so a lower plan's own count is compared with it
only when the higher plan states it per place (每个县、各乡镇、县均…); otherwise the verdict is
``different-scope`` — a county's 3 示范点 is not weaker than a province's 100.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from pydantic import BaseModel, ConfigDict, Field

from policygraph.graph.store import Store
from policygraph.queries.cascade import MAX_DEPTH, Linked, LinkFilter, linked, paths, plan_of
from policygraph.queries.coverage import lower_plans, parent_measures
from policygraph.queries.models import IndicatorView, Listing, PlanRef, Verdict
from policygraph.queries.refs import resolve_plan
from policygraph.queries.snapshot import Snapshot, snapshot

FUZZY_CUT = 0.66
_CEILINGS = ("<=", "<")
#: Units that are shares of something, comparable between a place and the places within it.
RATE_UNITS = ("%", "‰", "个百分点")
#: A count stated per place (every county, each township, a county average): comparable with one place's own.
_PER_PLACE = re.compile(r"(每|各)一?个?(省|市(?!场)|州|县|区(?!域)|乡|镇|街道|村|地)|[省市县区乡镇村]均|平均每")


class TargetPair(BaseModel):
    """A parent target, the child target it is compared with (None when missing), and the verdict."""

    model_config = ConfigDict(extra="forbid")
    parent_measure: str = Field(examples=["m-ae603bb3b2719027"])
    parent_ref: str | None = Field(default=None, examples=["河北省#6"])
    child_measure: str | None = Field(default=None, examples=["m-3cd28d24a3b6ded8"])
    child_ref: str | None = Field(default=None, examples=["XX县2024#三"])
    child_plan: PlanRef | None = None
    parent: IndicatorView
    child: IndicatorView | None = None
    match: str | None = Field(default=None, description="exact | fuzzy", examples=["exact"])
    similarity: float | None = Field(default=None, examples=[1.0])
    verdict: Verdict = Field(examples=["weaker"])
    parent_deadline: int | None = Field(default=None, examples=[2020])
    child_deadline: int | None = Field(default=None, examples=[None])
    link_score: float | None = Field(default=None, description="score of the DERIVES_FROM path", examples=[0.98])


class TargetComparison(Listing):
    """Every parent target against the child plans' targets for the measures they derive from."""

    parent: PlanRef
    children: list[PlanRef]
    counts: dict[str, int] = Field(description="verdict → number of pairs", examples=[{"weaker": 2, "equal": 1}])
    items: list[TargetPair] = Field(default_factory=list)


def verdict(parent: IndicatorView, child: IndicatorView, same_scope: bool = True) -> Verdict:
    """Stronger, equal or weaker, judged by the direction of the parent's comparator; ``same_scope`` False (see
    ``comparable_scope``) gives ``different-scope`` for anything but a rate.

    >>> verdict(IndicatorView(metric="覆盖率", comparator=">=", value=30, ...), child_with_29)  # doctest: +SKIP
    'weaker'
    """
    if _unit(parent.unit) != _unit(child.unit):
        return "different-unit"
    if not same_scope and not is_rate(parent.unit):
        return "different-scope"
    if child.value == parent.value:
        return "equal"
    lower_is_weaker = parent.comparator not in _CEILINGS
    return "weaker" if (child.value < parent.value) == lower_is_weaker else "stronger"


def is_rate(unit: str) -> bool:
    return _unit(unit) in RATE_UNITS


def comparable_scope(parent_level: str, child_level: str, parent_text: str, metric: str) -> bool:
    """Whether the parent's target speaks of the same extent of place as the child's: the same level, or stated
    per place (``每个县``, ``各乡镇``, ``县均``) in the sentence of the parent's text that names the metric."""
    if parent_level == child_level:
        return True
    at = parent_text.find(metric) if metric else -1
    sentences = re.split(r"[。；;！!？?\n]", parent_text)
    if at >= 0:
        before = re.split(r"[。；;！!？?\n]", parent_text[:at])
        sentences = [before[-1] + parent_text[at:].split("。")[0]]
    return any(_PER_PLACE.search(x) for x in sentences)


def similarity(a: str, b: str) -> float:
    """Character-overlap ratio of two metric names in [0, 1]."""
    return SequenceMatcher(None, a, b).ratio()


def compare_targets(store: Store, parent: str, child: str | None = None, child_level: str | None = None,
                    links: LinkFilter = LinkFilter()) -> TargetComparison:
    """Parent targets vs child targets for each derived measure sharing a metric (``child``, or the plans of a
    level the parent is measured over: ``coverage.lower_plans``).

    >>> [(p.child.value, p.verdict) for p in compare_targets(store, "河北省", "XX县").items
    ...  if p.parent_ref == "河北省#6"]                                   # doctest: +SKIP
    [(29.0, 'weaker'), (39.0, 'weaker')]
    """
    snap = snapshot(store)
    pid = resolve_plan(snap, parent)
    pairs: list[TargetPair] = []
    candidates = parent_measures(snap, pid)
    snap.prefetch_measures(m.id for m in candidates)  # their task units come with them (PART_OF) ...
    snap.prefetch_measures(u for m in candidates for u in snap.units(m.id))  # ... and then the units' targets
    measures = [(m, targets) for m in candidates
                if (targets := [i for u in snap.units(m.id) for i in snap.indicators(u)])]
    down = paths(snap, [m.id for m, _ in measures], "down", links, MAX_DEPTH, outline=True)
    if child is not None:
        kids = [resolve_plan(snap, child)]
    else:
        reached = {r for found in down.values() for k in found if (r := plan_of(snap, k))}
        kids = lower_plans(store, snap, pid, child_level, reached)
    wanted = set(kids)
    for m, targets in measures:
        found = linked(snap, {k: v for k, v in down[m.id].items() if plan_of(snap, k) in wanted})
        for kid in kids:
            tasks = sorted((f for f in found if f.measure.plan.id == kid), key=lambda f: (-f.score, f.measure.id))
            for ind in targets:
                pairs.extend(_pairs_for(snap, m.id, ind, tasks, snap.plan_ref(kid)))
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p.verdict] = counts.get(p.verdict, 0) + 1
    return TargetComparison(parent=snap.plan_ref(pid), children=[snap.plan_ref(k) for k in kids], counts=counts,
                            items=pairs, total=len(pairs))


def _pairs_for(snap: Snapshot, parent_id: str, ind: IndicatorView, tasks: list[Linked],
               plan: PlanRef) -> list[TargetPair]:
    parent_node = snap.measure(parent_id)
    parent_ref = snap.measure_ref(parent_node) if parent_node else None
    stated = snap.measure(ind.measure_id)  # the measure (or task unit) whose text states the parent target
    parent_plan = parent_node.measure.plan_id if parent_node else ""
    same_scope = comparable_scope(snap.plan_ref(parent_plan).level if parent_plan else "", plan.level,
                                  stated.measure.text if stated else "", ind.metric)
    out = []
    for f in tasks:
        best = _best_match(ind, f.measure.indicators)
        if best is None:
            continue
        child, sim = best
        out.append(TargetPair(parent_measure=parent_id, parent_ref=parent_ref, child_measure=f.measure.id,
                              child_ref=f.measure.ref, child_plan=plan, parent=ind, child=child,
                              match="exact" if child.metric == ind.metric else "fuzzy", similarity=round(sim, 4),
                              verdict=verdict(ind, child, same_scope), parent_deadline=ind.deadline,
                              child_deadline=child.deadline, link_score=f.score))
    if not out:
        out.append(TargetPair(parent_measure=parent_id, parent_ref=parent_ref, child_plan=plan, parent=ind,
                              verdict="missing in child", parent_deadline=ind.deadline))
    return out


def _best_match(ind: IndicatorView, candidates: list[IndicatorView]) -> tuple[IndicatorView, float] | None:
    exact = [c for c in candidates if c.metric == ind.metric]
    if exact:
        return exact[0], 1.0
    scored = sorted(((similarity(ind.metric, c.metric), c) for c in candidates), key=lambda t: -t[0])
    if scored and scored[0][0] >= FUZZY_CUT:
        return scored[0][1], scored[0][0]
    return None


def _unit(unit: str) -> str:
    return unit.strip().replace("％", "%")
