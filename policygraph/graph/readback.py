"""Read a stored plan back as the loaders' PlanTree, so code that works on parsed plans works on stored ones.

The aligner and the plan-tree endpoint use this: the store is the source of truth after loading, and the
source file may be long gone. Spans and every extracted field round-trip; only the decoded source text is not
kept in the graph (``PlanTree.text`` comes back empty).
"""
from __future__ import annotations

from typing import Any, cast

from policygraph.errors import NotFound
from policygraph.graph.model import Edge, Node
from policygraph.graph.records import JurisdictionRecord
from policygraph.graph.store import Store
from policygraph.loaders.model import (
    LEVEL_RANK, AgencyRef, Citation, Indicator, Jurisdiction, Level, Measure, Plan, PlanTree,
)

_PLAN_FIELDS = set(Plan.model_fields) - {"id", "jurisdiction"}


def plan_tree(store: Store, plan_id: str) -> PlanTree:
    """The stored plan ``plan_id`` as a PlanTree, measures in document order (parents before children), read
    from the store's ``document_graph`` in one go."""
    node_list, edge_list = store.document_graph(plan_id)
    nodes = {n.id: n for n in node_list}
    plan_node = nodes.get(plan_id)
    if plan_node is None or plan_node.label != "Plan":
        plan_node = store.get_node(plan_id)  # a plan that owns no nodes of its own (not written by us)
        if plan_node is None or plan_node.label != "Plan":
            raise NotFound(f"no plan with id {plan_id!r}")
        nodes[plan_id] = plan_node
    out: dict[tuple[str, str], list[Edge]] = {}
    into: dict[tuple[str, str], list[Edge]] = {}
    for e in edge_list:
        out.setdefault((e.type, e.source), []).append(e)
        into.setdefault((e.type, e.target), []).append(e)
    issued = out.get(("ISSUED_BY", plan_id), [])
    j_node = nodes.get(issued[0].target) if issued else None
    pr = plan_node.plan
    level = cast(Level, pr.level if pr.level in LEVEL_RANK else "county")
    j = j_node.place if j_node else JurisdictionRecord(name=pr.jurisdiction or "?", level=level)
    jurisdiction = Jurisdiction(name=j.name, level=j.level, code=j.code, parents=list(j.parents),
                                anonymised=j.anonymised)
    plan = Plan(id=plan_id, jurisdiction=jurisdiction,
                **{k: _tuple_span(k, v) for k, v in pr.fields().items() if k in _PLAN_FIELDS})
    measures_of_plan = [n for n in nodes.values() if n.label == "Measure" and n.measure.plan_id == plan_id]
    children: dict[str | None, list[Node]] = {}
    for n in measures_of_plan:
        children.setdefault(n.measure.parent_id, []).append(n)
    measures: list[Measure] = []
    stack = sorted(children.get(None, []), key=lambda n: n.measure.order, reverse=True)
    while stack:
        n = stack.pop()
        measures.append(_measure(n, nodes, out, into))
        stack.extend(sorted(children.get(n.id, []), key=lambda c: c.measure.order, reverse=True))
    return PlanTree(plan=plan, measures=measures, text="")


def _pair(span: list[int]) -> tuple[int, int]:
    return (span[0], span[1])


def _tuple_span(key: str, value: Any) -> Any:
    return tuple(value) if key.endswith("span") and isinstance(value, list) else value


def _measure(n: Node, nodes: dict[str, Node], out: dict[tuple[str, str], list[Edge]],
             into: dict[tuple[str, str], list[Edge]]) -> Measure:
    m = n.measure
    responsible = sorted(into.get(("RESPONSIBLE_FOR", n.id), []), key=lambda e: e.responsible.position)
    agencies = [
        AgencyRef(as_written=e.responsible.as_written, name=a.agency.name, functions=a.agency.functions,
                  level=a.agency.level, role=e.responsible.role, collective=a.agency.collective,
                  jurisdiction=a.agency.jurisdiction, span=_pair(e.responsible.span))
        for e in responsible if (a := nodes.get(e.source)) is not None
    ]
    targets = sorted(out.get(("HAS_TARGET", n.id), []), key=lambda e: e.has_target.position)
    indicators = []
    for e in targets:
        i = nodes.get(e.target)
        if i is not None:
            fields = {k: v for k, v in i.indicator.fields().items() if k in Indicator.model_fields}
            indicators.append(Indicator(**{**fields, "span": tuple(fields["span"])}))
    cites = sorted(out.get(("CITES", n.id), []), key=lambda e: e.cites.start)
    citations = []
    for e in cites:
        law = nodes.get(e.target)
        if law is not None:
            citations.append(Citation(title=law.law.title, kind=e.cites.kind or law.law.kind,
                                      span=_pair(e.cites.span)))
    return Measure(id=n.id, parent_id=m.parent_id, kind=m.kind, number=m.number, title=m.title, text=m.text,
                   span=_pair(m.span), order=m.order, agencies=agencies, indicators=indicators, citations=citations)
