"""The graph model: typed nodes and edges, and how a plan tree becomes a graph fragment.

A *fragment* is everything one document contributes. Nodes a document owns (its Plan, Measures,
Indicators) carry ``doc`` = the plan id, and so do the edges it creates. Facts several documents state —
the shared nodes (Agency, Law, Jurisdiction) and the edges between two of them (an agency's BELONGS_TO, a
place's WITHIN) — carry ``doc=None``: the store keeps one owner record per document that states them and
drops them with the last one (the store's contract). Replacing or deleting a document is "drop what this doc
owns and its owner records, then write the new fragment" — except DERIVES_FROM links between measures, which
belong to the aligner and to reviewers, not to either document.
"""
from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field

from policygraph.graph.records import (
    EDGE_RECORDS, AgencyRecord, CitesRecord, HasTargetRecord, IndicatorRecord, JurisdictionRecord, LawRecord, LinkRecord,
    MeasureRecord, PartOfRecord, PlanRecord, Record, ResponsibleForRecord, read,
)
from policygraph.graph.textindex import measure_searched
from policygraph.loaders.model import AgencyRef, Jurisdiction, Measure, PlanTree

NodeLabel = Literal["Plan", "Measure", "Agency", "Indicator", "Law", "Jurisdiction"]
EdgeType = Literal[
    "HAS_MEASURE", "PART_OF", "RESPONSIBLE_FOR", "HAS_TARGET", "CITES", "ISSUED_BY", "WITHIN", "BELONGS_TO",
    "DERIVES_FROM", "PLAN_DERIVES_FROM",
]
NODE_LABELS: tuple[str, ...] = ("Plan", "Measure", "Agency", "Indicator", "Law", "Jurisdiction")
EDGE_TYPES: tuple[str, ...] = (
    "HAS_MEASURE", "PART_OF", "RESPONSIBLE_FOR", "HAS_TARGET", "CITES", "ISSUED_BY", "WITHIN", "BELONGS_TO",
    "DERIVES_FROM", "PLAN_DERIVES_FROM",
)
#: The aligner's and reviewers' links: owned by no document, kept when either end's document is replaced.
LINK_TYPES: tuple[str, ...] = ("DERIVES_FROM", "PLAN_DERIVES_FROM")
SHARED_LABELS = frozenset({"Agency", "Law", "Jurisdiction"})


_R = TypeVar("_R", bound=Record)
_M = TypeVar("_M", bound=BaseModel)
_CACHED = ("plan", "measure", "agency", "indicator", "law", "place", "link", "part_of", "responsible",
           "has_target", "cites")


def _fresh(item: _M) -> _M:
    """Drop cached records: a copy shares its original's ``__dict__`` entries, records included."""
    for key in _CACHED:
        item.__dict__.pop(key, None)
    return item


class Node(BaseModel):
    """A node: stable id, one label, JSON-serialisable properties, and the owning document (None when shared)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: NodeLabel
    doc: str | None = None
    props: dict[str, Any] = Field(default_factory=dict)

    # Typed records of the node's fields (graph/records.py), read once per node object.
    @cached_property
    def plan(self) -> PlanRecord:
        return self._record(PlanRecord, "Plan")

    @cached_property
    def measure(self) -> MeasureRecord:
        return self._record(MeasureRecord, "Measure")

    @cached_property
    def agency(self) -> AgencyRecord:
        return self._record(AgencyRecord, "Agency")

    @cached_property
    def indicator(self) -> IndicatorRecord:
        return self._record(IndicatorRecord, "Indicator")

    @cached_property
    def law(self) -> LawRecord:
        return self._record(LawRecord, "Law")

    @cached_property
    def place(self) -> JurisdictionRecord:
        return self._record(JurisdictionRecord, "Jurisdiction")

    def _record(self, cls: type[_R], label: str) -> _R:
        if self.label != label:
            raise TypeError(f"node {self.id} is a {self.label}, not a {label}")
        return read(cls, self.props)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Node:
        """A copy without the records read from the original's fields (``update`` may change them)."""
        return _fresh(super().model_copy(update=update, deep=deep))


class Edge(BaseModel):
    """A directed edge with a stable id (derived from its type, ends and distinguishing key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    type: EdgeType
    source: str
    target: str
    doc: str | None = None
    props: dict[str, Any] = Field(default_factory=dict)

    @cached_property
    def link(self) -> LinkRecord:
        """DERIVES_FROM and PLAN_DERIVES_FROM."""
        return self._record(LinkRecord, "DERIVES_FROM", "PLAN_DERIVES_FROM")

    @cached_property
    def part_of(self) -> PartOfRecord:
        return self._record(PartOfRecord, "PART_OF")

    @cached_property
    def responsible(self) -> ResponsibleForRecord:
        return self._record(ResponsibleForRecord, "RESPONSIBLE_FOR")

    @cached_property
    def has_target(self) -> HasTargetRecord:
        return self._record(HasTargetRecord, "HAS_TARGET")

    @cached_property
    def cites(self) -> CitesRecord:
        return self._record(CitesRecord, "CITES")

    def with_fields(self, **fields: Any) -> Edge:
        """This edge with some of its record's fields changed (a review): unknown fields are refused."""
        unknown = set(fields) - set(EDGE_RECORDS[self.type].model_fields)
        if unknown:
            raise ValueError(f"{self.type} has no field {', '.join(sorted(unknown))} (graph/records.py)")
        return self.model_copy(update={"props": {**self.props, **fields}})

    def _record(self, cls: builtins.type[_R], *types: str) -> _R:
        if self.type not in types:
            raise TypeError(f"edge {self.id} is a {self.type}, not a {' or '.join(types)}")
        return read(cls, self.props)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Edge:
        """A copy without the records read from the original's fields (``update`` may change them)."""
        return _fresh(super().model_copy(update=update, deep=deep))


class Fragment(BaseModel):
    """Everything one document contributes to the graph, ready to be written in one transaction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plan_id: str
    content_hash: str
    nodes: list[Node]
    edges: list[Edge]


def edge_id(type_: str, source: str, target: str, key: str = "") -> str:
    """Edge ids are content-derived so that writing the same fragment twice gives the same edges."""
    raw = f"{type_}|{source}|{target}|{key}"
    return "e-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def jurisdiction_id(name: str, parents: list[str]) -> str:
    """One node per place: 河北区 under 天津市 and 河北省 are different nodes."""
    return "j-" + hashlib.sha1("|".join([name, *parents]).encode("utf-8")).hexdigest()[:12]


def agency_id(name: str, jurisdiction: str | None = None) -> str:
    """One node per canonical body in its place.

    Most canonical names carry their jurisdiction (红旗区市场监督管理局, 上海市科学技术委员会), and then the
    name alone is the key, as it always was. Collectives are named as written in every place (有关部门,
    各有关单位, 相关区), so a ``jurisdiction`` the name does not contain is hashed with it: the 各有关单位
    of 上海市 and of 北京市 are two nodes. Callers pass ``AgencyRef.jurisdiction``.

    >>> agency_id("各有关单位", "上海市") != agency_id("各有关单位", "北京市")
    True
    >>> agency_id("红旗区农业农村局", "红旗区") == agency_id("红旗区农业农村局")
    True
    """
    key = name if not jurisdiction or jurisdiction in name else f"{jurisdiction}|{name}"
    return "a-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def law_id(title: str) -> str:
    """One Law node per distinct title across the whole graph."""
    return "l-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:12]


def manual_link(source: str, target: str, source_plan: str, target_plan: str, scope: str, reviewer: str,
                at: str, note: str = "") -> Edge:
    """A DERIVES_FROM link a reviewer added by hand (the aligner did not propose it): confirmed, no score."""
    record = LinkRecord(score=None, label="direct", status="confirmed", method="manual", scope=scope, evidence={},
                        source_plan=source_plan, target_plan=target_plan, reviewed_by=reviewer, reviewed_at=at,
                        note=note)
    return Edge(id=edge_id("DERIVES_FROM", source, target), type="DERIVES_FROM", source=source, target=target,
                doc=None, props=record.fields())


def canonical_json(value: Any) -> str:
    """Stable JSON for properties: sorted keys, compact, Chinese kept readable (orjson: a load writes ~20 maps
    per task unit, and json.dumps was a fifth of its time)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # what orjson cannot write (an integer beyond 64 bits) the standard library can
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_json(text: str | bytes) -> Any:
    """A stored property map back (orjson: a province-wide read decodes tens of thousands of them)."""
    return orjson.loads(text)


def build_fragment(tree: PlanTree) -> Fragment:
    """Turn a parsed plan into nodes and edges (no DERIVES_FROM: the aligner adds those)."""
    b = _FragmentBuilder(tree.plan.id)
    plan = tree.plan
    b.node(plan.id, "Plan", doc=True, **plan.model_dump(mode="json", exclude={"id", "jurisdiction"}),
           jurisdiction=plan.jurisdiction.name, level=plan.jurisdiction.level)
    j_id = b.jurisdiction(plan.jurisdiction)
    b.edge("ISSUED_BY", plan.id, j_id)
    searched = measure_searched(tree.measures)
    for m in tree.measures:
        _add_measure(b, plan.id, m, searched[m.id])
    return Fragment(plan_id=plan.id, content_hash=plan.content_hash, nodes=list(b.nodes.values()), edges=b.edges)


def _add_measure(b: _FragmentBuilder, plan_id: str, m: Measure, searched: str) -> None:
    b.node(m.id, "Measure", doc=True, kind=m.kind, number=m.number, title=m.title, text=m.text,
           span=list(m.span), order=m.order, plan_id=plan_id, parent_id=m.parent_id, searched=searched)
    b.edge("HAS_MEASURE", plan_id, m.id)
    b.edge("PART_OF", m.id, m.parent_id or plan_id, order=m.order)
    for pos, a in enumerate(m.agencies):
        a_id = b.agency(a)
        b.edge("RESPONSIBLE_FOR", a_id, m.id, key=str(pos), role=a.role, as_written=a.as_written,
               span=list(a.span), position=pos)
    for pos, ind in enumerate(m.indicators):
        i_id = "i-" + hashlib.sha1(f"{m.id}|{pos}".encode()).hexdigest()[:16]
        b.node(i_id, "Indicator", doc=True, **ind.model_dump(mode="json"), measure_id=m.id, plan_id=plan_id)
        b.edge("HAS_TARGET", m.id, i_id, position=pos)
    for pos, c in enumerate(m.citations):
        l_id = law_id(c.title)
        b.node(l_id, "Law", title=c.title, kind=c.kind)
        b.edge("CITES", m.id, l_id, key=str(pos), span=list(c.span), kind=c.kind)


class _FragmentBuilder:
    """Collects nodes (deduplicated by id) and edges for one document."""

    def __init__(self, plan_id: str) -> None:
        self.plan_id = plan_id
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self._edge_ids: set[str] = set()
        self._places: dict[str, str] = {}  # name → id of the plan's jurisdiction chain

    # model_construct: the arguments are typed here, and validating ~40 nodes and edges per task unit again was
    # a tenth of a load. tests/test_records.py validates every field the builder writes against its record.
    def node(self, id_: str, label: NodeLabel, doc: bool = False, **props: Any) -> str:
        if id_ not in self.nodes:
            self.nodes[id_] = Node.model_construct(id=id_, label=label, doc=self.plan_id if doc else None,
                                                   props=props)
        return id_

    def edge(self, type_: EdgeType, source: str, target: str, key: str = "", **props: Any) -> None:
        """An edge this document creates; one between two shared nodes is a shared fact (``doc=None``)."""
        eid = edge_id(type_, source, target, key)
        if eid not in self._edge_ids:
            self._edge_ids.add(eid)
            s, t = self.nodes.get(source), self.nodes.get(target)
            shared = s is not None and t is not None and s.doc is None and t.doc is None
            self.edges.append(Edge.model_construct(id=eid, type=type_, source=source, target=target,
                                                   doc=None if shared else self.plan_id, props=props))

    def jurisdiction(self, j: Jurisdiction) -> str:
        """Add the place and its chain of parents, linked by WITHIN."""
        j_id = jurisdiction_id(j.name, j.parents)
        self.node(j_id, "Jurisdiction", name=j.name, level=j.level, code=j.code, anonymised=j.anonymised,
                  parents=j.parents)
        child_id = j_id
        for i, parent in enumerate(j.parents):
            rest = j.parents[i + 1 :]
            p_id = jurisdiction_id(parent, rest)
            self.node(p_id, "Jurisdiction", name=parent, level=_parent_level(parent), code=None, anonymised=False,
                      parents=rest)
            self.edge("WITHIN", child_id, p_id)
            self._places.setdefault(parent, p_id)
            child_id = p_id
        self._places[j.name] = j_id
        return j_id

    def agency(self, a: AgencyRef) -> str:
        a_id = agency_id(a.name, a.jurisdiction)
        self.node(a_id, "Agency", name=a.name, functions=a.functions, level=a.level, collective=a.collective,
                  jurisdiction=a.jurisdiction)
        if a.jurisdiction:
            j_id = self._places.get(a.jurisdiction) or jurisdiction_id(a.jurisdiction, [])
            self.node(j_id, "Jurisdiction", name=a.jurisdiction, level=_parent_level(a.jurisdiction), code=None,
                      anonymised=False, parents=[])
            self.edge("BELONGS_TO", a_id, j_id)
        return a_id


def _parent_level(name: str) -> str:
    """Level of an enclosing division from its suffix: 省/自治区 and the four municipalities are province level."""
    if name.endswith(("省", "自治区")) or name in ("北京市", "天津市", "上海市", "重庆市"):
        return "province"
    if name.endswith(("市", "州", "盟", "地区")):
        return "city"
    return "county"
