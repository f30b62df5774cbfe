"""Browsing: plans, a plan's tree, a measure with everything around it, laws, jurisdictions."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import InputError, NotFound
from policygraph.graph.places import plan_places, province_of
from policygraph.graph.records import PlanRecord
from policygraph.graph.store import Store
from policygraph.loaders.model import LEVEL_RANK
from policygraph.queries.cache import answer
from policygraph.queries.cascade import Linked, LinkFilter, walk
from policygraph.queries.models import Listing, MeasureView, PlanRef, _example
from policygraph.queries.refs import resolve_measure, resolve_plan
from policygraph.queries.snapshot import Snapshot, snapshot


class PlanSummary(PlanRef):
    """A plan with its source and how much it holds."""

    issuer: str | None = Field(default=None, examples=["河北省委省政府"])
    source: str | None = Field(default=None, examples=["001_6ec0ee0796e11f2d.txt"])
    measures: int = Field(examples=[117])
    province: str | None = Field(default=None, description="the province the plan's place lies in (itself for a "
                                 "province; none for the nation)", examples=["河北省"])
    derives_from: list[str] = Field(description="plan ids this plan derives from (plan-level links)",
                                    examples=[["p-e20103830d3d"]])


class PlanList(Listing):
    items: list[PlanSummary] = Field(default_factory=list)


class TreeNode(BaseModel):
    """A section, item or task unit of a plan, with its children in document order."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(examples=["m-47e9788474d8e142"])
    kind: str = Field(examples=["item"])
    number: str | None = Field(default=None, examples=["24"])
    title: str = Field(examples=["完善农产品质量安全追溯体系"])
    children: list[TreeNode] = Field(default_factory=list)


class PlanTreeView(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan: PlanSummary
    tree: list[TreeNode]


class MeasureDetail(BaseModel):
    """A measure, its place in the plan, and the measures it derives from and that derive from it (direct)."""

    model_config = ConfigDict(extra="forbid")
    measure: MeasureView
    structure_parent: str | None = Field(default=None, description="the section or item it belongs to", examples=[None])
    structure_children: list[str] = Field(default_factory=list, examples=[["m-fbc30a303429f61b"]])
    parents: list[Linked] = Field(description="higher measures it implements (one hop)")
    children: list[Linked] = Field(description="lower tasks implementing it (one hop)")


class LawSummary(BaseModel):
    model_config = _example(id="l-0637bb715902", title="中华人民共和国食品安全法", kind="法律", cited_by=3)
    id: str
    title: str
    kind: str
    cited_by: int


class LawList(Listing):
    items: list[LawSummary] = Field(default_factory=list)


class LawDetail(Listing):
    """A law and the measures citing it (``items``)."""

    law: LawSummary
    items: list[MeasureView] = Field(default_factory=list)


class JurisdictionView(BaseModel):
    model_config = _example(id="j-ba6db8d821c5", name="西平县", level="county", code="411721",
                            parents=["驻马店市", "河南省"], anonymised=False, plans=["p-e336768d4ab9"])
    id: str
    name: str
    level: str
    code: str | None = None
    parents: list[str]
    anonymised: bool = False
    plans: list[str]


class JurisdictionList(Listing):
    items: list[JurisdictionView] = Field(default_factory=list)


def list_plans(store: Store, level: str | None = None, jurisdiction: str | None = None, year: int | None = None,
               kind: str | None = None, province: str | None = None) -> PlanList:
    """Plans filtered by level, jurisdiction, year, kind and province, by level then place.

    >>> [p.ref for p in list_plans(store, level="province").items]   # doctest: +SKIP
    ['河北省']
    """
    snap = snapshot(store)
    provinces = plan_provinces(store)
    items = [_plan_summary(snap, pid) for pid, p in snap.nodes("Plan").items()
             if (level is None or p.plan.level == level)
             and (jurisdiction is None or p.plan.jurisdiction == jurisdiction)
             and (year is None or p.plan.year == year) and (kind is None or p.plan.kind == kind)
             and (province is None or provinces.get(pid) == province)]
    items.sort(key=lambda p: (LEVEL_RANK.get(p.level, 9), p.jurisdiction, p.year or 0, p.id))
    return PlanList(items=items, total=len(items))


def get_plan(store: Store, ref: str) -> PlanSummary:
    """One plan by id or readable reference (``西平县2020``)."""
    snap = snapshot(store)
    return _plan_summary(snap, resolve_plan(snap, ref))


def plan_tree(store: Store, ref: str) -> PlanTreeView:
    """A plan's sections, items and task units as a tree in document order.

    >>> plan_tree(store, "河北省").tree[0].kind      # doctest: +SKIP
    'section'
    """
    snap = snapshot(store)
    pid = resolve_plan(snap, ref)
    kids: dict[str | None, list[TreeNode]] = {}
    ms = sorted(snap.measures_of(pid),
                key=lambda m: (m.measure.order, m.id))
    for node in ms:
        m = node.measure
        kids.setdefault(m.parent_id, []).append(TreeNode(id=node.id, kind=m.kind, number=m.number, title=m.title))

    def attach(nodes: list[TreeNode]) -> list[TreeNode]:
        return [n.model_copy(update={"children": attach(kids.get(n.id, []))}) for n in nodes]

    return PlanTreeView(plan=_plan_summary(snap, pid), tree=attach(kids.get(None, [])))


def get_measure(store: Store, ref: str) -> MeasureDetail:
    """A measure with its text, span, agencies, indicators, citations, and its one-hop parents and children.

    >>> get_measure(store, "河北省#24").measure.title   # doctest: +SKIP
    '完善农产品质量安全追溯体系'
    """
    snap = snapshot(store)
    m = resolve_measure(snap, ref)
    kids = sorted(snap.into("PART_OF", m.id), key=lambda e: (e.part_of.order, e.source))
    return MeasureDetail(measure=snap.measure_view(m), structure_parent=m.measure.parent_id,
                         structure_children=[e.source for e in kids],
                         parents=walk(snap, m.id, "up", LinkFilter(), 1),
                         children=walk(snap, m.id, "down", LinkFilter(), 1))


LAW_SORTS = ("cited", "title")


def list_laws(store: Store, q: str | None = None, kind: str | None = None, sort: str = "cited") -> LawList:
    """Cited laws and documents, most cited first (``sort="title"``: by title); ``q`` filters by part of the
    title, ``kind`` by kind (law, regulation, standard, …)."""
    if sort not in LAW_SORTS:
        raise InputError("sort", f"sort by one of {', '.join(LAW_SORTS)}, not {sort!r}")
    snap = snapshot(store)
    items = [_law(snap, lid) for lid, law in snap.nodes("Law").items()
             if (not q or q in law.law.title) and (kind is None or law.law.kind == kind)]
    items.sort(key=(lambda law: (law.title, law.id)) if sort == "title" else (lambda law: (-law.cited_by, law.title)))
    return LawList(items=items, total=len(items))


def get_law(store: Store, law_id: str) -> LawDetail:
    """A law and the measures citing it."""
    snap = snapshot(store)
    if law_id not in snap.nodes("Law"):
        raise NotFound(f"no law {law_id!r}", listing="laws")
    measures = [snap.measure_view(m) for e in snap.into("CITES", law_id) if (m := snap.measure(e.source))]
    return LawDetail(law=_law(snap, law_id), items=measures, total=len(measures))


def list_jurisdictions(store: Store, level: str | None = None) -> JurisdictionList:
    """Places in the graph with the plans each issued."""
    snap = snapshot(store)
    items = [_jurisdiction(snap, jid) for jid, j in snap.nodes("Jurisdiction").items()
             if level is None or j.place.level == level]
    items.sort(key=lambda j: (LEVEL_RANK.get(j.level, 9), j.name, j.id))
    return JurisdictionList(items=items, total=len(items))


def get_jurisdiction(store: Store, jid: str) -> JurisdictionView:
    snap = snapshot(store)
    if jid not in snap.nodes("Jurisdiction"):
        hits = [k for k, j in snap.nodes("Jurisdiction").items() if j.place.name == jid]
        if len(hits) != 1:
            raise NotFound(f"no single jurisdiction {jid!r}", listing="jurisdictions")
        jid = hits[0]
    return _jurisdiction(snap, jid)


def _plan_summary(snap: Snapshot, pid: str) -> PlanSummary:
    node = snap.plan(pid)
    p = node.plan if node else PlanRecord()
    size = plan_statistics(snap.store).get(pid, {})  # reading every plan's measures to count them took 7 s at M
    measures = sum(size.get(k, 0) for k in ("section", "item", "task"))
    return PlanSummary(**snap.plan_ref(pid).model_dump(), issuer=p.issuer, source=p.source or None,
                       measures=measures, province=plan_provinces(snap.store).get(pid),
                       derives_from=sorted(e.target for e in snap.out("PLAN_DERIVES_FROM", pid) if e.link.live))


def _law(snap: Snapshot, lid: str) -> LawSummary:
    law = snap.nodes("Law")[lid]
    return LawSummary(id=lid, title=law.law.title, kind=law.law.kind,
                      cited_by=len(snap.into("CITES", lid)))


def _jurisdiction(snap: Snapshot, jid: str) -> JurisdictionView:
    j = snap.nodes("Jurisdiction")[jid].place
    return JurisdictionView(id=jid, name=j.name, level=j.level, code=j.code, parents=list(j.parents),
                            anonymised=j.anonymised,
                            plans=sorted(e.source for e in snap.into("ISSUED_BY", jid)))


def plan_provinces(store: Store) -> dict[str, str | None]:
    """Plan id → its province (``province_of`` its place), kept until the graph changes: the province facets."""
    return answer(store, _plan_provinces)


def place_provinces(store: Store) -> dict[str, str | None]:
    """Place name → its province; a name two provinces share (two 新华区) maps to None. Kept per graph version."""
    return answer(store, _place_provinces)


def _plan_provinces(store: Store) -> dict[str, str | None]:
    return {pid: province_of(p.level, p.name, p.parents) for pid, p in plan_places(store).items()}


def _place_provinces(store: Store) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for j in snapshot(store).nodes("Jurisdiction").values():
        prov = province_of(j.place.level, j.place.name, j.place.parents)
        out[j.place.name] = prov if out.get(j.place.name, prov) == prov else None
    return out


def plan_statistics(store: Store) -> dict[str, dict[str, int]]:
    """``Store.plan_statistics`` (every plan's measures by kind and live links up and down), kept until the graph
    changes: the plan list, the home page and the plan pages all count from it."""
    return answer(store, _statistics)


def _statistics(store: Store) -> dict[str, dict[str, int]]:
    return store.plan_statistics()
