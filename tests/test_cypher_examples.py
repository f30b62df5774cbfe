"""The README's Cypher examples, run against a real Neo4j server holding the sample corpus, loaded and aligned.

Each example must answer what the store's own reads answer: the example is a promise to users who query our
database by hand (Neo4j Browser, Bloom, other applications), so it is tested like the API. Also here: what the
stored property map of a node or an edge is (``neo4j_store.fields``), and that data written before every field
became a property gets them at its first write.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from policygraph.graph.store import Store

EXAMPLES = re.findall(r"```cypher\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def neo4j_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from conftest import OPENERS, CORPUS_DIR
    from policygraph.align.run import align_plans
    from policygraph.ingest import load_paths

    store = OPENERS["neo4j"](tmp_path_factory.mktemp("neo4j"))
    load_paths(store, [CORPUS_DIR])
    align_plans(store)
    yield store
    store.close()


def cypher(store: Store, text: str) -> list[dict[str, Any]]:
    """Run an example as a user would paste it (no parameters)."""
    with store.driver.session(database=store.database) as session:  # type: ignore[attr-defined]
        return [r.data() for r in session.run(text)]


def example(word: str) -> str:
    (found,) = [e for e in EXAMPLES if word in e.splitlines()[0]]
    return found


def plan_of(store: Store, place: str) -> str:
    (plan,) = [p.id for p in store.plans() if p.props.get("jurisdiction") == place]
    return plan


def test_the_readme_has_three_examples() -> None:
    assert len(EXAMPLES) == 3


def test_which_tasks_implement_hebei_measure_24(neo4j_graph: Store) -> None:
    rows = cypher(neo4j_graph, example("measure 24"))
    hebei = plan_of(neo4j_graph, "河北省")
    (m24,) = [m.id for m in neo4j_graph.find_nodes("Measure", plan_id=hebei, number="24")]
    expected = sorted(neo4j_graph.get_node(e.source).props["text"]  # type: ignore[union-attr]
                      for e in neo4j_graph.edges("DERIVES_FROM", target=m24) if e.props["status"] != "rejected")
    assert sorted(r["task"] for r in rows) == expected
    assert len({r["plan"] for r in rows}) >= 2 and any("追溯" in r["task"] for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_who_carries_how_many_of_the_district_tasks_in_which_role(neo4j_graph: Store) -> None:
    rows = cypher(neo4j_graph, example("Who carries"))
    plan = plan_of(neo4j_graph, "红旗区")
    roles: Counter[tuple[str, str]] = Counter()
    for t in neo4j_graph.find_nodes("Measure", plan_id=plan, kind="task"):
        for pair in {(a.props["name"], e.props["role"]) for a, e in neo4j_graph.agencies_of(t.id)}:
            roles[pair] += 1
    assert {(r["body"], r["role"]): r["tasks"] for r in rows} == dict(roles)
    assert {"lead", "responsible"} <= {r["role"] for r in rows}
    assert [r["tasks"] for r in rows] == sorted((r["tasks"] for r in rows), reverse=True)


def test_which_provincial_measures_no_lower_task_implements(neo4j_graph: Store) -> None:
    rows = cypher(neo4j_graph, example("gaps"))
    hebei = plan_of(neo4j_graph, "河北省")
    linked = {e.target for e in neo4j_graph.edges("DERIVES_FROM") if e.props.get("status") != "rejected"}
    measures = sorted((m for m in neo4j_graph.find_nodes("Measure", plan_id=hebei)
                       if m.props["kind"] != "section" and m.props.get("number") and m.id not in linked),
                      key=lambda m: m.props["span"][0])
    assert [r["measure"] for r in rows] == [m.props["number"] for m in measures]
    assert 0 < len(rows) < len(neo4j_graph.find_nodes("Measure", plan_id=hebei))


def test_a_link_keeps_its_fields_as_properties_and_its_evidence_as_json(neo4j_graph: Store) -> None:
    (row,) = cypher(neo4j_graph, "MATCH ()-[l:DERIVES_FROM {status: 'inferred'}]->() WHERE l.score IS NOT NULL "
                                 "RETURN properties(l) AS p ORDER BY l.id LIMIT 1")
    p = row["p"]
    assert isinstance(p["score"], float) and p["scope"] in ("within", "cross") and p["method"]
    assert isinstance(p["evidence_json"], str) and "evidence" not in p
    (task,) = cypher(neo4j_graph, "MATCH (t:Measure {kind: 'task'}) RETURN properties(t) AS p ORDER BY t.id LIMIT 1")
    assert isinstance(task["p"]["span"], list) and isinstance(task["p"]["text"], str)


def test_a_field_a_new_version_drops_is_no_longer_a_property(store: Store) -> None:
    from policygraph.graph.model import Fragment, Node

    if store.name != "neo4j":
        pytest.skip("about Neo4j's property map")
    node = Node(id="p-x", label="Plan", doc="p-x", props={"title": "甲", "year": 2024, "issuer": "县政府"})
    store.write_fragment(Fragment(plan_id="p-x", content_hash="1", nodes=[node], edges=[]))
    again = node.model_copy(update={"props": {"title": "甲", "year": 2024}})
    store.write_fragment(Fragment(plan_id="p-x", content_hash="2", nodes=[again], edges=[]))
    (row,) = cypher(store, "MATCH (p:Plan {id: 'p-x'}) RETURN properties(p) AS p")
    assert "issuer" not in row["p"] and row["p"]["title"] == "甲"
    assert store.get_node("p-x") == again


def test_data_written_before_fields_were_properties_gets_them_at_its_first_write(store: Store) -> None:
    from policygraph.graph.model import Fragment, Node

    if store.name != "neo4j":
        pytest.skip("about Neo4j's schema upgrade")
    a = Node(id="p-a", label="Plan", doc="p-a", props={"title": "甲", "level": "county", "year": 2024})
    store.write_fragment(Fragment(plan_id="p-a", content_hash="1", nodes=[a], edges=[]))
    # As schema 2 stored it: the JSON and a few copied keys only.
    cypher(store, "MATCH (p:Plan {id: 'p-a'}) SET p = {id: p.id, doc: p.doc, props_json: p.props_json, "
                  "level: p.level} WITH p MATCH (c:Sequence {name: 'schema'}) SET c.value = 2")
    b = Node(id="p-b", label="Plan", doc="p-b", props={"title": "乙"})
    store.write_fragment(Fragment(plan_id="p-b", content_hash="1", nodes=[b], edges=[]))
    (row,) = cypher(store, "MATCH (p:Plan {id: 'p-a'}) RETURN p.title AS title, p.year AS year")
    assert row == {"title": "甲", "year": 2024}
    assert store.get_node("p-a") == a


scalars = st.one_of(st.text(max_size=5), st.integers(-2**70, 2**70), st.floats(allow_nan=False), st.booleans(),
                    st.none())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                              max_size=3), max_leaves=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(alphabet="abcd甲乙", min_size=1, max_size=6), values, max_size=6))
def test_every_field_is_a_property_neo4j_can_hold_or_json(props: dict[str, Any]) -> None:
    from policygraph.graph.model import canonical_json
    from policygraph.graph.neo4j_store import fields

    out = fields("x", None, props)
    assert (out["id"], out["doc"], out["props_json"]) == ("x", None, canonical_json(props))
    for k, v in props.items():
        if k in ("id", "doc", "props_json") or v is None:
            continue
        if k in out and k + "_json" not in out:
            stored = out[k]
            items = stored if isinstance(stored, list) else [stored]
            assert len({type(i) for i in items}) <= 1
            assert all(isinstance(i, (str, bool, float)) or (isinstance(i, int) and -2**63 <= i < 2**63)
                       for i in items)
            assert stored == v
        else:
            assert out[k + "_json"] == canonical_json(v)
