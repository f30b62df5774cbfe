"""Every SQL statement of the embedded store, in one place, all parameterised (``?`` placeholders only)."""
from __future__ import annotations

# 2: owners (shared facts per document) and alignments (pairs aligned at versions); 3: the edges_type index, the
# full-text index (search, search_rows), measures' searched text, plan-level links as PLAN_DERIVES_FROM
SCHEMA_VERSION = "4"
FULL_TEXT_SINCE = ("3", "4")  # the schema versions whose files have the full-text index

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
CREATE INDEX IF NOT EXISTS edges_type ON edges(type);
-- Version 4: pages of links in id order, all of them or of one status, read from an index and counted from it
-- (the links list sorted and counted 912,653 links per page at 1,000 plans: 27 s).
CREATE INDEX IF NOT EXISTS edges_type_id ON edges(type, id);
CREATE INDEX IF NOT EXISTS edges_link_status ON edges(json_extract(props, '$.status'), id) WHERE type = 'DERIVES_FROM';
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
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(kind UNINDEXED, tokens, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS search_rows (rowid INTEGER PRIMARY KEY, node_id TEXT NOT NULL UNIQUE);
"""
HAS_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

# Schema 1 kept one copy of a shared edge, owned by its last writer, and no owners of shared nodes. The
# upgrade credits a shared node to every document whose own edges touch it (an agency to the plans it is
# responsible in, a place to the plans issued there), a shared edge to the owners of its source (an agency's
# BELONGS_TO, a place's WITHIN), and that edge's target to the same owners, up the chain of places; an edge
# left without owners keeps its last writer. Each document's own version of a shared node was not kept, so
# every owner gets the stored one.
_SHARED_EDGES = """FROM edges e JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target
       WHERE s.doc IS NULL AND t.doc IS NULL AND e.type NOT IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')"""
UPGRADE_FROM_1 = [
    *(f"""INSERT OR IGNORE INTO owners(item, doc, kind, label, source, target, props)
          SELECT n.id, e.doc, 'node', n.label, NULL, NULL, n.props
          FROM edges e JOIN nodes n ON n.id = e.{end}
          JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target
          WHERE n.doc IS NULL AND e.doc IS NOT NULL AND e.type NOT IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')
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

# Schema 3: plan-level links had been DERIVES_FROM with level "plan".
UPGRADE_PLAN_LINKS = """UPDATE edges SET type = 'PLAN_DERIVES_FROM'
 WHERE type = 'DERIVES_FROM' AND json_extract(props, '$.level') = 'plan'"""
SET_META = "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)"
GET_META = "SELECT value FROM meta WHERE key = ?"

# ---- reads (every one answered from an index; results ordered by id, as the Store contract says) ----
_NODE = "SELECT id, label, doc, props FROM nodes"
_EDGE = "SELECT id, type, source, target, doc, props FROM edges"
NODE_BY_ID = _NODE + " WHERE id = ?"
NODES_BY_IDS = _NODE + " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"
# Outline reads (store.HEAVY_FIELDS left out by SQLite's JSON functions, before Python decodes anything).
_HEAVY = "'$.text', '$.searched', '$.title', '$.evidence'"
NODE_OUTLINES_BY_IDS = f"""SELECT id, label, doc, json_remove(props, {_HEAVY}) FROM nodes
 WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"""
NODES_BY_LABEL = _NODE + " WHERE label = ? ORDER BY id"
NODES_BY_LABEL_DOC = _NODE + " WHERE label = ? AND doc = ? ORDER BY id"
NODES_OF_DOC = _NODE + " WHERE doc = ? ORDER BY id"
ALL_EDGES = _EDGE + " ORDER BY id"
# (source, type) and (target, type) indexes; a NULL parameter means "any".
EDGES_FROM = _EDGE + " WHERE source = ? AND (? IS NULL OR type = ?) AND (? IS NULL OR target = ?) ORDER BY id"
EDGES_TO = _EDGE + " WHERE target = ? AND (? IS NULL OR type = ?) ORDER BY id"
EDGES_OF_TYPE = _EDGE + " WHERE type = ? ORDER BY id"
# Every edge touching a document's own nodes except the alignment's links, driven from the owner index.
DOCUMENT_EDGES = """
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM nodes n CROSS JOIN edges e
 WHERE n.doc = ? AND e.source = n.id AND e.type NOT IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')
UNION
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM nodes n CROSS JOIN edges e
 WHERE n.doc = ? AND e.target = n.id AND e.type NOT IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')
ORDER BY 1
"""
# Cascades: one recursive query. ``reach`` walks measures (a measure's task units stand for it at the same
# depth, as Store.cascade_links says), then every passing link out of a reached measure is returned. Walking
# (id, depth) pairs rather than links keeps the recursion linear in the measures reached.
_PASSES = """l.type = 'DERIVES_FROM' AND coalesce(json_extract(l.props, '$.status'), '') <> 'rejected'
     AND (:scope IS NULL OR json_extract(l.props, '$.scope') = :scope)
     AND (:status IS NULL OR json_extract(l.props, '$.status') = :status)
     AND (:min_score IS NULL OR json_extract(l.props, '$.score') IS NULL
          OR json_extract(l.props, '$.score') >= :min_score)"""
_CASCADE = """
WITH RECURSIVE reach(id, depth) AS (
  SELECT value, 0 FROM json_each(:roots)
  UNION
  SELECT p.source, r.depth FROM reach r CROSS JOIN edges p CROSS JOIN nodes c
   WHERE p.target = r.id AND p.type = 'PART_OF' AND c.id = p.source AND json_extract(c.props, '$.kind') = 'task'
  UNION
  SELECT l.{far}, r.depth + 1 FROM reach r CROSS JOIN edges l
   WHERE r.depth < :depth AND l.{near} = r.id AND {passes}
)
SELECT DISTINCT l.id, l.type, l.source, l.target, l.doc, {props} FROM reach r CROSS JOIN edges l
 WHERE r.depth < :depth AND l.{near} = r.id AND {passes}
 ORDER BY l.id
"""
CASCADE_DOWN = _CASCADE.format(near="target", far="source", passes=_PASSES, props="l.props")
CASCADE_UP = _CASCADE.format(near="source", far="target", passes=_PASSES, props="l.props")
CASCADE_DOWN_OUTLINE = _CASCADE.format(near="target", far="source", passes=_PASSES,
                                       props=f"json_remove(l.props, {_HEAVY})")
CASCADE_UP_OUTLINE = _CASCADE.format(near="source", far="target", passes=_PASSES,
                                     props=f"json_remove(l.props, {_HEAVY})")
# What a measure's view shows (Store.measure_context): its structural edges both ways.
_CONTEXT_TYPES = "('PART_OF', 'RESPONSIBLE_FOR', 'HAS_TARGET', 'CITES')"
MEASURE_CONTEXT = f"""
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM json_each(?) j CROSS JOIN edges e
 WHERE e.target = j.value AND e.type IN {_CONTEXT_TYPES}
UNION
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM json_each(?) j CROSS JOIN edges e
 WHERE e.source = j.value AND e.type IN {_CONTEXT_TYPES}
ORDER BY 1
"""
# ---- full-text index (graph/textindex.py): FTS5 over bigram tokens; search_rows maps a node to its FTS row ----
SEARCH_ROWS_OF = "SELECT rowid FROM search_rows WHERE node_id IN (SELECT value FROM json_each(?))"
DELETE_SEARCH = "DELETE FROM search WHERE rowid = ?"
DELETE_SEARCH_ROW = "DELETE FROM search_rows WHERE rowid = ?"
ADD_SEARCH_ROW = "INSERT INTO search_rows(node_id) VALUES (?)"
SEARCH_ROWIDS_OF = "SELECT node_id, rowid FROM search_rows WHERE node_id IN (SELECT value FROM json_each(?))"
ADD_SEARCH = "INSERT INTO search(rowid, kind, tokens) VALUES (?, ?, ?)"
SEARCHABLE_NODES = _NODE + " WHERE label IN ('Measure', 'Agency', 'Indicator', 'Law')"
SEARCH = """
SELECT n.id, n.label, n.doc, n.props FROM search s CROSS JOIN search_rows r CROSS JOIN nodes n
 WHERE search MATCH :match AND r.rowid = s.rowid AND n.id = r.node_id
   AND (:labels IS NULL OR s.kind IN (SELECT value FROM json_each(:labels)))
 ORDER BY s.rank LIMIT :limit
"""
# Keyset pages of links (Store.link_page): in id order from the primary key, or from a plan's own measures.
_LINK_FILTER = """(:status IS NULL OR json_extract(e.props, '$.status') = :status)"""
# Without a plan, one text per case so that each is answered from its index (edges_type_id, edges_link_status):
# an ``:x IS NULL OR …`` condition is not one an index can serve.
LINK_PAGE = """
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM edges e
 WHERE e.type = 'DERIVES_FROM' AND e.id > coalesce(:after, '') ORDER BY e.id LIMIT :limit
"""
LINK_COUNT = "SELECT count(*) FROM edges e WHERE e.type = 'DERIVES_FROM'"
STATUS_LINK_PAGE = """
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM edges e
 WHERE e.type = 'DERIVES_FROM' AND json_extract(e.props, '$.status') = :status AND e.id > coalesce(:after, '')
 ORDER BY e.id LIMIT :limit
"""
STATUS_LINK_COUNT = """SELECT count(*) FROM edges e
 WHERE e.type = 'DERIVES_FROM' AND json_extract(e.props, '$.status') = :status"""
_PLAN_LINKS = f"""
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM nodes n CROSS JOIN edges e
 WHERE n.doc = :plan AND e.source = n.id AND e.type = 'DERIVES_FROM' AND {_LINK_FILTER}
UNION
SELECT e.id, e.type, e.source, e.target, e.doc, e.props FROM nodes n CROSS JOIN edges e
 WHERE n.doc = :plan AND e.target = n.id AND e.type = 'DERIVES_FROM' AND {_LINK_FILTER}
"""
PLAN_LINK_PAGE = f"SELECT * FROM ({_PLAN_LINKS}) WHERE :after IS NULL OR id > :after ORDER BY id LIMIT :limit"
PLAN_LINK_COUNT = f"SELECT count(*) FROM ({_PLAN_LINKS})"
# Store.plan_statistics: measures by plan and kind, live links by (source plan, target plan).
MEASURES_BY_PLAN_KIND = """SELECT doc, json_extract(props, '$.kind'), count(*) FROM nodes
 WHERE label = 'Measure' GROUP BY 1, 2"""
LINKS_BY_PLAN_PAIR = """SELECT s.doc, t.doc, count(*) FROM edges e CROSS JOIN nodes s CROSS JOIN nodes t
 WHERE e.type = 'DERIVES_FROM' AND coalesce(json_extract(e.props, '$.status'), '') <> 'rejected'
   AND s.id = e.source AND t.id = e.target AND s.label = 'Measure' AND t.label = 'Measure'
 GROUP BY 1, 2"""
ROLES_BY_AGENCY = """SELECT source, json_extract(props, '$.role'), count(*) FROM edges
 WHERE type = 'RESPONSIBLE_FOR' GROUP BY 1, 2"""
COUNT_NODES = "SELECT label, count(*) FROM nodes GROUP BY label"
COUNT_EDGES = "SELECT type, count(*) FROM edges GROUP BY type"

DOCUMENT_HASH = "SELECT content_hash FROM documents WHERE plan_id = ?"
UPSERT_DOCUMENT = "INSERT OR REPLACE INTO documents(plan_id, content_hash, loaded_at) VALUES (?, ?, ?)"
DELETE_DOCUMENT = "DELETE FROM documents WHERE plan_id = ?"

OWNED_NODE_IDS = "SELECT id FROM nodes WHERE doc = ?"
# Edges a document owns, except the alignment's links, which outlive a replacement of either end.
OWNED_EDGE_ROWS = ("SELECT id, source, target FROM edges WHERE doc = ? "
                   "AND type NOT IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')")
DELETE_OWNED_NODES = "DELETE FROM nodes WHERE doc = ?"
DELETE_OWNED_EDGES = "DELETE FROM edges WHERE doc = ? AND type NOT IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')"
UPSERT_NODE = "INSERT OR REPLACE INTO nodes(id, label, doc, props) VALUES (?, ?, ?, ?)"
UPSERT_EDGE = "INSERT OR REPLACE INTO edges(id, type, source, target, doc, props) VALUES (?, ?, ?, ?, ?, ?)"

# Links touching a node: when the node vanished (its text changed or its document was deleted) they go too.
LINKS_TOUCHING = """
SELECT id FROM edges WHERE source = ? AND type IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')
UNION SELECT id FROM edges WHERE target = ? AND type IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM')
"""
NODE_EXISTS = "SELECT 1 FROM nodes WHERE id = ?"
EDGE_BY_ID = _EDGE + " WHERE id = ?"
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
 WHERE s.doc = ? AND e.source = s.id AND e.type IN ('DERIVES_FROM', 'PLAN_DERIVES_FROM') AND t.id = e.target
   AND t.doc = ?
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
