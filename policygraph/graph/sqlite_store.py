"""The embedded store: one SQLite file, read and written with SQL only.

Why SQLite: atomic, crash-safe writes with nothing to install (WAL mode; a killed load rolls back), readers
that never wait for a writer, and indexes that answer "the edges of this node" in microseconds. There is no
in-memory mirror of the graph: rebuilding one made a fresh process spend 25 s and 15 GB before its first
answer at national scale, so every read is a query against indexed tables and opening costs the same at any
size. Two writers: the second waits up to ``busy_timeout`` for the first, then fails with a StoreError.
Opening never writes: the schema is created only in a new file, and an older file's schema is upgraded by
its first write, so readers never wait for a writer.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from policygraph.errors import NotFound, StoreError
from policygraph.graph import sqlite_sql as sql
from policygraph.graph.model import EDGE_TYPES, NODE_LABELS, Edge, Fragment, Node, canonical_json, parse_json
from policygraph.graph.records import construct
from policygraph.graph.store import (
    CONCURRENT_READERS, PERSISTENT, TRANSACTIONS, VERSIONED, AlignedVersions, Direction, LinkFilter,
    ReviewRecord, Store, WriteResult, WriteStatus, apply_review_log,
)
from policygraph.graph.textindex import KINDS, bigrams, index_tokens, searched_text, segments, with_searched


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
            self.db.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages, not 2: national-scale indexes are random-keyed
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
        self._writes = 0  # our own commits: data_version only counts other connections'

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
        if current in ("1", "2"):  # measures' searched text, the full-text index and plan-level links are new in 3
            db.execute(sql.UPGRADE_PLAN_LINKS)
            measures = [_node(r) for r in db.execute(sql.NODES_BY_LABEL, ("Measure",)).fetchall()]
            upgraded = with_searched([{**m.props, "id": m.id} for m in measures])
            db.executemany(sql.UPSERT_NODE, [(m.id, m.label, m.doc, canonical_json({**m.props, "searched": u["searched"]}))
                                             for m, u in zip(measures, upgraded)])
            self._reindex(db, [r[0] for r in db.execute(sql.SEARCHABLE_NODES).fetchall()])
        db.execute(sql.SET_META, ("schema_version", sql.SCHEMA_VERSION))
        self._schema = sql.SCHEMA_VERSION

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

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: committed whole or rolled back whole (a killed process rolls back too)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: the graph database is busy (another load is running?): {exc}") from exc
        try:
            if self._schema != sql.SCHEMA_VERSION:
                self._upgrade(self.db)
            yield self.db
            self.db.execute("COMMIT")
        except BaseException as exc:
            self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.path}: the write failed and was rolled back ({exc})") from exc
            raise
        self._writes += 1

    def version(self) -> str | None:
        """``data_version`` moves on other connections' commits, ``_writes`` on ours: together, every write."""
        return f"{self.db.execute('PRAGMA data_version').fetchone()[0]}.{self._writes}"

    # ---- documents ----------------------------------------------------------------------------------
    def document_hash(self, plan_id: str) -> str | None:
        row = self.db.execute(sql.DOCUMENT_HASH, (plan_id,)).fetchone()
        return row[0] if row else None

    def document_hashes(self) -> dict[str, str]:
        return dict(self.db.execute(sql.ALL_DOCUMENT_HASHES).fetchall())

    def write_fragment(self, fragment: Fragment) -> WriteResult:
        with self._write() as db:
            return self._write_document(db, fragment)

    def write_fragments(self, fragments: Sequence[Fragment]) -> list[WriteResult]:
        """One transaction for the lot, a savepoint for each: a commit per document was a third of a load
        (its pages written to the WAL, checkpoints), and a failing document still takes only itself back."""
        results: list[WriteResult] = []
        failure: BaseException | None = None
        with self._write() as db:
            for f in fragments:
                db.execute("SAVEPOINT fragment")
                try:
                    results.append(self._write_document(db, f))
                except Exception as exc:  # those before it are kept, as one write each would have kept them
                    db.execute("ROLLBACK TO fragment")
                    db.execute("RELEASE fragment")
                    failure = exc
                    break
                db.execute("RELEASE fragment")
        if failure is not None:
            if isinstance(failure, sqlite3.Error):
                raise StoreError(f"{self.path}: the write failed and was rolled back ({failure})") from failure
            raise failure
        return results

    def _write_document(self, db: sqlite3.Connection, fragment: Fragment) -> WriteResult:
        old = db.execute(sql.DOCUMENT_HASH, (fragment.plan_id,)).fetchone()
        if old and old[0] == fragment.content_hash:
            return WriteResult(fragment.plan_id, "unchanged", 0, 0)
        self._replace_document(db, fragment.plan_id, fragment)
        db.execute(sql.UPSERT_DOCUMENT, (fragment.plan_id, fragment.content_hash, _now()))
        status: WriteStatus = "replaced" if old else "added"
        return WriteResult(fragment.plan_id, status, len(fragment.nodes), len(fragment.edges))

    def delete_document(self, plan_id: str) -> bool:
        with self._write() as db:
            if not db.execute(sql.DOCUMENT_HASH, (plan_id,)).fetchone():
                return False
            self._replace_document(db, plan_id, None)
            db.execute(sql.DELETE_DOCUMENT, (plan_id,))
        return True

    def _replace_document(self, db: sqlite3.Connection, plan_id: str, fragment: Fragment | None) -> None:
        """Drop what ``plan_id`` owns and its owner records, then write ``fragment`` (None: delete).

        Shared facts are rewritten from their remaining owners, so they end up exactly as the other
        documents state them; links touching a measure the new version no longer has go with it.
        """
        removed_nodes, touched = self._drop_owned(db, plan_id)
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
            else:
                db.execute(sql.UPSERT_EDGE, (item, label, source, target, None, raw))
        own = {n.id for n in nodes}
        self._require_nodes(db, {x for e in edges for x in (e.source, e.target)} - own)
        owned_edges = [e for e in edges if e.doc is not None]
        db.executemany(sql.UPSERT_EDGE, [(e.id, e.type, e.source, e.target, e.doc, canonical_json(e.props))
                                         for e in owned_edges])
        # Shared edges without owners go first, so that shared nodes they touched can become orphans.
        gone_edges = [i for i in gone_shared if db.execute(sql.EDGE_BY_ID, (i,)).fetchone()]
        db.executemany(sql.DELETE_EDGE, [(i,) for i in gone_edges])
        dangling = self._dangling(db, removed_nodes)
        db.executemany(sql.DELETE_EDGE, [(d,) for d in dangling])
        orphans = self._orphans(db, touched | set(gone_shared) - set(gone_edges))
        db.executemany(sql.DELETE_NODE, [(o,) for o in orphans])
        db.execute(sql.FORGET_ALIGNED, (plan_id, plan_id))
        self._reindex(db, {*removed_nodes, *own, *released, *gone_shared, *orphans})

    @staticmethod
    def _reindex(db: sqlite3.Connection, ids: Iterable[str]) -> None:
        """Bring the full-text rows of these nodes in line with the nodes table (in the write's transaction)."""
        ids = sorted(set(ids))
        rows = db.execute(sql.SEARCH_ROWS_OF, (json.dumps(ids),)).fetchall()
        db.executemany(sql.DELETE_SEARCH, rows)
        db.executemany(sql.DELETE_SEARCH_ROW, rows)
        found = [(n.id, n.label, text) for n in (_node(r) for r in db.execute(sql.NODES_BY_IDS, (json.dumps(ids),)))
                 if (text := searched_text(n)) is not None]
        # In batches, not a statement per node: one INSERT … RETURNING per row cost more than indexing its text.
        db.executemany(sql.ADD_SEARCH_ROW, [(i,) for i, _, _ in found])
        rowids = dict(db.execute(sql.SEARCH_ROWIDS_OF, (json.dumps([i for i, _, _ in found]),)).fetchall())
        db.executemany(sql.ADD_SEARCH, [(rowids[i], label, index_tokens(text)) for i, label, text in found])

    def _drop_owned(self, db: sqlite3.Connection, plan_id: str) -> tuple[list[str], set[str]]:
        """Delete what a document owns; return removed node ids and the shared nodes its edges touched."""
        nodes = [r[0] for r in db.execute(sql.OWNED_NODE_IDS, (plan_id,))]
        rows = db.execute(sql.OWNED_EDGE_ROWS, (plan_id,)).fetchall()
        touched = {r[1] for r in rows} | {r[2] for r in rows}
        db.execute(sql.DELETE_OWNED_EDGES, (plan_id,))
        db.execute(sql.DELETE_OWNED_NODES, (plan_id,))
        return nodes, touched

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
    # Nodes and edges read back were validated when written; records.construct skips validating them again.
    def get_node(self, node_id: str) -> Node | None:
        row = self.db.execute(sql.NODE_BY_ID, (node_id,)).fetchone()
        return _node(row) if row else None

    def get_nodes(self, node_ids: Iterable[str], outline: bool = False) -> dict[str, Node]:
        ids = json.dumps(sorted(set(node_ids)))
        query = sql.NODE_OUTLINES_BY_IDS if outline else sql.NODES_BY_IDS
        return {r[0]: _node(r) for r in self.db.execute(query, (ids,))}

    def find_nodes(self, label: str, **props: Any) -> list[Node]:
        if "plan_id" in props:
            # Nodes that carry a plan_id are owned by that plan (graph.model): the owner index answers.
            rows = self.db.execute(sql.NODES_BY_LABEL_DOC, (label, props["plan_id"]))
        else:
            rows = self.db.execute(sql.NODES_BY_LABEL, (label,))
        nodes = (_node(r) for r in rows)
        return [n for n in nodes if all(n.props.get(k) == v for k, v in props.items())]

    def edges(self, type: str | None = None, source: str | None = None, target: str | None = None) -> list[Edge]:
        if source is not None:
            rows = self.db.execute(sql.EDGES_FROM, (source, type, type, target, target))
        elif target is not None:
            rows = self.db.execute(sql.EDGES_TO, (target, type, type))
        elif type is not None:
            rows = self.db.execute(sql.EDGES_OF_TYPE, (type,))
        else:
            rows = self.db.execute(sql.ALL_EDGES)
        return [_edge(r) for r in rows]

    def document_graph(self, plan_id: str) -> tuple[list[Node], list[Edge]]:
        edges = [_edge(r) for r in self.db.execute(sql.DOCUMENT_EDGES, (plan_id, plan_id))]
        owned = [_node(r) for r in self.db.execute(sql.NODES_OF_DOC, (plan_id,))]
        reached = self.get_nodes({x for e in edges for x in (e.source, e.target)} - {n.id for n in owned})
        nodes = sorted([*owned, *reached.values()], key=lambda n: n.id)
        return nodes, edges

    def cascade_links(self, roots: Sequence[str], direction: Direction, depth: int,
                      links: LinkFilter = LinkFilter(), outline: bool = False) -> list[Edge]:
        query = {("down", False): sql.CASCADE_DOWN, ("up", False): sql.CASCADE_UP,
                 ("down", True): sql.CASCADE_DOWN_OUTLINE, ("up", True): sql.CASCADE_UP_OUTLINE}[(direction, outline)]
        params = {"roots": json.dumps(list(roots)), "depth": depth, "scope": links.scope, "status": links.status,
                  "min_score": links.min_score}
        return [_edge(r) for r in self.db.execute(query, params)]

    def measure_context(self, measure_ids: Iterable[str]) -> tuple[list[Node], list[Edge]]:
        ids = json.dumps(sorted(set(measure_ids)))
        edges = [_edge(r) for r in self.db.execute(sql.MEASURE_CONTEXT, (ids, ids))]
        nodes = self.get_nodes({*json.loads(ids), *(x for e in edges for x in (e.source, e.target))})
        return sorted(nodes.values(), key=lambda n: n.id), edges

    def search_text(self, terms: list[str], kinds: Sequence[str] | None = None, limit: int = 2000) -> list[Node]:
        segs = segments(terms)
        if not segs or self._schema not in sql.FULL_TEXT_SINCE:  # nothing to narrow by, or a file without the index
            return super().search_text(terms, kinds, limit)
        match = " AND ".join(f'"{" ".join(bigrams(s))}"' for s in segs)  # tokens are letters and digits only
        labels = json.dumps([KINDS[k] for k in kinds if k in KINDS]) if kinds else None
        rows = self.db.execute(sql.SEARCH, {"match": match, "labels": labels, "limit": limit})
        return [_node(r) for r in rows]

    def plan_statistics(self) -> dict[str, dict[str, int]]:
        plans = [r[0] for r in self.db.execute(sql.ALL_DOCUMENT_HASHES)]
        out = {p: {"section": 0, "item": 0, "task": 0, "links_up": 0, "links_down": 0} for p in plans}
        for plan, kind, n in self.db.execute(sql.MEASURES_BY_PLAN_KIND):
            if plan in out and kind in out[plan]:
                out[plan][kind] = n
        for source, target, n in self.db.execute(sql.LINKS_BY_PLAN_PAIR):
            if source in out and target in out:
                out[source]["links_up"] += n
                out[target]["links_down"] += n
        return out

    def role_counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for agency, role, n in self.db.execute(sql.ROLES_BY_AGENCY):
            out.setdefault(agency, {})[role] = n
        return out

    def link_page(self, status: str | None = None, plan: str | None = None, after: str | None = None,
                  limit: int = 50) -> tuple[list[Edge], int]:
        params = {"status": status, "plan": plan, "after": after, "limit": limit}
        if plan is not None:
            page, count = sql.PLAN_LINK_PAGE, sql.PLAN_LINK_COUNT
        elif status is not None:
            page, count = sql.STATUS_LINK_PAGE, sql.STATUS_LINK_COUNT
        else:
            page, count = sql.LINK_PAGE, sql.LINK_COUNT
        edges = [_edge(r) for r in self.db.execute(page, params)]
        (total,) = self.db.execute(count, params).fetchone()
        return edges, int(total)

    def get_edge(self, edge_id: str) -> Edge | None:
        row = self.db.execute(sql.EDGE_BY_ID, (edge_id,)).fetchone()
        return _edge(row) if row else None

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = dict(self.db.execute(sql.COUNT_NODES).fetchall())
        edges = dict(self.db.execute(sql.COUNT_EDGES).fetchall())
        return {"nodes": {lab: nodes.get(lab, 0) for lab in NODE_LABELS},
                "edges": {t: edges.get(t, 0) for t in EDGE_TYPES}}

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
        return len(new)

    def aligned_versions(self) -> dict[tuple[str, str], AlignedVersions]:
        if self._schema == "1" and not self.db.execute(sql.HAS_TABLE, ("alignments",)).fetchone():
            return {}
        return {(s, t): AlignedVersions(sh, th) for s, t, sh, th in self.db.execute(sql.ALIGNED_PAIRS)}

    def put_link(self, link: Edge) -> None:
        with self._write() as db:
            self._put_link(db, link)

    def put_reviewed_link(self, link: Edge, record: ReviewRecord) -> None:
        with self._write() as db:
            self._put_link(db, link)
            self._append_review(db, record)

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


def _node(row: tuple[str, str, str | None, str]) -> Node:
    return construct(Node, {"id": row[0], "label": row[1], "doc": row[2], "props": parse_json(row[3])})


def _edge(row: tuple[str, str, str, str, str | None, str]) -> Edge:
    return construct(Edge, {"id": row[0], "type": row[1], "source": row[2], "target": row[3], "doc": row[4],
                            "props": parse_json(row[5])})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
