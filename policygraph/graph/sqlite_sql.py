"""Every SQL statement of the embedded store, in one place, all parameterised (``?`` placeholders only)."""
from __future__ import annotations

SCHEMA_VERSION = "2"  # 2: owners (shared facts per document) and alignments (pairs aligned at versions)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, label TEXT NOT NULL, doc TEXT, props TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_label ON nodes(label);
CREATE INDEX IF NOT EXISTS nodes_doc ON nodes(doc);
CREATE TABLE IF NOT EXISTS edges (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, doc TEXT,
    props TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edges_source ON edges(source, type);
CREATE INDEX IF NOT EXISTS edges_target ON edges(target, type);
CREATE INDEX IF NOT EXISTS edges_doc ON edges(doc);
CREATE TABLE IF NOT EXISTS documents (
    plan_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, loaded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, target TEXT NOT NULL, decision TEXT NOT NULL,
    reviewer TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_source ON reviews(source);
""" + """
CREATE TABLE IF NOT EXISTS owners (
    item TEXT NOT NULL, doc TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL, source TEXT, target TEXT,
    props TEXT NOT NULL, PRIMARY KEY (item, doc)
);
CREATE INDEX IF NOT EXISTS owners_doc ON owners(doc);
CREATE TABLE IF NOT EXISTS alignments (
    source_plan TEXT NOT NULL, target_plan TEXT NOT NULL, source_hash TEXT NOT NULL, target_hash TEXT NOT NULL,
    PRIMARY KEY (source_plan, target_plan)
);
CREATE INDEX IF NOT EXISTS alignments_target ON alignments(target_plan);
"""
HAS_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

# Schema 1 kept one copy of a shared edge, owned by its last writer, and no owners of shared nodes. The
# upgrade credits a shared node to every document whose own edges touch it (an agency to the plans it is
# responsible in, a place to the plans issued there), a shared edge to the owners of its source (an agency's
# BELONGS_TO, a place's WITHIN), and that edge's target to the same owners, up the chain of places; an edge
# left without owners keeps its last writer. Each document's own version of a shared node was not kept, so
# every owner gets the stored one.
_SHARED_EDGES = """FROM edges e JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target
       WHERE s.doc IS NULL AND t.doc IS NULL AND e.type <> 'DERIVES_FROM'"""
UPGRADE_FROM_1 = [
    *(f"""INSERT OR IGNORE INTO owners(item, doc, kind, label, source, target, props)
          SELECT n.id, e.doc, 'node', n.label, NULL, NULL, n.props
          FROM edges e JOIN nodes n ON n.id = e.{end}
          JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target
          WHERE n.doc IS NULL AND e.doc IS NOT NULL AND e.type <> 'DERIVES_FROM'
            AND (s.doc IS NOT NULL OR t.doc IS NOT NULL)""" for end in ("source", "target")),
    *[q for _ in range(4) for q in (
        f"""INSERT OR IGNORE INTO owners(item, doc, kind, label, source, target, props)
            SELECT e.id, o.doc, 'edge', e.type, e.source, e.target, e.props
            {_SHARED_EDGES.replace("FROM edges e", "FROM edges e JOIN owners o ON o.item = e.source")}""",
        f"""INSERT OR IGNORE INTO owners(item, doc, kind, label, source, target, props)
            SELECT t.id, o.doc, 'node', t.label, NULL, NULL, t.props
            {_SHARED_EDGES.replace("FROM edges e", "FROM edges e JOIN owners o ON o.item = e.id")}""")],
    f"""INSERT OR IGNORE INTO owners(item, doc, kind, label, source, target, props)
        SELECT e.id, e.doc, 'edge', e.type, e.source, e.target, e.props {_SHARED_EDGES} AND e.doc IS NOT NULL""",
    f"""UPDATE edges SET doc = NULL WHERE id IN (SELECT e.id {_SHARED_EDGES})""",
]

SET_META = "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)"
GET_META = "SELECT value FROM meta WHERE key = ?"

ALL_NODES = "SELECT id, label, doc, props FROM nodes"
ALL_EDGES = "SELECT id, type, source, target, doc, props FROM edges"

DOCUMENT_HASH = "SELECT content_hash FROM documents WHERE plan_id = ?"
UPSERT_DOCUMENT = "INSERT OR REPLACE INTO documents(plan_id, content_hash, loaded_at) VALUES (?, ?, ?)"
DELETE_DOCUMENT = "DELETE FROM documents WHERE plan_id = ?"

OWNED_NODE_IDS = "SELECT id FROM nodes WHERE doc = ?"
# Edges a document owns, except the alignment's links, which outlive a replacement of either end.
OWNED_EDGE_ROWS = "SELECT id, source, target FROM edges WHERE doc = ? AND type <> 'DERIVES_FROM'"
DELETE_OWNED_NODES = "DELETE FROM nodes WHERE doc = ?"
DELETE_OWNED_EDGES = "DELETE FROM edges WHERE doc = ? AND type <> 'DERIVES_FROM'"
UPSERT_NODE = "INSERT OR REPLACE INTO nodes(id, label, doc, props) VALUES (?, ?, ?, ?)"
UPSERT_EDGE = "INSERT OR REPLACE INTO edges(id, type, source, target, doc, props) VALUES (?, ?, ?, ?, ?, ?)"

# Links touching a node: when the node vanished (its text changed or its document was deleted) they go too.
LINKS_TOUCHING = """
SELECT id FROM edges WHERE source = ? AND type = 'DERIVES_FROM'
UNION SELECT id FROM edges WHERE target = ? AND type = 'DERIVES_FROM'
"""
NODE_EXISTS = "SELECT 1 FROM nodes WHERE id = ?"
EDGE_BY_ID = "SELECT id, type, source, target, doc, props FROM edges WHERE id = ?"
DELETE_EDGE = "DELETE FROM edges WHERE id = ?"
# A shared node (Agency, Law, Jurisdiction) without owners goes once no edge touches it any more.
IS_ORPHAN_SHARED = """
SELECT 1 FROM nodes n WHERE n.id = ? AND n.doc IS NULL
  AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.item = n.id)
  AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.source = n.id)
  AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.target = n.id)
"""

# Shared facts: one row per (item, owning document), with that document's version of the item.
ADD_OWNER = """
INSERT OR REPLACE INTO owners(item, doc, kind, label, source, target, props) VALUES (?, ?, ?, ?, ?, ?, ?)
"""
RELEASE_OWNED = "DELETE FROM owners WHERE doc = ? RETURNING item"
# The version a shared fact shows: its first owner's by plan id, so the result never depends on load order.
FIRST_OWNER = "SELECT kind, label, source, target, props FROM owners WHERE item = ? ORDER BY doc LIMIT 1"

ALIGNED_PAIRS = "SELECT source_plan, target_plan, source_hash, target_hash FROM alignments"
RECORD_ALIGNED = """
INSERT OR REPLACE INTO alignments(source_plan, target_plan, source_hash, target_hash) VALUES (?, ?, ?, ?)
"""
FORGET_ALIGNED = "DELETE FROM alignments WHERE source_plan = ? OR target_plan = ?"
ALL_DOCUMENT_HASHES = "SELECT plan_id, content_hash FROM documents"
DELETE_NODE = "DELETE FROM nodes WHERE id = ?"

# Driven from the source plan's nodes (index nodes_doc, then edges_source): a scan of every DERIVES_FROM edge per
# plan pair made aligning a national corpus quadratic (1 s a pair at 3,200 plans). CROSS JOIN fixes that order.
INFERRED_LINKS_FROM = """
SELECT e.id FROM nodes s CROSS JOIN edges e CROSS JOIN nodes t
 WHERE s.doc = ? AND e.source = s.id AND e.type = 'DERIVES_FROM' AND t.id = e.target AND t.doc = ?
   AND json_extract(e.props, '$.status') = 'inferred'
"""
# Reviewed links and review decisions of the given link sources only (a JSON array parameter), for the same reason.
REVIEWED_PAIRS_FROM = """
SELECT e.source, e.target FROM json_each(?) j CROSS JOIN edges e
 WHERE e.source = j.value AND e.type = 'DERIVES_FROM' AND json_extract(e.props, '$.status') <> 'inferred'
"""
REVIEWS_FROM = """
SELECT source, target, decision, reviewer, at, note FROM reviews
 WHERE source IN (SELECT value FROM json_each(?)) ORDER BY seq
"""

APPEND_REVIEW = "INSERT INTO reviews(source, target, decision, reviewer, at, note) VALUES (?, ?, ?, ?, ?, ?)"
ALL_REVIEWS = "SELECT source, target, decision, reviewer, at, note FROM reviews ORDER BY seq"
