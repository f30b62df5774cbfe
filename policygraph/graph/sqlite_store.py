"""The embedded store: a networkx graph in memory over a SQLite file that is the source of truth.

Why both: SQLite gives atomic, crash-safe writes with nothing to install (WAL mode; a killed load rolls
back), networkx gives fast traversals. Every write goes to SQLite in one ``BEGIN IMMEDIATE`` transaction
first and is applied to the in-memory graph only after the commit, so the two never disagree. Another
process writing the same file is noticed through ``PRAGMA data_version`` and the graph is rebuilt — also
when that commit happened while this process waited for the write lock (the version is checked again once
the lock is held). Two writers: the second waits up to ``busy_timeout`` for the first, then fails with a
StoreError. Opening never writes: the schema is created only in a new file, and an older file's schema is
upgraded by its first write, so readers never wait for a writer.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import networkx as nx

from policygraph.errors import NotFound, StoreError
from policygraph.graph import sqlite_sql as sql
from policygraph.graph.model import EDGE_TYPES, NODE_LABELS, Edge, Fragment, Node, canonical_json
from policygraph.graph.store import (
    CONCURRENT_READERS, PERSISTENT, TRANSACTIONS, VERSIONED, AlignedVersions, ReviewRecord, Store, WriteResult,
    WriteStatus, apply_review_log,
)


class SqliteStore(Store):
    """``sqlite:///path/graph.db`` — the default store."""

    name = "sqlite"
    capabilities = frozenset({TRANSACTIONS, PERSISTENT, CONCURRENT_READERS, VERSIONED})

    def __init__(self, path: str | Path, busy_timeout_s: float = 30.0, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"{self.path}: no such graph database; check --store, or create it with "
                             f"`policygraph load FILES --store sqlite:///{self.path}`")
        try:
            self.db = sqlite3.connect(str(self.path), timeout=busy_timeout_s, isolation_level=None,
                                      check_same_thread=False)
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._schema = self._schema_version()
            if self._schema is None:
                if not create:
                    raise StoreError(f"{self.path}: not a PolicyGraph graph database (no graph tables); check "
                                     "--store")
                self._create_schema()
        except sqlite3.Error as exc:
            self.db.close()
            raise StoreError(f"{self.path}: cannot open the graph database ({exc})") from exc
        except StoreError:
            self.db.close()
            raise
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._by_label: dict[str, set[str]] = defaultdict(set)
        self._by_doc: dict[str | None, set[str]] | None = None  # owning plan → its nodes, built on first use
        self._by_type: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
        self._version = -1
        self._writes = 0  # our own commits: data_version only counts other connections'
        self._refresh()

    def _schema_version(self) -> str | None:
        """The file's schema version, None for a file without our tables (reading only: no lock taken)."""
        if not self.db.execute(sql.HAS_TABLE, ("nodes",)).fetchone():
            return None
        if not self.db.execute(sql.HAS_TABLE, ("meta",)).fetchone():
            return "1"
        row = self.db.execute(sql.GET_META, ("schema_version",)).fetchone()
        return str(row[0]) if row else "1"

    def _create_schema(self) -> None:
        """A new file: WAL mode and every table, in one write (the only write an open ever makes)."""
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if self._schema_version() is None:  # another process may have created it meanwhile
                for statement in sql.SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(sql.SET_META, ("schema_version", sql.SCHEMA_VERSION))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._schema = self._schema_version()

    def _upgrade(self, db: sqlite3.Connection) -> None:
        """Bring an older file to the current schema inside the caller's write transaction."""
        current = self._schema_version()
        if current == sql.SCHEMA_VERSION:
            self._schema = current
            return
        for statement in sql.SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        if current == "1":
            for statement in sql.UPGRADE_FROM_1:
                db.execute(statement)
        db.execute(sql.SET_META, ("schema_version", sql.SCHEMA_VERSION))
        self._schema = sql.SCHEMA_VERSION
        self._version = -1
        self._refresh()  # the upgrade changed rows the in-memory graph holds

    @classmethod
    def from_url(cls, url: str, create: bool = True) -> SqliteStore:
        path = url.split("://", 1)[1]
        if path.startswith("/") and not path.startswith("//"):
            path = path[1:]  # sqlite:///graph.db is relative, sqlite:////abs/graph.db absolute
        elif path.startswith("//"):
            path = path[1:]
        if not path:
            raise StoreError(f"{url}: give a file, e.g. sqlite:///policygraph.db")
        return cls(path, create=create)

    # ---- keeping memory in step -------------------------------------------------------------------
    def _refresh(self) -> None:
        """Rebuild the in-memory graph when the file changed under us (or at start)."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._version:
            return
        g: nx.MultiDiGraph = nx.MultiDiGraph()
        by_label: dict[str, set[str]] = defaultdict(set)
        by_type: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
        # Built straight into networkx's adjacency dicts (the layout MultiDiGraph.add_edge produces: one key
        # dict shared by _succ[u][v] and _pred[v][u]) because add_edges_from's per-edge checks made opening
        # a national-scale store (1.3M edges) take minutes. Properties stay JSON text until first read.
        node, succ, pred = g._node, g._succ, g._pred
        for nid, label, doc, raw in self.db.execute(sql.ALL_NODES):
            node[nid] = {"label": label, "doc": doc, "raw": raw}
            succ[nid] = {}
            pred[nid] = {}
            by_label[label].add(nid)
        for eid, type_, src, dst, doc, raw in self.db.execute(sql.ALL_EDGES):
            for end in (src, dst):
                if end not in node:  # cannot happen through this store; tolerate a hand-edited file
                    node[end], succ[end], pred[end] = {}, {}, {}
            keydict = succ[src].get(dst)
            if keydict is None:
                keydict = succ[src][dst] = {}
                pred[dst][src] = keydict
            keydict[eid] = {"type": type_, "doc": doc, "raw": raw}
            by_type[type_][eid] = (src, dst)
        self._by_label, self._by_type, self._by_doc = by_label, by_type, None
        self.graph = g
        self._version = version

    def _mem_add_node(self, n: Node) -> None:
        if n.id in self.graph:
            self._by_label[self.graph.nodes[n.id].get("label", "")].discard(n.id)
            if self._by_doc is not None:
                self._by_doc[self.graph.nodes[n.id].get("doc")].discard(n.id)
        self.graph.add_node(n.id, label=n.label, doc=n.doc, props=dict(n.props), raw=None)
        self._by_label[n.label].add(n.id)
        if self._by_doc is not None:
            self._by_doc[n.doc].add(n.id)

    def _mem_add_edge(self, e: Edge) -> None:
        self.graph.add_edge(e.source, e.target, key=e.id, type=e.type, doc=e.doc, props=dict(e.props), raw=None)
        self._by_type[e.type][e.id] = (e.source, e.target)

    def _mem_remove_edge(self, eid: str) -> None:
        for edges in self._by_type.values():
            ends = edges.pop(eid, None)
            if ends is not None:
                if self.graph.has_edge(*ends, key=eid):
                    self.graph.remove_edge(*ends, key=eid)
                return

    def _mem_remove_node(self, nid: str) -> None:
        if nid in self.graph:
            for _, _, eid in list(self.graph.in_edges(nid, keys=True)) + list(self.graph.out_edges(nid, keys=True)):
                self._mem_remove_edge(eid)
            self._by_label[self.graph.nodes[nid].get("label", "")].discard(nid)
            if self._by_doc is not None:
                self._by_doc[self.graph.nodes[nid].get("doc")].discard(nid)
            self.graph.remove_node(nid)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction; the in-memory graph is rebuilt if anything goes wrong.

        Another process may commit while this one waits in BEGIN IMMEDIATE: the version is checked again
        once the lock is held, so that commit is read before this one builds on it (taking its
        ``data_version`` as ours would leave this process serving the graph without it, for good).
        """
        self._refresh()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: the graph database is busy (another load is running?): {exc}") from exc
        try:
            self._refresh()
            if self._schema != sql.SCHEMA_VERSION:
                self._upgrade(self.db)
            yield self.db
            self.db.execute("COMMIT")
        except BaseException as exc:
            self.db.execute("ROLLBACK")
            self._version = -1
            self._refresh()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.path}: the write failed and was rolled back ({exc})") from exc
            raise
        # Our own commit bumps nothing in data_version for this connection; remember it as current.
        self._version = self.db.execute("PRAGMA data_version").fetchone()[0]
        self._writes += 1

    def version(self) -> str | None:
        self._refresh()
        return f"{self._version}.{self._writes}"

    # ---- documents ----------------------------------------------------------------------------------
    def document_hash(self, plan_id: str) -> str | None:
        row = self.db.execute(sql.DOCUMENT_HASH, (plan_id,)).fetchone()
        return row[0] if row else None

    def document_hashes(self) -> dict[str, str]:
        return dict(self.db.execute(sql.ALL_DOCUMENT_HASHES).fetchall())

    def write_fragment(self, fragment: Fragment) -> WriteResult:
        with self._write() as db:
            old = db.execute(sql.DOCUMENT_HASH, (fragment.plan_id,)).fetchone()
            if old and old[0] == fragment.content_hash:
                return WriteResult(fragment.plan_id, "unchanged", 0, 0)
            change = self._replace_document(db, fragment.plan_id, fragment)
            db.execute(sql.UPSERT_DOCUMENT, (fragment.plan_id, fragment.content_hash, _now()))
        change.apply(self)
        status: WriteStatus = "replaced" if old else "added"
        return WriteResult(fragment.plan_id, status, len(fragment.nodes), len(fragment.edges))

    def delete_document(self, plan_id: str) -> bool:
        with self._write() as db:
            if not db.execute(sql.DOCUMENT_HASH, (plan_id,)).fetchone():
                return False
            change = self._replace_document(db, plan_id, None)
            db.execute(sql.DELETE_DOCUMENT, (plan_id,))
        change.apply(self)
        return True

    def _replace_document(self, db: sqlite3.Connection, plan_id: str, fragment: Fragment | None) -> _Change:
        """Drop what ``plan_id`` owns and its owner records, then write ``fragment`` (None: delete).

        Shared facts are rewritten from their remaining owners, so they end up exactly as the other
        documents state them; links touching a measure the new version no longer has go with it.
        """
        change = _Change()
        removed_nodes, change.removed_edges, touched = self._drop_owned(db, plan_id)
        released = {r[0] for r in db.execute(sql.RELEASE_OWNED, (plan_id,)).fetchall()}
        nodes = fragment.nodes if fragment else []
        edges = fragment.edges if fragment else []
        shared_nodes = [n for n in nodes if n.doc is None]
        shared_edges = [e for e in edges if e.doc is None]
        db.executemany(sql.ADD_OWNER, [(n.id, plan_id, "node", n.label, None, None, canonical_json(n.props))
                                       for n in shared_nodes])
        db.executemany(sql.ADD_OWNER, [(e.id, plan_id, "edge", e.type, e.source, e.target, canonical_json(e.props))
                                       for e in shared_edges])
        owned_nodes = [n for n in nodes if n.doc is not None]
        db.executemany(sql.UPSERT_NODE, [(n.id, n.label, n.doc, canonical_json(n.props)) for n in owned_nodes])
        change.nodes = list(owned_nodes)
        # Shared facts this document states or stated: each shows its first owner's version, or goes.
        gone_shared: list[str] = []
        for item in sorted(released | {n.id for n in shared_nodes} | {e.id for e in shared_edges}):
            first = db.execute(sql.FIRST_OWNER, (item,)).fetchone()
            if first is None:
                gone_shared.append(item)
                continue
            kind, label, source, target, raw = first
            if kind == "node":
                db.execute(sql.UPSERT_NODE, (item, label, None, raw))
                change.nodes.append(Node.model_construct(id=item, label=label, doc=None, props=json.loads(raw)))
            else:
                db.execute(sql.UPSERT_EDGE, (item, label, source, target, None, raw))
                change.edges.append(Edge.model_construct(id=item, type=label, source=source, target=target,
                                                         doc=None, props=json.loads(raw)))
        own = {n.id for n in nodes}
        self._require_nodes(db, {x for e in edges for x in (e.source, e.target)} - own)
        owned_edges = [e for e in edges if e.doc is not None]
        db.executemany(sql.UPSERT_EDGE, [(e.id, e.type, e.source, e.target, e.doc, canonical_json(e.props))
                                         for e in owned_edges])
        change.edges += owned_edges
        # Shared edges without owners go first, so that shared nodes they touched can become orphans.
        gone_edges = [i for i in gone_shared if db.execute(sql.EDGE_BY_ID, (i,)).fetchone()]
        db.executemany(sql.DELETE_EDGE, [(i,) for i in gone_edges])
        dangling = self._dangling(db, removed_nodes)
        db.executemany(sql.DELETE_EDGE, [(d,) for d in dangling])
        change.removed_edges += gone_edges + dangling
        orphans = self._orphans(db, touched | set(gone_shared) - set(gone_edges))
        db.executemany(sql.DELETE_NODE, [(o,) for o in orphans])
        kept = {n.id for n in change.nodes}
        # A node the new version still has stays in memory (and is updated): removing it would also drop
        # its DERIVES_FROM links from memory although they survive in the file.
        change.removed_nodes = [n for n in removed_nodes + orphans if n not in kept]
        db.execute(sql.FORGET_ALIGNED, (plan_id, plan_id))
        return change

    def _drop_owned(self, db: sqlite3.Connection, plan_id: str) -> tuple[list[str], list[str], set[str]]:
        """Delete what a document owns; return removed node ids, edge ids and the shared nodes they touched."""
        nodes = [r[0] for r in db.execute(sql.OWNED_NODE_IDS, (plan_id,))]
        rows = db.execute(sql.OWNED_EDGE_ROWS, (plan_id,)).fetchall()
        touched = {r[1] for r in rows} | {r[2] for r in rows}
        db.execute(sql.DELETE_OWNED_EDGES, (plan_id,))
        db.execute(sql.DELETE_OWNED_NODES, (plan_id,))
        return nodes, [r[0] for r in rows], touched

    @staticmethod
    def _require_nodes(db: sqlite3.Connection, ids: Iterable[str]) -> None:
        """Edges may only join existing nodes (Neo4j cannot store anything else, so neither do we)."""
        missing = sorted({i for i in ids if not db.execute(sql.NODE_EXISTS, (i,)).fetchone()})
        if missing:
            raise NotFound(f"no node with id {', '.join(missing[:5])}: an edge needs both of its ends")

    @staticmethod
    def _dangling(db: sqlite3.Connection, removed: list[str]) -> list[str]:
        """Links touching a removed node that the new version did not bring back (its text changed)."""
        gone = [n for n in removed if not db.execute(sql.NODE_EXISTS, (n,)).fetchone()]
        return sorted({r[0] for n in gone for r in db.execute(sql.LINKS_TOUCHING, (n, n))})

    @staticmethod
    def _orphans(db: sqlite3.Connection, candidates: Iterable[str]) -> list[str]:
        return sorted(c for c in candidates if db.execute(sql.IS_ORPHAN_SHARED, (c,)).fetchone())

    # ---- reading ------------------------------------------------------------------------------------
    # Nodes and edges read back were validated when written; model_construct skips validating them again,
    # which was most of the cost of a first query on a national-scale store.
    def get_node(self, node_id: str) -> Node | None:
        self._refresh()
        data = self.graph.nodes.get(node_id)
        if not data or "label" not in data:
            return None
        return Node.model_construct(id=node_id, label=data["label"], doc=data["doc"], props=_props(data))

    def _doc_index(self) -> dict[str | None, set[str]]:
        """Owner → node ids, built at the first query that needs it (opening the store stays cheap)."""
        if self._by_doc is None:
            index: dict[str | None, set[str]] = defaultdict(set)
            for nid, data in self.graph.nodes(data=True):
                index[data.get("doc")].add(nid)
            self._by_doc = index
        return self._by_doc

    def find_nodes(self, label: str, **props: Any) -> list[Node]:
        self._refresh()
        out = []
        candidates = self._by_label.get(label, set())
        if "plan_id" in props:
            # Nodes that carry a plan_id are owned by that plan (graph.model), so the owner index narrows
            # "the measures of this plan" from every measure in the graph to the plan's own.
            candidates = candidates & self._doc_index().get(props["plan_id"], set())
        for nid in sorted(candidates):
            data = self.graph.nodes[nid]
            p = _props(data)
            if all(p.get(k) == v for k, v in props.items()):
                out.append(Node.model_construct(id=nid, label=data["label"], doc=data["doc"], props=p))
        return out

    def edges(self, type: str | None = None, source: str | None = None, target: str | None = None) -> list[Edge]:
        self._refresh()
        g = self.graph
        if source is not None:
            triples = g.out_edges(source, keys=True, data=True) if source in g else []
        elif target is not None:
            triples = g.in_edges(target, keys=True, data=True) if target in g else []
        else:
            types = [type] if type else list(self._by_type)
            triples = [(u, v, k, g.edges[u, v, k]) for t in types for k, (u, v) in self._by_type.get(t, {}).items()]
        out = [Edge.model_construct(id=k, type=d["type"], source=u, target=v, doc=d["doc"], props=_props(d))
               for u, v, k, d in triples
               if (type is None or d["type"] == type) and (target is None or v == target)]
        return sorted(out, key=lambda e: e.id)

    def document_graph(self, plan_id: str) -> tuple[list[Node], list[Edge]]:
        self._refresh()
        g = self.graph
        owned = self._doc_index().get(plan_id, set())
        edges: dict[str, Edge] = {}
        reached = set(owned)
        for nid in owned:
            for u, v, k, d in (*g.out_edges(nid, keys=True, data=True), *g.in_edges(nid, keys=True, data=True)):
                if d["type"] != "DERIVES_FROM" and k not in edges:
                    edges[k] = Edge.model_construct(id=k, type=d["type"], source=u, target=v, doc=d["doc"],
                                                    props=_props(d))
                    reached.update((u, v))
        nodes = [n for nid in sorted(reached) if (n := self.get_node(nid)) is not None]
        return nodes, sorted(edges.values(), key=lambda e: e.id)

    def get_edge(self, edge_id: str) -> Edge | None:
        self._refresh()
        for edges in self._by_type.values():
            ends = edges.get(edge_id)
            if ends is not None:
                d = self.graph.edges[ends[0], ends[1], edge_id]
                return Edge.model_construct(id=edge_id, type=d["type"], source=ends[0], target=ends[1],
                                            doc=d["doc"], props=_props(d))
        return None

    def counts(self) -> dict[str, dict[str, int]]:
        self._refresh()
        return {"nodes": {lab: len(self._by_label.get(lab, ())) for lab in NODE_LABELS},
                "edges": {t: len(self._by_type.get(t, {})) for t in EDGE_TYPES}}

    # ---- links and reviews -------------------------------------------------------------------------
    def replace_inferred_links(self, source_plans: Iterable[str], target_plans: Iterable[str],
                               links: list[Edge], versions: Mapping[str, str] | None = None) -> int:
        sources, targets = list(source_plans), list(target_plans)
        with self._write() as db:
            old = [r[0] for s in sources for t in targets for r in db.execute(sql.INFERRED_LINKS_FROM, (s, t))]
            db.executemany(sql.DELETE_EDGE, [(o,) for o in old])
            link_sources = json.dumps(sorted({e.source for e in links}))
            reviewed = {(r[0], r[1]) for r in db.execute(sql.REVIEWED_PAIRS_FROM, (link_sources,))}
            log = [ReviewRecord(*row) for row in db.execute(sql.REVIEWS_FROM, (link_sources,))]
            new = apply_review_log(links, log, reviewed)
            db.executemany(sql.UPSERT_EDGE, [(e.id, e.type, e.source, e.target, e.doc, canonical_json(e.props))
                                            for e in new])
            if versions is not None:
                db.executemany(sql.RECORD_ALIGNED, [(s, t, versions[s], versions[t]) for s in sources
                                                    for t in targets])
        for eid in old:
            self._mem_remove_edge(eid)
        for e in new:
            self._mem_remove_edge(e.id)
            self._mem_add_edge(e)
        return len(new)

    def aligned_versions(self) -> dict[tuple[str, str], AlignedVersions]:
        if self._schema == "1" and not self.db.execute(sql.HAS_TABLE, ("alignments",)).fetchone():
            return {}
        return {(s, t): AlignedVersions(sh, th) for s, t, sh, th in self.db.execute(sql.ALIGNED_PAIRS)}

    def put_link(self, link: Edge) -> None:
        with self._write() as db:
            self._put_link(db, link)
        self._mem_remove_edge(link.id)
        self._mem_add_edge(link)

    def put_reviewed_link(self, link: Edge, record: ReviewRecord) -> None:
        with self._write() as db:
            self._put_link(db, link)
            self._append_review(db, record)
        self._mem_remove_edge(link.id)
        self._mem_add_edge(link)

    def _put_link(self, db: sqlite3.Connection, link: Edge) -> None:
        self._require_nodes(db, [link.source, link.target])
        db.execute(sql.UPSERT_EDGE, (link.id, link.type, link.source, link.target, link.doc,
                                     canonical_json(link.props)))

    @staticmethod
    def _append_review(db: sqlite3.Connection, record: ReviewRecord) -> None:
        db.execute(sql.APPEND_REVIEW, (record.source, record.target, record.decision, record.reviewer,
                                       record.at, record.note))

    def append_review(self, record: ReviewRecord) -> None:
        with self._write() as db:
            self._append_review(db, record)

    def reviews(self) -> list[ReviewRecord]:
        return [ReviewRecord(*row) for row in self.db.execute(sql.ALL_REVIEWS)]

    def close(self) -> None:
        self.db.close()


def _props(data: dict[str, Any]) -> dict[str, Any]:
    """Decode a node's or edge's properties on first use and keep the result."""
    props = data.get("props")
    if props is None:
        props = data["props"] = json.loads(data["raw"])
        data["raw"] = None
    return props


class _Change:
    """What a document write did to the file, applied to the in-memory graph after the commit."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.removed_nodes: list[str] = []
        self.removed_edges: list[str] = []

    def apply(self, store: SqliteStore) -> None:
        for eid in self.removed_edges:
            store._mem_remove_edge(eid)
        for nid in self.removed_nodes:
            store._mem_remove_node(nid)
        for n in self.nodes:
            store._mem_add_node(n)
        for e in self.edges:
            store._mem_remove_edge(e.id)
            store._mem_add_edge(e)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
