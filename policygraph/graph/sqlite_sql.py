"""Every SQL statement of the embedded store, in one place, all parameterised (``?`` placeholders only)."""
from __future__ import annotations

SCHEMA_VERSION = "1"

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
"""

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
DELETE_EDGE = "DELETE FROM edges WHERE id = ?"
# A shared node (Agency, Law, Jurisdiction) lives while some edge touches it.
IS_ORPHAN_SHARED = """
SELECT 1 FROM nodes n WHERE n.id = ? AND n.doc IS NULL
  AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.source = n.id)
  AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.target = n.id)
"""
DELETE_NODE = "DELETE FROM nodes WHERE id = ?"

INFERRED_LINKS_FROM = """
SELECT e.id FROM edges e JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target
 WHERE e.type = 'DERIVES_FROM' AND s.doc = ? AND t.doc = ? AND json_extract(e.props, '$.status') = 'inferred'
"""
REVIEWED_PAIRS = """
SELECT source, target FROM edges WHERE type = 'DERIVES_FROM' AND json_extract(props, '$.status') <> 'inferred'
"""

APPEND_REVIEW = "INSERT INTO reviews(source, target, decision, reviewer, at, note) VALUES (?, ?, ?, ?, ?, ?)"
ALL_REVIEWS = "SELECT source, target, decision, reviewer, at, note FROM reviews ORDER BY seq"
