"""Faults an unlucky operator meets, asked of every store (issue 9): shared facts outlive the document that
stated them last, reviews of every kind survive a delete and re-upload, a review is one transaction, a link
is found by id, and opening a store writes nothing.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS_DIR, load
from policygraph.align.run import align_plans
from policygraph.cli import main
from policygraph.errors import StoreError
from policygraph.ingest import load_paths
from policygraph.graph.model import Edge, Fragment, build_fragment, edge_id
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import Store, open_store
from policygraph.loaders.parse import parse_file
from policygraph.queries.review import add_link, get_link, review_link

Reference = Callable[[Iterable[Fragment]], SqliteStore]

CORPUS_COUNTS = {
    "nodes": {"Plan": 5, "Measure": 410, "Agency": 108, "Indicator": 94, "Law": 38, "Jurisdiction": 9},
    "edges": {"HAS_MEASURE": 410, "PART_OF": 410, "RESPONSIBLE_FOR": 419, "HAS_TARGET": 94, "CITES": 38,
              "ISSUED_BY": 5, "WITHIN": 6, "BELONGS_TO": 108, "DERIVES_FROM": 0,
              "PLAN_DERIVES_FROM": 0},
}

# A second plan of 红旗区 (新乡市, 河南省), naming bodies the sample's 2023 plan also names.
HONGQI_2024 = """2024年红旗区食品安全工作要点

2024年，红旗区食品安全工作以高效能治理保障高水平安全，切实增强人民群众的获得感、安全感、幸福感。

一、加强全过程质量安全控制

（一）严把产地环境安全关。加强耕地土壤污染源头防控，受污染耕地安全利用率达100%。（区农业农村局牵头，区生态环境局按职责分工负责）

（二）严把食品生产经营关。开展食品生产企业风险分级管理，推进“互联网+明厨亮灶”建设，学校食堂明厨亮灶覆盖率达到100%。（区市场监管局负责）

二、加强社会共治

（三）加强食品安全宣传。开展食品安全宣传周活动，普及食品安全知识。（区食安办，区教育局、区卫生健康委按职责分工负责）

（四）落实属地管理责任。落实《中华人民共和国食品安全法》，推动基层监管力量下沉。（各乡镇人民政府、街道办事处，新乡市市场监督管理局红旗分局负责）
"""


def hongqi_2024(tmp_path: Path, without: str | None = None) -> Fragment:
    """The second 红旗区 plan as a fragment; ``without`` drops the item starting with that text (a new version)."""
    text = HONGQI_2024 if without is None else "\n\n".join(p for p in HONGQI_2024.split("\n\n")
                                                              if not p.startswith(without))
    path = tmp_path / f"hongqi-2024-{'v2' if without else 'v1'}.txt"
    path.write_text(text, encoding="utf-8")
    return build_fragment(parse_file(path))


def reopen(store: Store) -> Store:
    """A second handle on the same store, as another process would open it."""
    if isinstance(store, SqliteStore):
        return SqliteStore(store.path)
    return open_store(os.environ["NEO4J_URI"])


# ---- shared facts ------------------------------------------------------------------------------------------
def test_loading_and_deleting_a_second_hongqi_plan_leaves_the_sample_corpus_as_it_was(
        store: Store, corpus: dict[str, Fragment], reference: Reference, tmp_path: Path) -> None:
    load(store, corpus.values())
    second = hongqi_2024(tmp_path)
    assert second.plan_id not in corpus.values() and store.write_fragment(second).status == "added"
    assert store.delete_document(second.plan_id) is True
    alone = reference(corpus.values())
    assert store.counts() == alone.counts() == CORPUS_COUNTS  # every agency keeps its 红旗区, 新乡市 stays
    assert store.export() == alone.export()


def test_a_plan_loaded_before_the_corpus_and_deleted_leaves_the_corpus_as_if_loaded_alone(
        store: Store, corpus: dict[str, Fragment], reference: Reference, tmp_path: Path) -> None:
    second = hongqi_2024(tmp_path)
    store.write_fragment(second)
    load(store, corpus.values())
    store.delete_document(second.plan_id)
    assert store.export() == reference(corpus.values()).export()


def test_replacing_the_second_hongqi_plan_leaves_the_store_as_if_only_its_new_version_was_loaded(
        store: Store, corpus: dict[str, Fragment], reference: Reference, tmp_path: Path) -> None:
    load(store, corpus.values())
    v1, v2 = hongqi_2024(tmp_path), hongqi_2024(tmp_path, without="（一）")
    assert v1.plan_id == v2.plan_id and v1.content_hash != v2.content_hash
    store.write_fragment(v1)
    assert store.write_fragment(v2).status == "replaced"
    fresh = reference([*corpus.values(), v2])
    assert store.counts() == fresh.counts()
    assert store.export() == fresh.export()


def test_the_shared_facts_do_not_depend_on_the_order_of_loads(
        store: Store, corpus: dict[str, Fragment], reference: Reference, tmp_path: Path) -> None:
    second = hongqi_2024(tmp_path)
    load(store, [second, *reversed(list(corpus.values()))])
    assert store.export() == reference([*corpus.values(), second]).export()


# ---- reviews survive delete and re-upload --------------------------------------------------------------------
@pytest.fixture
def aligned(store: Store) -> Store:
    load_paths(store, [CORPUS_DIR])
    align_plans(store)
    return store


def _a_link_from(store: Store, jurisdiction: str) -> str:
    plan = next(p for p in store.plans() if p.props["jurisdiction"] == jurisdiction)
    return next(e.id for e in store.links("inferred") if e.props["source_plan"] == plan.id)


def _upload_again(store: Store, plan_id: str) -> None:
    """Delete the plan and load its file again, as the API's DELETE and POST /documents do."""
    path = next(p for p in sorted(CORPUS_DIR.glob("*.txt")) if parse_file(p).plan.id == plan_id)
    assert store.delete_document(plan_id)
    load_paths(store, [path])
    align_plans(store, [plan_id])


@pytest.mark.parametrize("decision, status", [("confirm", "confirmed"), ("reject", "rejected")])
def test_a_reviewed_link_keeps_its_review_after_its_document_is_deleted_and_uploaded_again(
        aligned: Store, decision: str, status: str) -> None:
    store = aligned
    link_id = _a_link_from(store, "西平县")
    reviewed = review_link(store, link_id, decision, "auditor", note="checked against the text")  # type: ignore[arg-type]
    assert reviewed.source_plan is not None
    _upload_again(store, reviewed.source_plan.id)
    back = store.get_edge(link_id)
    if status == "rejected":
        assert back is None  # a rejected pair is never re-created
    else:
        assert back is not None and back.props["status"] == "confirmed"
        assert back.props["reviewed_by"] == "auditor" and back.props["note"] == "checked against the text"
        assert back.props["reviewed_at"] == reviewed.reviewed_at
        assert get_link(store, link_id).link.status == "confirmed"
    log = [r for r in store.reviews() if (r.source, r.target) == (reviewed.link.source, reviewed.link.target)]
    assert [r.decision for r in log] == [status]


def test_a_hand_added_link_comes_back_after_its_document_is_deleted_and_uploaded_again(aligned: Store) -> None:
    store = aligned
    county = next(p for p in store.plans() if p.props["jurisdiction"] == "红旗区")
    province = next(p for p in store.plans() if p.props["level"] == "province")
    linked = {(e.source, e.target) for e in store.links()}
    source = next(m for m in store.find_nodes("Measure", plan_id=county.id, kind="task"))
    target = next(m for m in store.find_nodes("Measure", plan_id=province.id, kind="task")
                  if (source.id, m.id) not in linked)
    added = add_link(store, source.id, target.id, "auditor", note="missed by the aligner")
    before = store.get_edge(added.link.link_id)
    _upload_again(store, county.id)
    assert store.get_edge(added.link.link_id) == before


# ---- a review is one transaction ----------------------------------------------------------------------------
def test_a_review_whose_log_entry_cannot_be_written_changes_nothing(aligned: Store,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = aligned
    link_id = _a_link_from(store, "红旗区")
    before, log = store.get_edge(link_id), store.reviews()
    if isinstance(store, SqliteStore):
        monkeypatch.setattr("policygraph.graph.sqlite_sql.APPEND_REVIEW",
                            "INSERT INTO no_such_table VALUES (?, ?, ?, ?, ?, ?)")
    else:
        monkeypatch.setattr("policygraph.graph.neo4j_cypher.APPEND_REVIEW", "RETURN 1 / 0")
    with pytest.raises(StoreError):
        review_link(store, link_id, "confirm", "auditor")
    monkeypatch.undo()
    assert store.get_edge(link_id) == before and before is not None and before.props["status"] == "inferred"
    assert store.reviews() == log
    assert reopen(store).get_edge(link_id) == before


# ---- one link by id --------------------------------------------------------------------------------------
def test_a_link_and_any_edge_are_found_by_id(aligned: Store) -> None:
    store = aligned
    for type_ in ("DERIVES_FROM", "BELONGS_TO", "HAS_MEASURE"):
        e = store.edges(type_)[0]
        assert store.get_edge(e.id) == e
    assert store.get_edge("e-no-such-edge") is None


# ---- opening writes nothing ------------------------------------------------------------------------------
def test_opening_a_store_does_not_make_other_readers_reread_the_graph(store: Store,
                                                                      corpus: dict[str, Fragment]) -> None:
    load(store, corpus.values())
    version = store.version()
    reopen(store).close()
    assert store.version() == version


def test_stats_answers_while_another_process_holds_the_write_lock(tmp_path: Path,
                                                                   corpus: dict[str, Fragment]) -> None:
    path = tmp_path / "g.db"
    with SqliteStore(path) as s:
        load(s, [corpus["004"]])
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO reviews(source, target, decision, reviewer, at, note) "
                   "VALUES ('a', 'b', 'rejected', 'x', 'now', '')")
    try:
        with SqliteStore(path, busy_timeout_s=0.5) as reader:  # an open that wrote would wait, then fail
            assert reader.counts()["nodes"]["Plan"] == 1
        result = CliRunner().invoke(main, ["stats", "--json", "--store", f"sqlite:///{path}"])
        assert result.exit_code == 0, result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# ---- a store that does not exist ---------------------------------------------------------------------------
def test_a_read_command_refuses_a_mistyped_store_in_one_line(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    for command in (["stats"], ["export"], ["plans"]):
        result = CliRunner().invoke(main, [*command, "--store", f"sqlite:///{typo}"])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.count("\n") == 1 and str(typo) in result.stderr and "load" in result.stderr
    assert not typo.exists()


def test_open_store_without_create_refuses_a_missing_file_and_load_still_creates_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with pytest.raises(StoreError, match="no such graph database"):
        open_store(url, create=False)
    result = CliRunner().invoke(main, ["load", "--no-align", str(CORPUS_DIR / "004_deef08175ff29da4.txt"),
                                       "--store", url])
    assert result.exit_code == 0 and "1 documents loaded" in result.stdout
    with open_store(url, create=False) as s:
        assert s.counts()["nodes"]["Plan"] == 1


def test_a_file_that_is_no_graph_database_is_refused_by_read_commands(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not a PolicyGraph graph database"):
        open_store(f"sqlite:///{other}", create=False)


# ---- stores written before shared facts had owners -------------------------------------------------------------
def write_as_schema_1(store: Store, fragments: Iterable[Fragment]) -> Store:
    """The fragments written as the first schema stored them (each shared edge owned by its last writer, no
    owner records), and the store reopened, as an upgraded program would find it."""
    for f in fragments:
        legacy = [e.model_copy(update={"doc": f.plan_id}) if e.doc is None else e for e in f.edges]
        store.write_fragment(f.model_copy(update={"edges": legacy}))
    if isinstance(store, SqliteStore):
        store.db.executescript("DROP TABLE owners; DROP TABLE alignments; "
                               "UPDATE meta SET value = '1' WHERE key = 'schema_version';")
    else:
        for q in ("MATCH (o:Owner) DELETE o", "MATCH (c:Sequence {name: 'schema'}) DELETE c"):
            store.driver.execute_query(q)  # type: ignore[attr-defined]
    return reopen(store)


def test_a_store_written_by_the_first_schema_is_upgraded_by_its_first_write(
        store: Store, corpus: dict[str, Fragment], reference: Reference, tmp_path: Path) -> None:
    second = hongqi_2024(tmp_path)
    old = write_as_schema_1(store, [*corpus.values(), second])
    try:
        assert old.aligned_versions() == {}  # readable before the upgrade, and opening it wrote nothing
        assert old.delete_document(second.plan_id)
        assert old.export() == reference(corpus.values()).export()
    finally:
        old.close()


# ---- stores written before measures had their searched text and the full-text index ----------------------------
def without_searched(f: Fragment) -> Fragment:
    nodes = [n.model_copy(update={"props": {k: v for k, v in n.props.items() if k != "searched"}})
             if n.label == "Measure" else n for n in f.nodes]
    return f.model_copy(update={"nodes": nodes})


def test_a_store_written_before_search_existed_is_indexed_by_its_first_write(
        store: Store, corpus: dict[str, Fragment], reference: Reference, tmp_path: Path) -> None:
    """Written as schema 2 (sqlite) or 3 (Neo4j) stored it, a store still answers searches (by a scan of whole
    texts); its first write gives every measure its searched text and fills the index, and from then on it
    answers exactly as a store loaded from scratch."""
    from policygraph import queries as q

    load(store, [without_searched(f) for f in corpus.values()])
    hebei, xx = sorted(f.plan_id for f in corpus.values())[:2]
    legacy = Edge(id=edge_id("DERIVES_FROM", xx, hebei), type="DERIVES_FROM", source=xx, target=hebei,
                  props={"level": "plan", "status": "inferred", "scope": "cross", "basis": "jurisdiction"})
    store.put_link(legacy)  # a plan-level link as schemas before 3 (sqlite) and 4 (Neo4j) wrote it
    if isinstance(store, SqliteStore):
        store.db.executescript("DROP TABLE search; DROP TABLE search_rows; "
                               "UPDATE meta SET value = '2' WHERE key = 'schema_version';")
    else:
        store.driver.execute_query("MATCH (c:Sequence {name: 'schema'}) SET c.value = 3")  # type: ignore[attr-defined]
    old = reopen(store)
    try:
        assert q.search(old, "追溯").items  # readable before the upgrade
        second = hongqi_2024(tmp_path)
        old.write_fragment(second)
        assert old.delete_document(second.plan_id)
        assert old.edges("DERIVES_FROM") == []
        (plan_link,) = old.edges("PLAN_DERIVES_FROM")
        assert (plan_link.source, plan_link.target, plan_link.props["basis"]) == (xx, hebei, "jurisdiction")
        old.delete_document(xx)
        assert old.edges("PLAN_DERIVES_FROM") == []  # a link goes with its plan
        old.write_fragment(next(f for f in corpus.values() if f.plan_id == xx))
        fresh = reference(corpus.values())
        assert old.export() == fresh.export()
        for query in ("追溯", "质量安全 监管", "市场监督管理局"):
            assert q.search(old, query) == q.search(fresh, query), query
    finally:
        old.close()
