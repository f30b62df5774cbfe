"""One interface over every graph store, and a registry that opens a store from a URL.

Modelled on rdflib's ``Store``: the base class states the contract in docstrings and declares what a
backend can do as capability flags; the few traversals the queries need have default implementations
built from the required primitives, so a new backend only has to write the primitives. Backends are
registered by URL scheme and imported lazily, so the Neo4j driver stays optional for embedded users.

Contract every store keeps (tests/test_store_contract.py runs it against each registered store):
- ``write_fragment`` is one transaction: afterwards the document is in the store completely or not at all;
  writing a fragment whose ``content_hash`` is already stored changes nothing and says "unchanged";
- replacing a document keeps DERIVES_FROM links whose two measures still exist (same id = same text);
- shared facts (Agency, Law and Jurisdiction nodes, and the BELONGS_TO / WITHIN edges between them) are
  owned by every document that states them, each owner's version kept: a shared fact lives while some
  document states it and shows the version of its first owner by plan id, so deleting or replacing a document
  leaves the store exactly as if that document had never been loaded, whatever the order of the loads;
- ``replace_inferred_links`` records which plan pairs were aligned at which document versions
  (``aligned_versions``), in the same transaction as the links, so a killed alignment is finished by the next;
- a review changes its link and appends to the review log in one transaction (``put_reviewed_link``); the
  log is never deleted, and alignment re-applies it: a rejected pair is never re-created, a confirmed or
  hand-added pair comes back confirmed with its reviewer, time and note;
- opening a store never writes (so readers never wait for a writer, and an open never makes other
  processes reread the graph); ``open_store(url, create=False)`` refuses a store that does not exist.
"""
from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from policygraph.errors import StoreError
from policygraph.graph.model import EDGE_TYPES, NODE_LABELS, Edge, Fragment, Node
from policygraph.graph.textindex import KINDS, SEARCHED, contains_all

WriteStatus = Literal["added", "replaced", "unchanged"]
NodeOrEdge = TypeVar("NodeOrEdge", Node, Edge)
#: Fields an outline read leaves out (``get_nodes``/``cascade_links`` with ``outline=True``): the long texts and a
#: link's evidence, most of what a national-scale read decodes, and nothing a count, a matrix or a path needs.
HEAVY_FIELDS = ("text", "searched", "title", "evidence")


def outline(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in HEAVY_FIELDS}


#: The edge types a measure's view reads (``measure_context``).
CONTEXT_TYPES = frozenset({"PART_OF", "RESPONSIBLE_FOR", "HAS_TARGET", "CITES"})

# Capability flags (see Store.capabilities).
TRANSACTIONS = "transactions"  # a fragment write is atomic even if the process is killed
PERSISTENT = "persistent"  # data survives closing the store
FULLTEXT = "fulltext"  # search() uses an index rather than a scan
CONCURRENT_READERS = "concurrent_readers"  # other processes may read while one writes
VERSIONED = "versioned"  # version() changes on every write, so readers may cache what they read

Direction = Literal["down", "up"]


@dataclass(frozen=True)
class LinkFilter:
    """Which DERIVES_FROM links a cascade may use; every hop of a path must pass. Rejected links never pass
    (``is_live``)."""

    scope: str | None = None
    status: str | None = None
    min_score: float | None = None

    def passes(self, e: Edge) -> bool:
        k = e.link
        return (is_live(e) and (self.scope is None or k.scope == self.scope)
                and (self.status is None or k.status == self.status)
                and (self.min_score is None or k.score is None or float(k.score) >= self.min_score))


def is_live(e: Edge) -> bool:
    """A measure-level link that counts: every status but ``rejected`` (the one rule, for every reader)."""
    return e.type == "DERIVES_FROM" and e.link.live


@dataclass(frozen=True)
class WriteResult:
    """What a document write did, for the load summary."""

    plan_id: str
    status: WriteStatus
    nodes: int
    edges: int


@dataclass(frozen=True)
class ReviewRecord:
    """One reviewer decision on a DERIVES_FROM link, kept in the append-only review log."""

    source: str
    target: str
    decision: Literal["confirmed", "rejected", "added"]
    reviewer: str
    at: str
    note: str = ""


@dataclass(frozen=True)
class AlignedVersions:
    """The document versions (content hashes) a plan pair was last aligned at."""

    source_hash: str
    target_hash: str


class Store(ABC):
    """A graph store. Subclasses implement the abstract primitives; the rest have defaults."""

    #: Capability flags this backend provides (TRANSACTIONS, PERSISTENT, FULLTEXT, CONCURRENT_READERS).
    capabilities: frozenset[str] = frozenset()
    #: Registry name, also the URL scheme that selects it.
    name: str = ""

    # ---- documents -------------------------------------------------------------------------------
    @abstractmethod
    def document_hash(self, plan_id: str) -> str | None:
        """Content hash of the stored version of a plan, or None when the plan is not stored."""

    @abstractmethod
    def write_fragment(self, fragment: Fragment) -> WriteResult:
        """Add or replace one document in one transaction (see the module's contract)."""

    def write_fragments(self, fragments: Sequence[Fragment]) -> list[WriteResult]:
        """Several documents, each as ``write_fragment`` writes it, in order. When one fails, those before it
        stay written and the error is raised (what writing them one by one does); a store may commit them
        together, so a killed process may lose the ones not yet committed (a load again writes them)."""
        return [self.write_fragment(f) for f in fragments]

    @abstractmethod
    def delete_document(self, plan_id: str) -> bool:
        """Remove a document, its owned nodes and edges and links touching its measures; False if absent."""

    # ---- reading ---------------------------------------------------------------------------------
    @abstractmethod
    def get_node(self, node_id: str) -> Node | None:
        """The node with this id, or None."""

    def get_nodes(self, node_ids: Iterable[str], outline: bool = False) -> dict[str, Node]:
        """The nodes with these ids that exist, by id (one read on stores that can batch it); with ``outline``
        without the ``HEAVY_FIELDS`` (for questions about thousands of nodes that need their kind and plan)."""
        found = {n.id: n for i in sorted(set(node_ids)) if (n := self.get_node(i)) is not None}
        return {i: _outlined(n) for i, n in found.items()} if outline else found

    @abstractmethod
    def find_nodes(self, label: str, **props: Any) -> list[Node]:
        """Nodes with ``label`` whose properties equal every given value, ordered by id."""

    @abstractmethod
    def edges(self, type: str | None = None, source: str | None = None, target: str | None = None) -> list[Edge]:
        """Edges matching every given field, ordered by id."""

    @abstractmethod
    def get_edge(self, edge_id: str) -> Edge | None:
        """The edge with this id (any type), or None; answered from an index, never by a scan."""

    @abstractmethod
    def document_graph(self, plan_id: str) -> tuple[list[Node], list[Edge]]:
        """The nodes a document owns and the nodes its edges reach, with every edge touching the owned nodes
        except DERIVES_FROM links, each ordered by id: a plan tree in one read (reading it node by node was
        six round trips a measure on a server, most of a national alignment's time)."""

    @abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {label: n}, "edges": {type: n}}`` with every label and type present (0 when none)."""

    # ---- alignment links and reviews ---------------------------------------------------------------
    @abstractmethod
    def replace_inferred_links(self, source_plans: Iterable[str], target_plans: Iterable[str],
                               links: list[Edge], versions: Mapping[str, str] | None = None) -> int:
        """In one transaction: drop ``inferred`` DERIVES_FROM links from measures of ``source_plans`` to
        measures of ``target_plans``, then add ``links`` with the review log applied (``apply_review_log``):
        a pair that already has a reviewed link or whose latest decision is a rejection is skipped, a pair
        whose latest decision is a confirmation (or a hand-added link) is written confirmed. With
        ``versions`` (plan id → the content hash the aligner read), every (source, target) plan pair is
        recorded as aligned at those versions. Returns the number of links written."""

    @abstractmethod
    def aligned_versions(self) -> dict[tuple[str, str], AlignedVersions]:
        """(source plan, target plan) → the versions that pair was aligned at (see replace_inferred_links)."""

    @abstractmethod
    def put_link(self, link: Edge) -> None:
        """Create or overwrite one DERIVES_FROM link (used for reviews and hand-added links)."""

    @abstractmethod
    def put_reviewed_link(self, link: Edge, record: ReviewRecord) -> None:
        """``put_link`` and ``append_review`` in one transaction: a decision is on the link and in the log,
        or in neither."""

    @abstractmethod
    def append_review(self, record: ReviewRecord) -> None:
        """Append a decision to the review log (never deleted, survives every reload)."""

    @abstractmethod
    def reviews(self) -> list[ReviewRecord]:
        """The whole review log, oldest first."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    # ---- defaults built from the primitives ------------------------------------------------------
    def version(self) -> str | None:
        """A token that changes whenever the graph changes (stores with VERSIONED), else None: do not cache."""
        return None

    def ping(self) -> bool:
        """True when the store answers (``/readyz``)."""
        self.counts()
        return True

    def plans(self) -> list[Node]:
        return self.find_nodes("Plan")

    def document_hashes(self) -> dict[str, str]:
        """Plan id → content hash of every stored document."""
        return {p.id: h for p in self.plans() if (h := self.document_hash(p.id)) is not None}

    def children(self, node_id: str) -> list[Node]:
        """Direct children of a plan or measure in document order."""
        kids = sorted(self.edges("PART_OF", target=node_id), key=lambda e: (e.part_of.order, e.source))
        return [n for n in (self.get_node(e.source) for e in kids) if n is not None]

    def agencies_of(self, measure_id: str) -> list[tuple[Node, Edge]]:
        """Bodies responsible for a task, in the order written, with the RESPONSIBLE_FOR edge (role)."""
        es = sorted(self.edges("RESPONSIBLE_FOR", target=measure_id), key=lambda e: e.responsible.position)
        return [(n, e) for e in es if (n := self.get_node(e.source)) is not None]

    def tasks_of(self, agency_id: str) -> list[tuple[Node, Edge]]:
        """Every measure an agency is responsible for, with the edge."""
        es = self.edges("RESPONSIBLE_FOR", source=agency_id)
        return [(n, e) for e in es if (n := self.get_node(e.target)) is not None]

    def cascade_links(self, roots: Sequence[str], direction: Direction, depth: int,
                      links: LinkFilter = LinkFilter(), outline: bool = False) -> list[Edge]:
        """Every DERIVES_FROM link passing ``links`` on a chain of at most ``depth`` hops from ``roots``
        (down: links into them, from lower plans; up: links out of them), ordered by id; with ``outline``
        without their evidence.

        A measure's links include those of its own task units (asked about an item, links to its tasks count),
        at every hop. The caller picks paths among them; the store only has to find them, which each backend
        does in one query (a recursive CTE) or one per hop over the whole frontier (``_cascade_hop``) instead of
        one call per node.
        """
        found: dict[str, Edge] = {}
        frontier, seen = list(dict.fromkeys(roots)), set(roots)
        for _ in range(max(0, depth)):
            reached = []
            for e in self._cascade_hop(frontier, direction, links):
                found[e.id] = e
                other = e.source if direction == "down" else e.target
                if other not in seen:
                    seen.add(other)
                    reached.append(other)
            frontier = reached
            if not frontier:
                break
        edges = sorted(found.values(), key=lambda e: e.id)
        return [_outlined(e) for e in edges] if outline else edges

    def _cascade_hop(self, frontier: list[str], direction: Direction, links: LinkFilter) -> list[Edge]:
        """One hop of ``cascade_links``: the passing links into (down) or out of (up) the frontier measures and
        their task units. This default asks node by node."""
        units = [u for m in frontier for u in (m, *self._task_units(m))]
        return [e for u in units
                for e in (self.edges("DERIVES_FROM", target=u) if direction == "down"
                          else self.edges("DERIVES_FROM", source=u)) if links.passes(e)]

    def _task_units(self, measure_id: str) -> list[str]:
        kids = self.edges("PART_OF", target=measure_id)
        return [n.id for e in kids if (n := self.get_node(e.source)) is not None and n.label == "Measure"
                and n.measure.kind == "task"]

    def measure_context(self, measure_ids: Iterable[str]) -> tuple[list[Node], list[Edge]]:
        """What a view of these measures shows, in one read: the measures, the edges into them (PART_OF from
        their task units, RESPONSIBLE_FOR from their agencies) and out of them (PART_OF, HAS_TARGET, CITES),
        and the nodes at the other ends; DERIVES_FROM links excepted. Ordered by id."""
        nodes: dict[str, Node] = {}
        edges: dict[str, Edge] = {}
        for mid in measure_ids:
            own = [e for e in (*self.edges(target=mid), *self.edges(source=mid)) if e.type in CONTEXT_TYPES]
            edges.update((e.id, e) for e in own)
            nodes.update(self.get_nodes({mid, *(x for e in own for x in (e.source, e.target))} - set(nodes)))
        return sorted(nodes.values(), key=lambda n: n.id), sorted(edges.values(), key=lambda e: e.id)

    def search_text(self, terms: list[str], kinds: Sequence[str] | None = None, limit: int = 2000) -> list[Node]:
        """Candidates for a full-text query: nodes of the searched labels (``textindex.SEARCHED``; ``kinds``
        narrows them) whose text may hold every term, at most ``limit``, the store's best candidates first.

        Candidates may be a superset (an index of bigrams finds 追溯 in 追…溯 only when they are adjacent, but
        the caller checks every hit as an exact substring); when there are more than ``limit``, which ones come
        back is the store's own relevance. This default scans every node: stores answer from their index.
        """
        labels = [KINDS[k] for k in kinds if k in KINDS] if kinds else list(SEARCHED)
        return [n for lab in labels for n in self.find_nodes(lab) if contains_all(n, terms)][:limit]

    def plan_statistics(self) -> dict[str, dict[str, int]]:
        """Plan id → how many measures of each kind it holds (``section``, ``item``, ``task``) and its live links
        up (from its measures) and down (into them): ``links_up``, ``links_down``. Every plan is present. The
        stores count with one grouped query each; this default reads every measure and link."""
        out = {p.id: {"section": 0, "item": 0, "task": 0, "links_up": 0, "links_down": 0} for p in self.plans()}
        plan_of: dict[str, str] = {}
        for pid in out:
            for m in self.find_nodes("Measure", plan_id=pid):
                plan_of[m.id] = pid
                kind = m.measure.kind
                if kind in out[pid]:
                    out[pid][kind] += 1
        for e in self.edges("DERIVES_FROM"):
            if is_live(e) and e.source in plan_of and e.target in plan_of:
                out[plan_of[e.source]]["links_up"] += 1
                out[plan_of[e.target]]["links_down"] += 1
        return out

    def role_counts(self) -> dict[str, dict[str, int]]:
        """Agency id → how many RESPONSIBLE_FOR edges it has in each role (``lead``, ``support``, …); agencies
        carrying nothing are absent. The stores count with one grouped query; this default reads every edge
        (the agency index asked for each body's edges one body at a time: 13 s over 1,000 plans)."""
        out: dict[str, dict[str, int]] = {}
        for e in self.edges("RESPONSIBLE_FOR"):
            roles = out.setdefault(e.source, {})
            roles[e.responsible.role] = roles.get(e.responsible.role, 0) + 1
        return out

    def link_page(self, status: str | None = None, plan: str | None = None, after: str | None = None,
                  limit: int = 50) -> tuple[list[Edge], int]:
        """A page of measure-level links in id order: those after the id ``after``, at most ``limit``, with one
        ``status`` and touching one ``plan``'s measures (either end) when given; and how many match in all.
        Keyset paging, so page 1,000 of 900,000 links costs what page 1 does."""
        found = sorted((e for e in self.links(status)
                        if plan is None or plan in (e.link.source_plan, e.link.target_plan)),
                       key=lambda e: e.id)
        return [e for e in found if after is None or e.id > after][:limit], len(found)

    def links(self, status: str | None = None) -> list[Edge]:
        """DERIVES_FROM links between measures, optionally only those with ``status``."""
        es = self.edges("DERIVES_FROM")
        return [e for e in es if status is None or e.link.status == status]

    def export(self) -> dict[str, Any]:
        """The whole graph as node-link JSON (networkx's format), for ``policygraph export``."""
        nodes = [{"id": n.id, "label": n.label, "doc": n.doc, **n.props} for lab in NODE_LABELS
                 for n in self.find_nodes(lab)]
        links = [{"id": e.id, "type": e.type, "source": e.source, "target": e.target, "doc": e.doc, **e.props}
                 for t in EDGE_TYPES for e in self.edges(t)]
        return {"directed": True, "multigraph": True, "graph": {}, "nodes": nodes, "links": links}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _outlined(item: NodeOrEdge) -> NodeOrEdge:
    return item.model_copy(update={"props": outline(item.props)})


# ---- registry -----------------------------------------------------------------------------------
_REGISTRY: dict[str, str] = {
    "sqlite": "policygraph.graph.sqlite_store:SqliteStore",
    "neo4j": "policygraph.graph.neo4j_store:Neo4jStore",
    "bolt": "policygraph.graph.neo4j_store:Neo4jStore",
    "neo4j+s": "policygraph.graph.neo4j_store:Neo4jStore",
    "bolt+s": "policygraph.graph.neo4j_store:Neo4jStore",
}
DEFAULT_STORE_URL = "sqlite:///policygraph.db"


def register(scheme: str, target: str) -> None:
    """Register a backend as ``"module:Class"`` for a URL scheme (imported only when used)."""
    _REGISTRY[scheme] = target


def registered() -> list[str]:
    """The store names in the registry (the contract tests run against each backend class once)."""
    return sorted(set(_REGISTRY.values()))


def open_store(url: str = DEFAULT_STORE_URL, create: bool = True) -> Store:
    """Open the store a URL names: ``sqlite:///path/graph.db`` or ``neo4j://host:7687``.

    With ``create=False`` a store that does not exist yet is refused with a StoreError (read commands: a
    mistyped file name must not silently give an empty graph). A Neo4j server's database always exists.
    """
    scheme = url.split("://", 1)[0] if "://" in url else ""
    target = _REGISTRY.get(scheme)
    if target is None:
        raise StoreError(f"unknown store URL {url!r}: use sqlite:///path/graph.db or neo4j://host:7687")
    module_name, cls_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise StoreError(f"the {scheme} store needs an optional package: {exc}") from exc
    cls = getattr(module, cls_name)
    store: Store = cls.from_url(url, create=create)
    return store


def apply_review_log(links: Iterable[Edge], reviews: Iterable[ReviewRecord],
                     reviewed_pairs: set[tuple[str, str]]) -> list[Edge]:
    """The links an alignment may write, with the review log applied (both stores call this in their
    transaction): pairs with a reviewed link in place and pairs whose latest decision is a rejection are
    dropped; pairs whose latest decision is a confirmation or a hand-added link come back confirmed, with
    that decision's reviewer, time and note (a deleted and re-uploaded document keeps its reviews)."""
    latest: dict[tuple[str, str], ReviewRecord] = {}
    for r in reviews:
        latest[(r.source, r.target)] = r
    out = []
    for e in links:
        pair = (e.source, e.target)
        last = latest.get(pair)
        if pair in reviewed_pairs or (last is not None and last.decision == "rejected"):
            continue
        if last is not None:
            e = e.with_fields(status="confirmed", reviewed_by=last.reviewer, reviewed_at=last.at, note=last.note)
        out.append(e)
    return out
