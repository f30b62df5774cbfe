"""Every Cypher statement of the Neo4j store, in one place.

Values always travel as parameters, written in batches as ``UNWIND $rows AS row``. Labels, relationship
types and property keys cannot be parameters in Cypher, so the few statements that need one are built by a
function that first checks it against the model's fixed vocabulary (``NODE_LABELS``, ``EDGE_TYPES`` and the
``NODE_KEYS`` / ``EDGE_KEYS`` below); nothing else is ever put into a query's text.

Storage model: every graph node is ``(:Node:<Label> {id, doc, props_json, <every field>})``; every edge is
``[:<TYPE> {id, doc, props_json, <every field>}]``. Every field is a real property, so that a user in Neo4j
Browser or Bloom can write ``MATCH (t:Measure)-[:DERIVES_FROM]->(m:Measure {number: '24'}) RETURN t.text``:
scalars as they are, lists of one scalar type as lists, anything nested (a link's evidence) as ``<key>_json``
text (``neo4j_store.fields``). ``props_json`` is what is read back, so round trips stay exact. Outside the
model: ``(:Document {plan_id, content_hash, loaded_at})``, the review log ``(:Review {seq, …})`` and the
counter that numbers it, ``(:Sequence {name, value})``, one ``(:Owner {item, doc, kind, label, source, target,
props_json})`` per document that states a shared fact (that document's version of it), and one
``(:Aligned {source_plan, target_plan, source_hash, target_hash})`` per plan pair aligned at those versions.
"""
from __future__ import annotations

from policygraph.errors import StoreError
from policygraph.graph.model import EDGE_TYPES, NODE_LABELS
from policygraph.graph.textindex import SEARCHED

LINK_TYPES = ("DERIVES_FROM", "PLAN_DERIVES_FROM")  # the aligner's links: owned by no document

#: Node properties with an index (see SCHEMA) or that ``find_nodes`` may narrow by, per label.
NODE_KEYS: dict[str, tuple[str, ...]] = {
    "Plan": ("title", "level", "year", "kind"),
    "Measure": ("kind", "plan_id", "parent_id", "number"),
    "Agency": ("name", "level"),
    "Indicator": ("metric", "plan_id", "measure_id"),
    "Law": ("title", "kind"),
    "Jurisdiction": ("name", "level"),
}
#: Relationship properties hand-written Cypher filters by most, per type (documentation; every field is stored).
EDGE_KEYS: dict[str, tuple[str, ...]] = {
    "PART_OF": ("order",),
    "RESPONSIBLE_FOR": ("role", "position"),
    "HAS_TARGET": ("position",),
    "CITES": ("kind",),
    "DERIVES_FROM": ("status", "scope", "score"),
    "PLAN_DERIVES_FROM": ("status", "scope", "basis"),
}
_INDEXED_NODE_KEYS = (("Plan", "level"), ("Measure", "kind"), ("Measure", "plan_id"), ("Agency", "name"),
                      ("Law", "title"), ("Jurisdiction", "name"), ("Indicator", "plan_id"))


def label(name: str) -> str:
    """A node label from the model's whitelist, safe to place in a query's text."""
    if name not in NODE_LABELS:
        raise StoreError(f"unknown node label {name!r}; expected one of {', '.join(NODE_LABELS)}")
    return name


def rel_type(name: str) -> str:
    """A relationship type from the model's whitelist, safe to place in a query's text."""
    if name not in EDGE_TYPES:
        raise StoreError(f"unknown edge type {name!r}; expected one of {', '.join(EDGE_TYPES)}")
    return name


# ---- schema ---------------------------------------------------------------------------------------------
def schema() -> dict[str, str]:
    """Constraints and indexes by name, each created at connect when missing (``IF NOT EXISTS``)."""
    out = {
        "node_id": "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
        "document_plan_id": "CREATE CONSTRAINT document_plan_id IF NOT EXISTS "
                            "FOR (d:Document) REQUIRE d.plan_id IS UNIQUE",
        "review_seq": "CREATE CONSTRAINT review_seq IF NOT EXISTS FOR (r:Review) REQUIRE r.seq IS UNIQUE",
        "sequence_name": "CREATE CONSTRAINT sequence_name IF NOT EXISTS FOR (s:Sequence) REQUIRE s.name IS UNIQUE",
        "node_doc": "CREATE INDEX node_doc IF NOT EXISTS FOR (n:Node) ON (n.doc)",
        "review_source": "CREATE INDEX review_source IF NOT EXISTS FOR (r:Review) ON (r.source)",
        "owner_item": "CREATE INDEX owner_item IF NOT EXISTS FOR (o:Owner) ON (o.item)",
        "owner_doc": "CREATE INDEX owner_doc IF NOT EXISTS FOR (o:Owner) ON (o.doc)",
        "aligned_source": "CREATE INDEX aligned_source IF NOT EXISTS FOR (a:Aligned) ON (a.source_plan)",
        "aligned_target": "CREATE INDEX aligned_target IF NOT EXISTS FOR (a:Aligned) ON (a.target_plan)",
    }
    for lab, key in _INDEXED_NODE_KEYS:
        name = f"{lab.lower()}_{key}"
        out[name] = f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label(lab)}) ON (n.{key})"
    for t in EDGE_TYPES:
        for key in ("id", "doc"):
            name = f"rel_{t.lower()}_{key}"
            out[name] = f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{rel_type(t)}]-() ON (r.{key})"
    # Full-text search (graph/textindex.py): the cjk analyzer indexes character bigrams, as the embedded store does.
    fields = ", ".join(f"n.{key}" for key in SEARCHED.values())
    out["node_search"] = (f"CREATE FULLTEXT INDEX node_search IF NOT EXISTS FOR (n:{'|'.join(SEARCHED)}) "
                          f"ON EACH [{fields}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'cjk'}}}}")
    out["rel_derives_from_status"] = ("CREATE INDEX rel_derives_from_status IF NOT EXISTS "
                                      "FOR ()-[r:DERIVES_FROM]-() ON (r.status)")
    out["rel_derives_from_status_id"] = ("CREATE INDEX rel_derives_from_status_id IF NOT EXISTS "
                                         "FOR ()-[r:DERIVES_FROM]-() ON (r.status, r.id)")  # pages of one status
    return out


# A constraint's backing index carries the constraint's name, so listing indexes lists both.
SCHEMA_NAMES = "SHOW INDEXES YIELD name RETURN name"
AWAIT_INDEXES = "CALL db.awaitIndexes(300)"

# ---- documents ----------------------------------------------------------------------------------------
DOCUMENT_HASH = "MATCH (d:Document {plan_id: $plan_id}) RETURN d.content_hash AS hash"
UPSERT_DOCUMENT = """
MERGE (d:Document {plan_id: $plan_id})
SET d.content_hash = $content_hash, d.loaded_at = $loaded_at
"""
DELETE_DOCUMENT = "MATCH (d:Document {plan_id: $plan_id}) DELETE d"
ALL_DOCUMENT_HASHES = "MATCH (d:Document) RETURN d.plan_id AS plan_id, d.content_hash AS hash"

# ---- shared facts: one Owner per (item, document), holding that document's version ---------------------------
RELEASE_OWNED = """
MATCH (o:Owner {doc: $doc})
WITH o, o.item AS item, o.kind AS kind, o.label AS label
DELETE o
RETURN item, kind, label
"""
ADD_OWNERS = """
UNWIND $rows AS row
MERGE (o:Owner {item: row.item, doc: $doc})
SET o.kind = row.kind, o.label = row.label, o.source = row.source, o.target = row.target,
    o.props_json = row.props_json
"""
# The version a shared fact shows: its first owner's by plan id, so it never depends on the order of loads.
FIRST_OWNERS = """
UNWIND $ids AS id
OPTIONAL MATCH (o:Owner {item: id})
WITH id, o ORDER BY o.doc
WITH id, collect(o)[0] AS o
RETURN id, o.kind AS kind, o.label AS label, o.source AS source, o.target AS target, o.props_json AS props_json
"""
# 3: every field a real property; 4: measures' searched text (graph/textindex.py), plan-level links as
# PLAN_DERIVES_FROM
SCHEMA_VERSION = 4
# Schema 4: plan-level links had been DERIVES_FROM with level "plan" (a type cannot change: copy, then delete).
UPGRADE_PLAN_LINKS = """
MATCH (s:Node)-[r:DERIVES_FROM]->(t:Node) WHERE r.level = 'plan'
CREATE (s)-[n:PLAN_DERIVES_FROM]->(t) SET n = properties(r)
DELETE r
"""
GET_SCHEMA_VERSION = "MATCH (c:Sequence {name: 'schema'}) RETURN c.value AS value"
SET_SCHEMA_VERSION = "MERGE (c:Sequence {name: 'schema'}) SET c.value = $value"
# Data written before schema 2 kept one copy of a shared edge, owned by its last writer, and no owners of
# shared nodes. As in the sqlite store's upgrade: a shared node is credited to every document whose own edges
# touch it, a shared edge to the owners of its source and its target to the same owners, up the chain of
# places; an edge left without owners keeps its last writer.
_OWNER_OF_NODE = ("SET {v}.kind = 'node', {v}.label = [l IN labels({n}) WHERE l <> 'Node'][0], "
                  "{v}.props_json = {n}.props_json")
_SHARED_EDGE = ("MATCH (s:Node)-[r]->(t:Node) WHERE s.doc IS NULL AND t.doc IS NULL "
                "AND NOT type(r) IN ['DERIVES_FROM', 'PLAN_DERIVES_FROM']")
UPGRADE_FROM_1 = [
    f"""MATCH (n:Node)-[r]-(m:Node) WHERE n.doc IS NULL AND m.doc IS NOT NULL AND r.doc IS NOT NULL
          AND NOT type(r) IN ['DERIVES_FROM', 'PLAN_DERIVES_FROM']
        WITH n, collect(DISTINCT r.doc) AS docs
        UNWIND docs AS doc
        MERGE (o:Owner {{item: n.id, doc: doc}}) {_OWNER_OF_NODE.format(v="o", n="n")}""",
    *[f"""{_SHARED_EDGE}
          MATCH (o:Owner {{item: s.id}})
          WITH r, s, t, collect(DISTINCT o.doc) AS docs
          UNWIND docs AS doc
          MERGE (x:Owner {{item: r.id, doc: doc}})
          SET x.kind = 'edge', x.label = type(r), x.source = s.id, x.target = t.id, x.props_json = r.props_json
          MERGE (y:Owner {{item: t.id, doc: doc}}) {_OWNER_OF_NODE.format(v="y", n="t")}""" for _ in range(4)],
    f"""{_SHARED_EDGE} AND r.doc IS NOT NULL AND NOT EXISTS {{ MATCH (:Owner {{item: r.id}}) }}
        MERGE (x:Owner {{item: r.id, doc: r.doc}})
        SET x.kind = 'edge', x.label = type(r), x.source = s.id, x.target = t.id, x.props_json = r.props_json""",
    f"""{_SHARED_EDGE} AND r.doc IS NOT NULL SET r.doc = null""",
]

# Data written before schema 3 had only a few fields as properties: each node and edge is rewritten from its
# props_json (the fields are worked out in Python), in batches keyed by id.
NODES_JSON = ("MATCH (n:Node) RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Node'][0] AS label, n.doc AS doc, "
              "n.props_json AS props_json")
REWRITE_NODES = "UNWIND $rows AS row MATCH (n:Node {id: row.id}) SET n = row.fields"


def edges_json(type_: str) -> str:
    """Every edge of one type with its props_json, for the upgrade to schema 3."""
    return f"MATCH ()-[r:{rel_type(type_)}]->() RETURN r.id AS id, r.doc AS doc, r.props_json AS props_json"


def rewrite_edges(type_: str) -> str:
    """Replace the properties of edges of one type by id (the upgrade to schema 3)."""
    return f"UNWIND $rows AS row MATCH ()-[r:{rel_type(type_)} {{id: row.id}}]->() SET r = row.fields"


# ---- which plan pairs are aligned at which versions ------------------------------------------------------------
ALIGNED_PAIRS = """
MATCH (a:Aligned)
RETURN a.source_plan AS source, a.target_plan AS target, a.source_hash AS source_hash, a.target_hash AS target_hash
"""
RECORD_ALIGNED = """
UNWIND $rows AS row
MERGE (a:Aligned {source_plan: row.source, target_plan: row.target})
SET a.source_hash = row.source_hash, a.target_hash = row.target_hash
"""
FORGET_ALIGNED = """
MATCH (a:Aligned) WHERE a.source_plan = $plan_id OR a.target_plan = $plan_id
DELETE a
"""


def delete_owned_edges(type_: str) -> str:
    """Drop one type of edge a document owns; return the ends, whose shared nodes may now be orphans.

    Called once per type (never for DERIVES_FROM, which outlives a replacement) so each uses its index.
    """
    if type_ in LINK_TYPES:
        raise StoreError(f"{type_} links are not owned by a document")
    return f"""
MATCH (s:Node)-[r:{rel_type(type_)}]->(t:Node) WHERE r.doc = $doc
WITH r, s.id AS sid, t.id AS tid
DELETE r
RETURN count(*) AS n, collect(sid) + collect(tid) AS ends
"""


# Nodes a document owns that its new version no longer has. DETACH also drops the DERIVES_FROM links that
# touch them (the sqlite store deletes those as "dangling"); measures kept by id keep their links.
DELETE_OWNED_NODES_EXCEPT = """
MATCH (n:Node) WHERE n.doc = $doc AND NOT n.id IN $keep
DETACH DELETE n
RETURN count(*) AS n
"""

# A shared node (Agency, Law, Jurisdiction) without owners goes once no edge touches it any more.
DELETE_ORPHANS = """
UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE n.doc IS NULL AND NOT EXISTS { (n)--() }
  AND NOT EXISTS { MATCH (o:Owner {item: id}) }
DETACH DELETE n
RETURN count(*) AS n
"""


def upsert_nodes(label_: str) -> str:
    """Create or overwrite nodes of one label; rows are ``{id, fields}`` (``fields``: every property,
    ``neo4j_store.fields``). ``SET n = …`` replaces the whole property map, so a field the new version no
    longer has goes too; a node that changed label loses its other labels.
    """
    others = ":".join(label(x) for x in NODE_LABELS if x != label_)
    return f"""
UNWIND $rows AS row
MERGE (n:Node {{id: row.id}})
REMOVE n:{others}
SET n = row.fields
SET n:{label(label_)}
RETURN count(n) AS n
"""


def upsert_edges(type_: str) -> str:
    """Create or overwrite edges of one type between existing nodes; rows are ``{id, source, target, fields}``.
    Returns how many were written, so the caller can tell a row whose end is missing.

    Delete-by-id then CREATE rather than MERGE: MERGE scans every relationship of the two ends, which made
    writing a plan's HAS_MEASURE fan (hundreds of edges on one node) quadratic.
    """
    t = rel_type(type_)
    return f"""
UNWIND $rows AS row
MATCH (s:Node {{id: row.source}})
MATCH (t:Node {{id: row.target}})
OPTIONAL MATCH ()-[old:{t} {{id: row.id}}]->()
DELETE old
CREATE (s)-[r:{t}]->(t)
SET r = row.fields
RETURN count(r) AS n
"""


def delete_edges_by_id(type_: str) -> str:
    """Remove edges of one type by id wherever they are (``put_link`` may move a link to other ends)."""
    return f"""
UNWIND $ids AS id
MATCH ()-[r:{rel_type(type_)} {{id: id}}]->()
DELETE r
"""


# ---- reading ------------------------------------------------------------------------------------------
_NODE_FIELDS = ("n.id AS id, [l IN labels(n) WHERE l <> 'Node'][0] AS label, n.doc AS doc, "
                "n.props_json AS props_json")
GET_NODE = f"MATCH (n:Node {{id: $id}}) RETURN {_NODE_FIELDS}"


# A document's own nodes (the node_doc index), then every edge touching them but links, with the node at the
# other end (an agency, a law, a jurisdiction or another owned node): a plan tree in two reads.
DOCUMENT_NODES = f"MATCH (n:Node) WHERE n.doc = $doc RETURN {_NODE_FIELDS}"
DOCUMENT_EDGES = """
MATCH (n:Node) WHERE n.doc = $doc
MATCH (n)-[r]-(m:Node) WHERE NOT type(r) IN ['DERIVES_FROM', 'PLAN_DERIVES_FROM']
RETURN r.id AS id, type(r) AS type, startNode(r).id AS source, endNode(r).id AS target, r.doc AS doc,
       r.props_json AS props_json, m.id AS other_id, [l IN labels(m) WHERE l <> 'Node'][0] AS other_label,
       m.doc AS other_doc, m.props_json AS other_props_json
"""


GET_NODES = f"UNWIND $ids AS id MATCH (n:Node {{id: id}}) RETURN {_NODE_FIELDS}"
#: Which of these ids are stored nodes (to name the missing ends of edges a write refused).
EXISTING_IDS = "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN collect(n.id) AS found"
# What a measure's view shows (Store.measure_context): its structural edges both ways, with the other end.
MEASURE_CONTEXT = """
UNWIND $ids AS id
MATCH (n:Node {id: id})-[r:PART_OF|RESPONSIBLE_FOR|HAS_TARGET|CITES]-(m:Node)
RETURN r.id AS id, type(r) AS type, startNode(r).id AS source, endNode(r).id AS target, r.doc AS doc,
       r.props_json AS props_json, m.id AS other_id, [l IN labels(m) WHERE l <> 'Node'][0] AS other_label,
       m.doc AS other_doc, m.props_json AS other_props_json
"""
# One hop of a cascade from a frontier of measures: each measure and its task units, then the passing links
# into them (down) or out of them (up), on the links' own properties (status, scope, score, level).
_CASCADE_HOP = """
UNWIND $frontier AS mid
MATCH (m:Node {{id: mid}})
OPTIONAL MATCH (t:Measure)-[:PART_OF]->(m) WHERE t.kind = 'task'
WITH m, collect(t) AS kids
UNWIND [m] + kids AS u
MATCH (u){arrow}(o:Node)
WHERE coalesce(l.status, '') <> 'rejected'
  AND ($scope IS NULL OR l.scope = $scope) AND ($status IS NULL OR l.status = $status)
  AND ($min_score IS NULL OR l.score IS NULL OR l.score >= $min_score)
RETURN DISTINCT l.id AS id, type(l) AS type, startNode(l).id AS source, endNode(l).id AS target, l.doc AS doc,
       l.props_json AS props_json
"""
CASCADE_HOP_DOWN = _CASCADE_HOP.format(arrow="<-[l:DERIVES_FROM]-")
CASCADE_HOP_UP = _CASCADE_HOP.format(arrow="-[l:DERIVES_FROM]->")


SEARCH = f"""
CALL db.index.fulltext.queryNodes('node_search', $text, {{limit: $limit}}) YIELD node AS n, score
WHERE $labels IS NULL OR any(l IN labels(n) WHERE l IN $labels)
RETURN {_NODE_FIELDS}
ORDER BY score DESC, n.id
"""


# Keyset pages of links (Store.link_page), in id order (the rel_derives_from_id index), optionally a plan's.
_LINK_ROWS = """RETURN e.id AS id, type(e) AS type, startNode(e).id AS source, endNode(e).id AS target, e.doc AS doc,
       e.props_json AS props_json"""
# Without a plan, one text per case, each answered from an index (rel_derives_from_id, …_status_id) or, for the
# count of all, from the count store: ``$x IS NULL OR …`` conditions are not ones the planner can seek with.
LINK_PAGE = f"""
MATCH ()-[e:DERIVES_FROM]->() WHERE e.id > coalesce($after, '')
{_LINK_ROWS} ORDER BY id LIMIT $limit
"""
LINK_COUNT = "MATCH ()-[e:DERIVES_FROM]->() RETURN count(e) AS n"
STATUS_LINK_PAGE = f"""
MATCH ()-[e:DERIVES_FROM]->() WHERE e.status = $status AND e.id > coalesce($after, '')
{_LINK_ROWS} ORDER BY id LIMIT $limit
"""
STATUS_LINK_COUNT = "MATCH ()-[e:DERIVES_FROM]->() WHERE e.status = $status RETURN count(e) AS n"
_PLAN_LINKS = """MATCH (n:Node) WHERE n.doc = $plan MATCH (n)-[e:DERIVES_FROM]-()
WHERE ($status IS NULL OR e.status = $status)"""
PLAN_LINK_PAGE = f"""{_PLAN_LINKS} AND ($after IS NULL OR e.id > $after)
WITH DISTINCT e {_LINK_ROWS} ORDER BY id LIMIT $limit"""
PLAN_LINK_COUNT = f"{_PLAN_LINKS} RETURN count(DISTINCT e) AS n"


MEASURES_BY_PLAN_KIND = "MATCH (m:Measure) RETURN m.plan_id AS plan, m.kind AS kind, count(*) AS n"
ROLES_BY_AGENCY = """MATCH (a:Agency)-[r:RESPONSIBLE_FOR]->()
RETURN a.id AS agency, r.role AS role, count(*) AS n"""
LINKS_BY_PLAN_PAIR = """MATCH (s:Measure)-[e:DERIVES_FROM]->(t:Measure) WHERE coalesce(e.status, '') <> 'rejected'
RETURN s.plan_id AS source, t.plan_id AS target, count(*) AS n"""


def find_nodes(label_: str, key: str | None = None) -> str:
    """Nodes of one label, optionally narrowed by one copied (indexed) key equal to ``$value``."""
    if key is None:
        return f"MATCH (n:{label(label_)}) RETURN {_NODE_FIELDS}"
    if key not in NODE_KEYS[label_]:
        raise StoreError(f"{key!r} is not a top-level property of {label_}")
    return f"MATCH (n:{label(label_)}) WHERE n.{key} = $value RETURN {_NODE_FIELDS}"


def edges(type_: str | None, by_source: bool, by_target: bool) -> str:
    """Edges of one type (or all), optionally from ``$source`` and/or to ``$target``."""
    rel = f"[r:{rel_type(type_)}]" if type_ is not None else "[r]"
    s = "(s:Node {id: $source})" if by_source else "(s:Node)"
    t = "(t:Node {id: $target})" if by_target else "(t:Node)"
    return (f"MATCH {s}-{rel}->{t} RETURN r.id AS id, type(r) AS type, s.id AS source, t.id AS target, "
            "r.doc AS doc, r.props_json AS props_json")


def get_edge() -> str:
    """One edge by id: one index lookup per relationship type (an untyped pattern could use none)."""
    return "\nUNION ALL\n".join(
        f"MATCH (s:Node)-[r:{rel_type(t)} {{id: $id}}]->(t:Node) RETURN r.id AS id, type(r) AS type, "
        "s.id AS source, t.id AS target, r.doc AS doc, r.props_json AS props_json" for t in EDGE_TYPES)


def counts() -> str:
    """One row per label and per type; each ``count`` is answered from Neo4j's count store."""
    parts = [f"MATCH (n:{label(lab)}) RETURN 'nodes' AS kind, '{lab}' AS name, count(n) AS n"
             for lab in NODE_LABELS]
    parts += [f"MATCH ()-[r:{rel_type(t)}]->() RETURN 'edges' AS kind, '{t}' AS name, count(r) AS n"
              for t in EDGE_TYPES]
    return "\nUNION ALL\n".join(parts)


# ---- links and reviews -------------------------------------------------------------------------------
# From the source plans' nodes (the node_doc index), never from the index of every inferred link.
DELETE_INFERRED_LINKS = """
MATCH (s:Node) USING INDEX s:Node(doc) WHERE s.doc IN $sources
MATCH (s)-[r:DERIVES_FROM|PLAN_DERIVES_FROM]->(t:Node)
WHERE r.status = 'inferred' AND t.doc IN $targets
DELETE r
RETURN count(*) AS n
"""
# Reviewed links and review decisions of the given link sources only: reading every reviewed link and the whole
# log per plan pair made aligning a national corpus quadratic.
REVIEWED_PAIRS_FROM = """
UNWIND $sources AS sid
MATCH (s:Node {id: sid})-[r:DERIVES_FROM]->(t:Node) WHERE r.status <> 'inferred'
RETURN s.id AS source, t.id AS target
"""
REVIEWS_FROM = """
MATCH (r:Review) WHERE r.source IN $sources
RETURN r.source AS source, r.target AS target, r.decision AS decision, r.reviewer AS reviewer, r.at AS at,
       r.note AS note
ORDER BY r.seq
"""
# The counter node serialises concurrent appends: the SET takes its write lock until the commit.
APPEND_REVIEW = """
MERGE (c:Sequence {name: 'review'})
SET c.value = coalesce(c.value, 0) + 1
CREATE (:Review {seq: c.value, source: $source, target: $target, decision: $decision, reviewer: $reviewer,
                 at: $at, note: $note})
"""
ALL_REVIEWS = """
MATCH (r:Review)
RETURN r.source AS source, r.target AS target, r.decision AS decision, r.reviewer AS reviewer, r.at AS at,
       r.note AS note
ORDER BY r.seq
"""

CLEAR = "MATCH (n) DETACH DELETE n"

# The graph's version: a fresh random token written by every write transaction (a counter would repeat
# after CLEAR and let a reader trust a stale cache).
BUMP_VERSION = "MERGE (c:Sequence {name: 'graph'}) SET c.value = randomUUID()"
GET_VERSION = "MATCH (c:Sequence {name: 'graph'}) RETURN c.value AS value"
