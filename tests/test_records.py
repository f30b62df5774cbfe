"""Typed records (graph/records.py): what writers store is what readers read, field for field.

Readers take a node's or an edge's fields from its record (``node.measure.kind``), never from the raw property
map, so the records are the schema: every map the fragment builder, the aligner and review write must validate
against its record with unknown fields refused, and no module outside the stores may pick keys out of a map.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policygraph.graph.model import Edge, Fragment, Node, manual_link
from policygraph.graph.records import EDGE_RECORDS, NODE_RECORDS, LinkRecord, MeasureRecord, read
from policygraph.graph.store import Store

PACKAGE = Path(__file__).resolve().parent.parent / "policygraph"
#: The stores and the graph model own the property maps; everyone else reads records.
MAP_OWNERS = {"graph/sqlite_store.py", "graph/sqlite_sql.py", "graph/neo4j_store.py", "graph/neo4j_cypher.py",
              "graph/model.py", "graph/records.py", "graph/textindex.py", "graph/store.py",
              "graph/networkx_view.py"}


def test_every_fragment_field_is_a_record_field(corpus: dict[str, Fragment]) -> None:
    for fragment in corpus.values():
        for n in fragment.nodes:  # the builder skips validation (model_construct): validate here
            Node.model_validate(n.model_dump())
            NODE_RECORDS[n.label].model_validate(n.props)  # extra="forbid": a field readers cannot see fails
        for e in fragment.edges:
            Edge.model_validate(e.model_dump())
            EDGE_RECORDS[e.type].model_validate(e.props)


def test_every_stored_link_is_a_link_record(sqlite_graph: Store) -> None:
    links = sqlite_graph.edges("DERIVES_FROM") + sqlite_graph.edges("PLAN_DERIVES_FROM")
    assert links
    for e in links:
        LinkRecord.model_validate(e.props)
    assert {e.link.status for e in links} == {"inferred"}
    assert all(e.link.score is not None and 0 < e.link.score <= 1 for e in sqlite_graph.edges("DERIVES_FROM"))


def test_a_record_reads_defaults_for_fields_an_older_map_lacks() -> None:
    old = Node(id="m-1", label="Measure", doc="p", props={"kind": "task", "text": "完善追溯体系", "plan_id": "p"})
    assert old.measure.searched is None and old.measure.span == [] and old.measure.start == 0
    assert old.measure.fields() == {"kind": "task", "text": "完善追溯体系", "plan_id": "p"}


def test_a_record_of_the_wrong_label_is_an_error() -> None:
    n = Node(id="p-1", label="Plan", props={"title": "方案"})
    with pytest.raises(TypeError, match="p-1 is a Plan, not a Measure"):
        _ = n.measure
    e = Edge(id="e-1", type="PART_OF", source="a", target="b", props={"order": 2})
    assert e.part_of.order == 2
    with pytest.raises(TypeError, match="not a DERIVES_FROM or PLAN_DERIVES_FROM"):
        _ = e.link


def test_a_copy_reads_its_own_fields_not_the_originals() -> None:
    n = Node(id="m-1", label="Measure", props={"kind": "item", "title": "一"})
    assert n.measure.kind == "item"  # read and kept on n
    copy = n.model_copy(update={"props": {"kind": "task", "title": "二"}})
    assert (copy.measure.kind, copy.measure.title) == ("task", "二")
    assert n.measure.kind == "item"


def test_a_review_changes_only_record_fields() -> None:
    link = manual_link("t", "m", "lower", "higher", "within", "auditor", "2026-12-02T00:00:00Z")
    rejected = link.with_fields(status="rejected", note="不相关")
    assert (rejected.link.status, rejected.link.note, rejected.link.live) == ("rejected", "不相关", False)
    assert (link.link.status, link.link.live) == ("confirmed", True)
    with pytest.raises(ValueError, match="DERIVES_FROM has no field stauts"):
        link.with_fields(stauts="rejected")


def test_records_cover_every_label_and_edge_type() -> None:
    from policygraph.graph.model import EDGE_TYPES, NODE_LABELS

    assert set(NODE_RECORDS) == set(NODE_LABELS) and set(EDGE_RECORDS) == set(EDGE_TYPES)
    assert "searched" in MeasureRecord.model_fields


def _map_reads(path: Path, root: Path = PACKAGE) -> list[str]:
    """``x.props.get(...)`` and ``x.props[...]`` in a module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            target = node.func.value
        elif isinstance(node, ast.Subscript):
            target = node.value
        if isinstance(target, ast.Attribute) and target.attr == "props":
            out.append(f"{path.relative_to(root)}:{node.lineno}")
    return out


def test_only_the_stores_read_property_maps() -> None:
    found = [hit for m in sorted(PACKAGE.rglob("*.py")) if m.relative_to(PACKAGE).as_posix() not in MAP_OWNERS
             for hit in _map_reads(m)]
    assert not found, f"read the record instead (graph/records.py): {', '.join(found)}"


def test_the_map_read_check_sees_both_forms(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f(n):\n    return n.props.get('kind'), n.props['title'], n.measure.kind\n",
                      encoding="utf-8")
    assert _map_reads(sample, tmp_path) == ["m.py:2", "m.py:2"]


@given(st.dictionaries(st.sampled_from(["kind", "number", "title", "text", "span", "order", "plan_id", "parent_id",
                                        "searched", "unknown"]),
                       st.one_of(st.none(), st.text(max_size=5), st.integers(0, 9), st.lists(st.integers(0, 9))),
                       max_size=10))
def test_reading_a_record_equals_pydantic_s_model_construct(props: dict[str, object]) -> None:
    for cls in (MeasureRecord, LinkRecord):
        got = read(cls, props)
        want = cls.model_construct(**{k: v for k, v in props.items() if k in cls.model_fields})
        assert got == want and got.model_fields_set == want.model_fields_set
