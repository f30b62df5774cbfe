"""A read-only view of a store for the length of one store version: what queries read, node by node, kept.

Queries ask the store by id and by endpoint (``node``, ``into``, ``out``, ``measures_of``) and in batches where
they know what they will need (``prefetch_nodes``, ``prefetch_measures``, from ``Store.get_nodes`` and
``Store.measure_context``); whole-graph work is the stores' (``Store.cascade_links``, ``Store.search_text``).
Nothing loads a whole label or edge type except ``nodes(label)`` for the small ones a query lists (plans,
agencies, laws, places): indexing every measure or link in memory was what made a fresh process take minutes
and gigabytes at national scale. Only the store's public methods are used, so every store answers the same.
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from typing import Any

from policygraph.graph.model import Edge, Node
from policygraph.graph.records import PlanRecord
from policygraph.graph.store import CONTEXT_TYPES, Store
from policygraph.queries.models import AgencyRole, CitationView, Hop, IndicatorView, MeasureView, PlanRef


def snapshot(store: Store) -> Snapshot:
    """A view of ``store`` for one query. What is worth keeping between queries — whole small labels (plans,
    places), the plans' readable names and whole answers (``queries/cache.py``) — is shared while the store's
    ``version()`` is unchanged; what one query reads node by node is dropped with it. (Keeping that too made a
    warm query process grow to 1.9 GB at national scale, and its garbage collections gave seconds-long p99s.)

    Stores that cannot tell their version (``version()`` is None) share nothing.
    """
    version = store.version()
    if version is None:
        return Snapshot(store)
    # Kept on the store itself: a cache keyed by store would keep every store alive.
    cached: tuple[str, _Shared] | None = getattr(store, "_query_version", None)
    if cached is None or cached[0] != version:
        cached = (version, _Shared())
        store._query_version = cached  # type: ignore[attr-defined]
    return Snapshot(store, cached[1])


class _Shared:
    """What queries of one store version share: whole labels, plan names, answers."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Node]] = {}
        self.labels: dict[str, str] | None = None
        self.answers: OrderedDict[Any, Any] = OrderedDict()  # queries/cache.py: whole answers of this version


class Snapshot:
    """Nodes and edges of one store, fetched lazily and kept by id and endpoint for one query."""

    def __init__(self, store: Store, shared: _Shared | None = None) -> None:
        self.store = store
        self._shared = shared if shared is not None else _Shared()
        self._nodes = self._shared.nodes
        self.answers = self._shared.answers
        self._plan_measures: dict[str, list[Node]] = {}
        self._one: dict[tuple[str, str, bool], list[Edge]] = {}
        self._single: dict[str, Node | None] = {}
        self._outlines: dict[str, Node | None] = {}  # nodes without their long texts (Store.get_nodes outline)

    # ---- raw access ---------------------------------------------------------------------------------
    def nodes(self, label: str) -> dict[str, Node]:
        """Every node with ``label``, by id (ordered by id, as the store returns them)."""
        if label not in self._nodes:
            self._nodes[label] = {n.id: n for n in self.store.find_nodes(label)}
        return self._nodes[label]

    def into(self, type_: str, target: str) -> list[Edge]:
        """Edges of ``type_`` ending at ``target`` (see ``_adjacent`` for how they are fetched)."""
        return self._adjacent(type_, target, incoming=True)

    def out(self, type_: str, source: str) -> list[Edge]:
        """Edges of ``type_`` leaving ``source``."""
        return self._adjacent(type_, source, incoming=False)

    def _adjacent(self, type_: str, node_id: str, incoming: bool) -> list[Edge]:
        key = (type_, node_id, incoming)
        if key not in self._one:
            self._one[key] = (self.store.edges(type_, target=node_id) if incoming
                              else self.store.edges(type_, source=node_id))
        return self._one[key]

    def measures_of(self, plan_id: str) -> list[Node]:
        """A plan's measures (ordered by id), one read per plan."""
        if plan_id not in self._plan_measures:
            self._plan_measures[plan_id] = self.store.find_nodes("Measure", plan_id=plan_id)
        return self._plan_measures[plan_id]

    def node(self, label: str, node_id: str) -> Node | None:
        """One node of ``label``: from the loaded label if it is loaded, else asked of the store."""
        if label in self._nodes:
            return self._nodes[label].get(node_id)
        found = self.node_any(node_id)
        return found if found is not None and found.label == label else None

    def prefetch_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        """Nodes by id in one read (``Store.get_nodes``), kept for ``node()``; returns those that exist."""
        ids = set(node_ids)
        wanted = {i for i in ids if i not in self._single}
        got = self.store.get_nodes(wanted) if wanted else {}
        for i in wanted:
            self._single[i] = got.get(i)
        return {i: n for i in ids if (n := self._single.get(i)) is not None}

    def outlines(self, node_ids: Iterable[str]) -> dict[str, Node]:
        """Nodes by id without their long texts, in one read: what a question about thousands of measures needs
        (kind, parent, plan); a node already read whole is given whole."""
        ids = set(node_ids)
        wanted = {i for i in ids if i not in self._outlines and self._single.get(i) is None}
        got = self.store.get_nodes(wanted, outline=True) if wanted else {}
        for i in wanted:
            self._outlines[i] = got.get(i)
        return {i: n for i in ids if (n := self._single.get(i) or self._outlines.get(i)) is not None}

    def outline(self, node_id: str) -> Node | None:
        """A node read whole or in outline before, else read whole."""
        return self._single.get(node_id) or self._outlines.get(node_id) or self.node_any(node_id)

    def node_any(self, node_id: str) -> Node | None:
        if node_id not in self._single:
            self._single[node_id] = self.store.get_node(node_id)
        return self._single[node_id]

    def prefetch_measures(self, measure_ids: Iterable[str]) -> None:
        """Everything ``measure_view`` reads about these measures, in one read (``Store.measure_context``):
        a cascade of 300 measures was 1,500 round trips on Neo4j."""
        ids = [i for i in measure_ids if ("PART_OF", i, True) not in self._one]
        if not ids:
            return
        nodes, edges = self.store.measure_context(ids)
        for n in nodes:
            self._single.setdefault(n.id, n)
        wanted = set(ids)
        adjacent: dict[tuple[str, str, bool], list[Edge]] = defaultdict(list)
        for e in edges:
            if e.target in wanted:
                adjacent[(e.type, e.target, True)].append(e)
            if e.source in wanted:
                adjacent[(e.type, e.source, False)].append(e)
        for i in ids:
            for t in CONTEXT_TYPES:
                for incoming in (True, False):
                    self._one.setdefault((t, i, incoming), adjacent.get((t, i, incoming), []))

    # ---- domain helpers -----------------------------------------------------------------------------
    def plan(self, plan_id: str) -> Node | None:
        return self.nodes("Plan").get(plan_id)

    def measure(self, measure_id: str) -> Node | None:
        return self.node("Measure", measure_id)

    def plan_label(self, plan_id: str) -> str:
        """Readable name of a plan: ``西平县2020``, ``河北省`` — or its id when two plans would share the name."""
        if self._shared.labels is None:
            names = {pid: f"{p.plan.jurisdiction}{p.plan.year or ''}" for pid, p in self.nodes("Plan").items()}
            seen: dict[str, int] = defaultdict(int)
            for name in names.values():
                seen[name] += 1
            self._shared.labels = {pid: (name if seen[name] == 1 and name else pid) for pid, name in names.items()}
        return self._shared.labels.get(plan_id, plan_id)

    def plan_ref(self, plan_id: str) -> PlanRef:
        node = self.plan(plan_id)
        p = node.plan if node else PlanRecord()
        return PlanRef(id=plan_id, ref=self.plan_label(plan_id), title=p.title, kind=p.kind, year=p.year,
                       jurisdiction=p.jurisdiction, level=p.level)

    def units(self, measure_id: str) -> list[str]:
        """The measure and its own task units: asked about an item, links to its task units count as links to it."""
        kids = [e.source for e in self.into("PART_OF", measure_id)]
        return [measure_id, *(k for k in kids if (m := self.measure(k)) is not None and m.measure.kind == "task")]

    def measure_ref(self, node: Node) -> str | None:
        """``河北省#24`` for a numbered measure; a task unit is its item's reference and its place among the item's
        units, so no two measures share one (``refs.resolve_measure`` reads both): ``红旗区#（十八）.2``, and
        ``河北省#24-2`` after a number ending in a digit (``#1.1`` may be a number of its own)."""
        m = node.measure
        if m.number is not None:
            return f"{self.plan_label(m.plan_id)}#{m.number}"
        parent = self.measure(m.parent_id) if m.parent_id else None
        number = parent.measure.number if parent is not None else None
        if not number:
            return None
        return f"{self.plan_label(m.plan_id)}#{number}{'-' if number[-1].isdigit() else '.'}{m.order + 1}"

    def measure_view(self, node: Node) -> MeasureView:
        """A measure with its plan, agencies (with roles), indicators and citations."""
        m = node.measure
        return MeasureView(
            id=node.id, ref=self.measure_ref(node), plan=self.plan_ref(m.plan_id), kind=m.kind, number=m.number,
            title=m.title, text=m.text, span=list(m.span), parent_id=m.parent_id, agencies=self.agency_roles(node.id),
            indicators=self.indicators(node.id), citations=self.citations(node.id))

    def agency_roles(self, measure_id: str) -> list[AgencyRole]:
        edges = sorted(self.into("RESPONSIBLE_FOR", measure_id), key=lambda e: e.responsible.position)
        out = []
        for e in edges:
            node = self.node("Agency", e.source)
            if node is not None:
                a, r = node.agency, e.responsible
                out.append(AgencyRole(id=node.id, name=a.name, role=r.role, as_written=r.as_written,
                                      functions=list(a.functions), level=a.level))
        return out

    def indicators(self, measure_id: str) -> list[IndicatorView]:
        edges = sorted(self.out("HAS_TARGET", measure_id), key=lambda e: e.has_target.position)
        nodes = [self.node("Indicator", e.target) for e in edges]
        return [indicator_view(n) for n in nodes if n is not None]

    def citations(self, measure_id: str) -> list[CitationView]:
        out = []
        for e in sorted(self.out("CITES", measure_id), key=lambda e: e.cites.start):
            law = self.node("Law", e.target)
            if law is not None:
                out.append(CitationView(law_id=law.id, title=law.law.title, kind=e.cites.kind or law.law.kind,
                                        span=list(e.cites.span)))
        return out


def indicator_view(n: Node) -> IndicatorView:
    i = n.indicator
    return IndicatorView(id=n.id, metric=i.metric, comparator=i.comparator, value=float(i.value), unit=i.unit,
                         deadline=i.deadline, span=list(i.span), measure_id=i.measure_id)


def hop(e: Edge) -> Hop:
    """A DERIVES_FROM edge as a path step with its score, status, scope and evidence."""
    k = e.link
    return Hop(link_id=e.id, source=e.source, target=e.target, score=float(k.score) if k.score is not None else None,
               label=k.label, status=k.status, scope=k.scope, method=k.method or None,
               evidence=k.evidence if isinstance(k.evidence, dict) else {}, reviewed_by=k.reviewed_by, note=k.note)
