"""The Neo4j store: the same graph and the same contract as the sqlite store, on a Neo4j 5 server.

Why it looks like this: one fragment write is one explicit transaction (``session.execute_write``), so a
killed loader leaves the previous version of the document. Writes are batched per label and per
relationship type (``UNWIND $rows``) because Cypher cannot take a label as a parameter. Properties are
stored as canonical JSON and read back from it, so ``get_node``/``edges`` return exactly what the sqlite
store returns; every field is also a real property (``fields``), for indexes and for Cypher written by hand in
Neo4j Browser or by other applications.

Where Neo4j differs from sqlite: a relationship cannot point at a missing node, so an edge whose end is not
stored fails the write with a StoreError (sqlite would keep it dangling), and a measure kept across a
replacement is updated in place rather than deleted and re-inserted, which is how its DERIVES_FROM links
survive.

URL: ``neo4j://host:7687?database=neo4j`` (also bolt://, neo4j+s://, bolt+s://); the user and password come
from ``config.neo4j_credentials()``, never from the URL.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from policygraph import config, limits
from policygraph.errors import NotFound, StoreError
from policygraph.graph import neo4j_cypher as cy
from policygraph.graph.model import EDGE_TYPES, NODE_LABELS, Edge, Fragment, Node, canonical_json, parse_json
from policygraph.graph.store import (
    CONCURRENT_READERS, PERSISTENT, TRANSACTIONS, VERSIONED, AlignedVersions, Direction, LinkFilter, ReviewRecord,
    Store, WriteResult, WriteStatus, apply_review_log,
)
from policygraph.graph.store import outline as store_outline
from policygraph.graph.textindex import KINDS, is_cjk, segments, with_searched

T = TypeVar("T")


class Neo4jStore(Store):
    """``neo4j://host:7687`` — a shared server, for many users and for Cypher by hand."""

    name = "neo4j"
    capabilities = frozenset({TRANSACTIONS, PERSISTENT, CONCURRENT_READERS, VERSIONED})

    def __init__(self, uri: str, auth: tuple[str, str] | None = None, database: str | None = None) -> None:
        self.uri = uri
        self.database = database
        with _errors(f"cannot connect to Neo4j at {uri}"):
            # "Property key does not exist" (UNRECOGNIZED) is what every read says on an empty database;
            # SCHEMA notes come from IF NOT EXISTS. Neither helps a user, and the driver would log each one.
            quiet = [neo4j.NotificationDisabledClassification.UNRECOGNIZED,
                     neo4j.NotificationDisabledClassification.SCHEMA]
            # Fail fast when the server is down: the driver's defaults retry for 30 s, logging every try.
            self.driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, notifications_disabled_classifications=quiet,
                max_transaction_retry_time=limits.NEO4J_RETRY_S, connection_timeout=limits.NEO4J_CONNECT_TIMEOUT_S,
                connection_acquisition_timeout=2 * limits.NEO4J_CONNECT_TIMEOUT_S)
            try:
                self.driver.verify_connectivity()
                self._ensure_schema()
            except BaseException:
                self.driver.close()
                raise

    @classmethod
    def from_url(cls, url: str, create: bool = True) -> Neo4jStore:
        """``create`` has no effect: a server's database exists or the connection fails with a StoreError."""
        parts = urlsplit(url)
        if parts.username or parts.password:
            raise StoreError(f"{parts.scheme}://{parts.hostname}: put the Neo4j user and password in "
                             "NEO4J_USER / NEO4J_PASSWORD or the config file, not in the URL")
        if not parts.hostname:
            raise StoreError(f"{url}: give a server, e.g. neo4j://localhost:7687")
        database = parse_qs(parts.query).get("database", [None])[0]
        return cls(f"{parts.scheme}://{parts.netloc}", config.neo4j_credentials(), database)

    # ---- plumbing ---------------------------------------------------------------------------------------
    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with _errors(f"Neo4j at {self.uri}"):
            records, _, _ = self.driver.execute_query(query, params, database_=self.database,
                                                      routing_=neo4j.RoutingControl.READ)
        return [r.data() for r in records]

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run ``work`` in one write transaction (retried by the driver on transient errors)."""
        # The read queries' bookmark manager makes every later read see this write, even on a cluster.
        bookmarks = self.driver.execute_query_bookmark_manager
        with _errors(f"Neo4j at {self.uri}"), \
                self.driver.session(database=self.database, bookmark_manager=bookmarks) as session:
            return session.execute_write(lambda tx: _versioned(tx, work))

    def version(self) -> str | None:
        rows = self._read(cy.GET_VERSION)
        return str(rows[0]["value"]) if rows else "empty"

    def _ensure_schema(self) -> None:
        """Create the constraints and indexes that are missing (listing first keeps reconnects cheap)."""
        existing = {r["name"] for r in self._read(cy.SCHEMA_NAMES)}
        missing = [q for name, q in cy.schema().items() if name not in existing]
        if not missing:
            return
        with self.driver.session(database=self.database) as session:
            for q in missing:
                session.run(q).consume()
            session.run(cy.AWAIT_INDEXES).consume()

    # ---- documents ----------------------------------------------------------------------------------------
    def document_hash(self, plan_id: str) -> str | None:
        rows = self._read(cy.DOCUMENT_HASH, plan_id=plan_id)
        return rows[0]["hash"] if rows else None

    def document_hashes(self) -> dict[str, str]:
        return {r["plan_id"]: r["hash"] for r in self._read(cy.ALL_DOCUMENT_HASHES)}

    def write_fragment(self, fragment: Fragment) -> WriteResult:
        def work(tx: neo4j.ManagedTransaction) -> WriteResult:
            old = tx.run(cy.DOCUMENT_HASH, plan_id=fragment.plan_id).single()
            if old is not None and old["hash"] == fragment.content_hash:
                return WriteResult(fragment.plan_id, "unchanged", 0, 0)
            _replace_document(tx, fragment.plan_id, fragment)
            tx.run(cy.UPSERT_DOCUMENT, plan_id=fragment.plan_id, content_hash=fragment.content_hash,
                   loaded_at=_now()).consume()
            status: WriteStatus = "replaced" if old is not None else "added"
            return WriteResult(fragment.plan_id, status, len(fragment.nodes), len(fragment.edges))

        return self._write(work)

    def delete_document(self, plan_id: str) -> bool:
        def work(tx: neo4j.ManagedTransaction) -> bool:
            if tx.run(cy.DOCUMENT_HASH, plan_id=plan_id).single() is None:
                return False
            _replace_document(tx, plan_id, None)
            tx.run(cy.DELETE_DOCUMENT, plan_id=plan_id).consume()
            return True

        return self._write(work)

    # ---- reading --------------------------------------------------------------------------------------------
    def get_node(self, node_id: str) -> Node | None:
        rows = self._read(cy.GET_NODE, id=node_id)
        return _node(rows[0]) if rows else None

    def find_nodes(self, label: str, **props: Any) -> list[Node]:
        """Equality is decided in Python on the JSON props (as sqlite does); one string-valued copied key,
        when given, narrows the candidates through its index first."""
        if label not in NODE_LABELS:
            return []
        key = next((k for k, v in props.items() if k in cy.NODE_KEYS[label] and isinstance(v, str)), None)
        rows = self._read(cy.find_nodes(label, key), value=props[key] if key else None)
        nodes = [_node(r) for r in rows]
        return sorted((n for n in nodes if all(n.props.get(k) == v for k, v in props.items())),
                      key=lambda n: n.id)

    def edges(self, type: str | None = None, source: str | None = None, target: str | None = None) -> list[Edge]:
        if type is not None and type not in EDGE_TYPES:
            return []
        rows = self._read(cy.edges(type, source is not None, target is not None), source=source, target=target)
        return sorted((_edge(r) for r in rows), key=lambda e: e.id)

    def document_graph(self, plan_id: str) -> tuple[list[Node], list[Edge]]:
        owned = [_node(r) for r in self._read(cy.DOCUMENT_NODES, doc=plan_id)]
        rows = self._read(cy.DOCUMENT_EDGES, doc=plan_id)
        edges = {r["id"]: _edge(r) for r in rows}
        nodes = {n.id: n for n in owned}
        for r in rows:
            if r["other_id"] not in nodes:
                nodes[r["other_id"]] = _node({"id": r["other_id"], "label": r["other_label"],
                                              "doc": r["other_doc"], "props_json": r["other_props_json"]})
        return sorted(nodes.values(), key=lambda n: n.id), sorted(edges.values(), key=lambda e: e.id)

    def get_nodes(self, node_ids: Iterable[str], outline: bool = False) -> dict[str, Node]:
        nodes = {r["id"]: _node(r) for r in self._read(cy.GET_NODES, ids=sorted(set(node_ids)))}
        return {i: n.model_copy(update={"props": store_outline(n.props)}) for i, n in nodes.items()} if outline else nodes

    def _cascade_hop(self, frontier: list[str], direction: Direction, links: LinkFilter) -> list[Edge]:
        """One Cypher query per hop over the whole frontier (``Store.cascade_links`` walks the hops)."""
        query = cy.CASCADE_HOP_DOWN if direction == "down" else cy.CASCADE_HOP_UP
        rows = self._read(query, frontier=frontier, scope=links.scope, status=links.status,
                          min_score=links.min_score)
        return [_edge(r) for r in rows]

    def measure_context(self, measure_ids: Iterable[str]) -> tuple[list[Node], list[Edge]]:
        ids = sorted(set(measure_ids))
        nodes = self.get_nodes(ids)
        edges: dict[str, Edge] = {}
        for r in self._read(cy.MEASURE_CONTEXT, ids=ids):
            edges.setdefault(r["id"], _edge(r))
            if r["other_id"] not in nodes:
                nodes[r["other_id"]] = _node({"id": r["other_id"], "label": r["other_label"],
                                              "doc": r["other_doc"], "props_json": r["other_props_json"]})
        return sorted(nodes.values(), key=lambda n: n.id), sorted(edges.values(), key=lambda e: e.id)

    def search_text(self, terms: list[str], kinds: Sequence[str] | None = None, limit: int = 2000) -> list[Node]:
        """From the ``node_search`` full-text index, each CJK segment as a phrase (its bigrams in a row); other
        segments are left to the caller's check, because the analyzer tokenizes Latin and digits as words."""
        segs = [s for s in segments(terms) if is_cjk(s)]
        if not segs:
            return super().search_text(terms, kinds, limit)
        query = " AND ".join(f'"{s}"' for s in segs)  # CJK ideographs only: nothing to escape
        labels = [KINDS[k] for k in kinds if k in KINDS] if kinds else None
        return [_node(r) for r in self._read(cy.SEARCH, text=query, labels=labels, limit=limit)]

    def plan_statistics(self) -> dict[str, dict[str, int]]:
        out = {p: {"section": 0, "item": 0, "task": 0, "links_up": 0, "links_down": 0} for p in self.document_hashes()}
        for r in self._read(cy.MEASURES_BY_PLAN_KIND):
            if r["plan"] in out and r["kind"] in out[r["plan"]]:
                out[r["plan"]][r["kind"]] = r["n"]
        for r in self._read(cy.LINKS_BY_PLAN_PAIR):
            if r["source"] in out and r["target"] in out:
                out[r["source"]]["links_up"] += r["n"]
                out[r["target"]]["links_down"] += r["n"]
        return out

    def role_counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for r in self._read(cy.ROLES_BY_AGENCY):
            out.setdefault(r["agency"], {})[r["role"]] = r["n"]
        return out

    def link_page(self, status: str | None = None, plan: str | None = None, after: str | None = None,
                  limit: int = 50) -> tuple[list[Edge], int]:
        if plan is not None:
            page, count = cy.PLAN_LINK_PAGE, cy.PLAN_LINK_COUNT
        elif status is not None:
            page, count = cy.STATUS_LINK_PAGE, cy.STATUS_LINK_COUNT
        else:
            page, count = cy.LINK_PAGE, cy.LINK_COUNT
        edges = [_edge(r) for r in self._read(page, status=status, plan=plan, after=after, limit=limit)]
        return edges, int(self._read(count, status=status, plan=plan)[0]["n"])

    def get_edge(self, edge_id: str) -> Edge | None:
        rows = self._read(cy.get_edge(), id=edge_id)
        return _edge(rows[0]) if rows else None

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {"nodes": {lab: 0 for lab in NODE_LABELS},
                                          "edges": {t: 0 for t in EDGE_TYPES}}
        for r in self._read(cy.counts()):
            out[r["kind"]][r["name"]] = r["n"]
        return out

    # ---- links and reviews ----------------------------------------------------------------------------------
    def replace_inferred_links(self, source_plans: Iterable[str], target_plans: Iterable[str],
                               links: list[Edge], versions: Mapping[str, str] | None = None) -> int:
        sources, targets = list(source_plans), list(target_plans)

        def work(tx: neo4j.ManagedTransaction) -> int:
            tx.run(cy.DELETE_INFERRED_LINKS, sources=sources, targets=targets).consume()
            link_sources = sorted({e.source for e in links})
            reviewed = {(r["source"], r["target"]) for r in tx.run(cy.REVIEWED_PAIRS_FROM, sources=link_sources)}
            log = [ReviewRecord(**r.data()) for r in tx.run(cy.REVIEWS_FROM, sources=link_sources)]
            new = apply_review_log(links, log, reviewed)
            _upsert_edges(tx, new, what="links")
            if versions is not None:
                rows = [{"source": s, "target": t, "source_hash": versions[s], "target_hash": versions[t]}
                        for s in sources for t in targets]
                tx.run(cy.RECORD_ALIGNED, rows=rows).consume()
            return len(new)

        return self._write(work)

    def aligned_versions(self) -> dict[tuple[str, str], AlignedVersions]:
        return {(r["source"], r["target"]): AlignedVersions(r["source_hash"], r["target_hash"])
                for r in self._read(cy.ALIGNED_PAIRS)}

    def put_link(self, link: Edge) -> None:
        self._write(lambda tx: _put_link(tx, link))

    def put_reviewed_link(self, link: Edge, record: ReviewRecord) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            _put_link(tx, link)
            _append_review(tx, record)

        self._write(work)

    def append_review(self, record: ReviewRecord) -> None:
        self._write(lambda tx: _append_review(tx, record))

    def reviews(self) -> list[ReviewRecord]:
        return [ReviewRecord(**r) for r in self._read(cy.ALL_REVIEWS)]

    def clear(self) -> None:
        """Delete every node, edge, document record and review (tests start from an empty server)."""
        self._write(lambda tx: tx.run(cy.CLEAR).consume())

    def close(self) -> None:
        self.driver.close()


# ---- transaction steps -------------------------------------------------------------------------------------
def _versioned(tx: neo4j.ManagedTransaction, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
    """Run ``work`` and bump the graph's version in the same transaction (upgrading older data first)."""
    row = tx.run(cy.GET_SCHEMA_VERSION).single()
    if row is None or row["value"] != cy.SCHEMA_VERSION:
        if row is None or row["value"] < 2:
            for q in cy.UPGRADE_FROM_1:
                tx.run(q).consume()
        if row is None or row["value"] < 4:
            tx.run(cy.UPGRADE_PLAN_LINKS).consume()
            _upgrade_fields(tx)
        tx.run(cy.SET_SCHEMA_VERSION, value=cy.SCHEMA_VERSION).consume()
    result = work(tx)
    tx.run(cy.BUMP_VERSION).consume()
    return result


def _upgrade_fields(tx: neo4j.ManagedTransaction, batch: int = 5000) -> None:
    """Schemas 3 and 4: every node and edge gets its fields as real properties, worked out from its props_json,
    and every measure its ``searched`` text (the full-text index reads it)."""
    def rewrite(query: str, rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), batch):
            tx.run(query, rows=rows[i : i + batch]).consume()

    def of(records: Any) -> list[dict[str, Any]]:
        return [{"id": r["id"], "fields": fields(r["id"], r["doc"], parse_json(r["props_json"] or "{}"))}
                for r in records]

    nodes = list(tx.run(cy.NODES_JSON))
    measures = with_searched([{**parse_json(r["props_json"] or "{}"), "id": r["id"]} for r in nodes
                              if r["label"] == "Measure"])
    searched = {m["id"]: m["searched"] for m in measures}
    rows = []
    for r in nodes:
        props = parse_json(r["props_json"] or "{}")
        if r["id"] in searched:
            props["searched"] = searched[r["id"]]
        rows.append({"id": r["id"], "fields": fields(r["id"], r["doc"], props)})
    rewrite(cy.REWRITE_NODES, rows)
    for t in EDGE_TYPES:
        rewrite(cy.rewrite_edges(t), of(list(tx.run(cy.edges_json(t)))))


def _drop_owned(tx: neo4j.ManagedTransaction, plan_id: str, keep: list[str]) -> set[str]:
    """Delete what a document owns, except nodes it still has (``keep``) and DERIVES_FROM links; return the
    ends of the dropped edges, the shared nodes that may now be orphans."""
    touched: set[str] = set()
    for t in EDGE_TYPES:
        if t not in cy.LINK_TYPES:
            row = tx.run(cy.delete_owned_edges(t), doc=plan_id).single()
            touched.update(row["ends"] if row else [])
    tx.run(cy.DELETE_OWNED_NODES_EXCEPT, doc=plan_id, keep=keep).consume()
    return touched


def _replace_document(tx: neo4j.ManagedTransaction, plan_id: str, fragment: Fragment | None) -> None:
    """Drop what ``plan_id`` owns and its owner records, then write ``fragment`` (None: delete).

    Shared facts are rewritten from their remaining owners (each shows its first owner's version by plan id)
    or removed with their last owner, so the store ends as if the document had never been loaded.
    """
    nodes = fragment.nodes if fragment else []
    edges = fragment.edges if fragment else []
    keep = [n.id for n in nodes if n.doc == plan_id]
    touched = _drop_owned(tx, plan_id, keep)
    released = {r["item"]: (r["kind"], r["label"]) for r in tx.run(cy.RELEASE_OWNED, doc=plan_id)}
    shared_nodes = [n for n in nodes if n.doc is None]
    shared_edges = [e for e in edges if e.doc is None]
    rows = ([{"item": n.id, "kind": "node", "label": n.label, "source": None, "target": None,
              "props_json": canonical_json(n.props)} for n in shared_nodes]
            + [{"item": e.id, "kind": "edge", "label": e.type, "source": e.source, "target": e.target,
                "props_json": canonical_json(e.props)} for e in shared_edges])
    if rows:
        tx.run(cy.ADD_OWNERS, rows=rows, doc=plan_id).consume()
    affected = sorted(set(released) | {str(r["item"]) for r in rows})
    visible_nodes: list[Node] = [n for n in nodes if n.doc is not None]
    visible_edges: list[Edge] = [e for e in edges if e.doc is not None]
    gone: list[str] = []
    for r in tx.run(cy.FIRST_OWNERS, ids=affected):
        if r["kind"] is None:
            gone.append(r["id"])
        elif r["kind"] == "node":
            visible_nodes.append(Node(id=r["id"], label=r["label"], doc=None, props=parse_json(r["props_json"])))
        else:
            visible_edges.append(Edge(id=r["id"], type=r["label"], source=r["source"], target=r["target"],
                                      doc=None, props=parse_json(r["props_json"])))
    _upsert_nodes(tx, visible_nodes)
    _upsert_edges(tx, visible_edges, what=f"plan {plan_id}")
    gone_edges: dict[str, list[str]] = {}
    for item in gone:
        kind, label_ = released.get(item, ("node", ""))
        if kind == "edge":
            gone_edges.setdefault(label_, []).append(item)
    for type_, ids in gone_edges.items():
        tx.run(cy.delete_edges_by_id(type_), ids=ids).consume()
    tx.run(cy.DELETE_ORPHANS, ids=sorted(touched | set(gone))).consume()
    tx.run(cy.FORGET_ALIGNED, plan_id=plan_id).consume()


def _put_link(tx: neo4j.ManagedTransaction, link: Edge) -> None:
    tx.run(cy.delete_edges_by_id(link.type), ids=[link.id]).consume()
    _upsert_edges(tx, [link], what="link")


def _append_review(tx: neo4j.ManagedTransaction, record: ReviewRecord) -> None:
    tx.run(cy.APPEND_REVIEW, source=record.source, target=record.target, decision=record.decision,
           reviewer=record.reviewer, at=record.at, note=record.note).consume()


def _upsert_nodes(tx: neo4j.ManagedTransaction, nodes: list[Node]) -> None:
    for lab in NODE_LABELS:
        rows = [{"id": n.id, "fields": fields(n.id, n.doc, n.props)} for n in nodes if n.label == lab]
        if rows:
            tx.run(cy.upsert_nodes(lab), rows=rows).consume()


def _upsert_edges(tx: neo4j.ManagedTransaction, edges: list[Edge], what: str) -> None:
    """Write edges per type; an edge whose end node is not stored aborts the whole transaction."""
    for t in EDGE_TYPES:
        rows = [{"id": e.id, "source": e.source, "target": e.target, "fields": fields(e.id, e.doc, e.props)}
                for e in edges if e.type == t]
        if not rows:
            continue
        row = tx.run(cy.upsert_edges(t), rows=rows).single()
        written = row["n"] if row else 0
        if written < len(rows):
            ends = sorted({x for e in edges if e.type == t for x in (e.source, e.target)})
            got = tx.run(cy.EXISTING_IDS, ids=ends).single()
            missing = [i for i in ends if i not in set(got["found"] if got else [])]
            raise NotFound(f"{what}: {len(rows) - written} {t} edge(s) point at nodes that are not stored "
                           f"({', '.join(missing[:5])}): an edge needs both of its ends")


# ---- conversions ---------------------------------------------------------------------------------------------
#: Property names the storage model uses itself; a field of the same name stays in props_json only.
_RESERVED = frozenset({"id", "doc", "props_json"})
_INT64 = range(-(2**63), 2**63)


def fields(item_id: str, doc: str | None, props: dict[str, Any]) -> dict[str, Any]:
    """The property map stored for a node or an edge: its id, owner and props_json, and every field as a real
    property. Neo4j stores scalars and lists of one scalar type; anything else (a dict such as a link's
    evidence, a list of dicts, a mixed list) goes in as canonical JSON under ``<key>_json``. None is no
    property at all."""
    out: dict[str, Any] = {"id": item_id, "doc": doc, "props_json": canonical_json(props)}
    for k, v in props.items():
        if k in _RESERVED or v is None:
            continue
        if _storable(v):
            out[k] = v
        elif isinstance(v, list) and _storable_list(v):
            out[k] = v
        else:
            out[f"{k}_json"] = canonical_json(v)
    return out


def _storable(v: Any) -> bool:
    return isinstance(v, (str, bool, float)) or (isinstance(v, int) and v in _INT64)


def _storable_list(v: list[Any]) -> bool:
    """A list Neo4j can hold as a property: every element a storable scalar of one type (bool is not int)."""
    kinds = {type(x) for x in v}
    return len(kinds) <= 1 and all(_storable(x) for x in v)


def _node(r: dict[str, Any]) -> Node:
    return Node(id=r["id"], label=r["label"], doc=r["doc"], props=parse_json(r["props_json"]))


def _edge(r: dict[str, Any]) -> Edge:
    return Edge(id=r["id"], type=r["type"], source=r["source"], target=r["target"], doc=r["doc"],
                props=parse_json(r["props_json"]))


@contextmanager
def _errors(context: str) -> Iterator[None]:
    """Driver and server failures become StoreError, the one error the CLI and API report for stores."""
    try:
        yield
    except (Neo4jError, DriverError, OSError) as exc:
        raise StoreError(f"{context}: {exc}") from exc


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
