"""The store contract (graph/store.py), asked of every registered store as a user would ask it.

Each store is also compared with a fresh sqlite store holding the same documents (``reference``): after
any history of loads, replacements and deletions a store must answer exactly as if it had been loaded
from scratch. The last tests are about the embedded store's file alone: reopening, a killed load, two
loaders at once.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from conftest import REPO, load
from policygraph.graph.readback import plan_tree
from policygraph.graph.model import Edge, Fragment, Node, agency_id, build_fragment, edge_id
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import ReviewRecord, Store
from policygraph.loaders.model import Measure, PlanTree
from policygraph.loaders.parse import parse_file

Reference = Callable[[Iterable[Fragment]], SqliteStore]

# What the five sample documents make. Written out so that a parser change that moves them shows up in review.
CORPUS_COUNTS = {
    "nodes": {"Plan": 5, "Measure": 410, "Agency": 108, "Indicator": 94, "Law": 38, "Jurisdiction": 9},
    "edges": {"HAS_MEASURE": 410, "PART_OF": 410, "RESPONSIBLE_FOR": 419, "HAS_TARGET": 94, "CITES": 38,
              "ISSUED_BY": 5, "WITHIN": 6, "BELONGS_TO": 108, "DERIVES_FROM": 0,
              "PLAN_DERIVES_FROM": 0},
}


def link(source: str, target: str, status: str = "inferred", score: float = 0.5) -> Edge:
    """A measure-to-measure DERIVES_FROM link as the aligner or a reviewer makes it."""
    return Edge(id=edge_id("DERIVES_FROM", source, target), type="DERIVES_FROM", source=source, target=target,
                props={"status": status, "score": score, "level": "measure"})


def review(source: str, target: str, decision: str, at: str = "2024-05-01T10:00:00+00:00") -> ReviewRecord:
    return ReviewRecord(source, target, decision, reviewer="auditor", at=at, note="")  # type: ignore[arg-type]


def sorted_measures(tree: PlanTree) -> list[Measure]:
    """A tree's measures parents first, siblings in document order (the order ``plan_tree`` gives)."""
    kids: dict[str | None, list[Measure]] = {}
    for m in tree.measures:
        kids.setdefault(m.parent_id, []).append(m)
    out: list[Measure] = []
    stack = sorted(kids.get(None, []), key=lambda m: m.order, reverse=True)
    while stack:
        m = stack.pop()
        out.append(m)
        stack.extend(sorted(kids.get(m.id, []), key=lambda c: c.order, reverse=True))
    return out


def tasks(tree: PlanTree) -> list[Measure]:
    return [m for m in tree.measures if m.kind == "task"]


def node_ids(s: Store) -> list[str]:
    return [n["id"] for n in s.export()["nodes"]]


def link_ids(s: Store) -> list[str]:
    return [e.id for e in s.edges("DERIVES_FROM")]


def place_chain(s: Store, plan_id: str) -> list[str]:
    """Names from the plan's place up: ISSUED_BY once, then WITHIN until the top."""
    (issued,) = s.edges("ISSUED_BY", source=plan_id)
    chain, here = [], issued.target
    while True:
        node = s.get_node(here)
        assert node is not None
        chain.append(node.props["name"])
        up = s.edges("WITHIN", source=here)
        if not up:
            return chain
        here = up[0].target


# ---- loading ---------------------------------------------------------------------------------------------
def test_loading_the_five_sample_documents_gives_these_counts(store: Store, corpus: dict[str, Fragment]) -> None:
    assert load(store, corpus.values()) == ["added"] * 5
    assert store.counts() == CORPUS_COUNTS


def test_every_store_exports_the_same_graph(store: Store, corpus: dict[str, Fragment],
                                            reference: Reference) -> None:
    load(store, corpus.values())
    exported, expected = store.export(), reference(corpus.values()).export()
    assert node_ids(store) == [n["id"] for n in expected["nodes"]]
    assert [e["id"] for e in exported["links"]] == [e["id"] for e in expected["links"]]
    assert exported == expected  # properties too: Neo4j reads back exactly what it was given


def test_reloading_the_same_documents_changes_nothing(store: Store, corpus: dict[str, Fragment]) -> None:
    load(store, corpus.values())
    before = store.export()
    assert load(store, corpus.values()) == ["unchanged"] * 5
    assert store.counts() == CORPUS_COUNTS
    assert store.export() == before
    assert store.document_hash(corpus["003"].plan_id) == corpus["003"].content_hash


def test_writing_documents_together_equals_writing_them_one_by_one(store: Store, corpus: dict[str, Fragment],
                                                                   reference: Callable[..., SqliteStore]) -> None:
    fragments = list(corpus.values())
    assert [r.status for r in store.write_fragments(fragments)] == ["added"] * 5
    assert store.export() == reference(fragments).export()
    assert [r.status for r in store.write_fragments(fragments[:2])] == ["unchanged"] * 2


def test_a_failing_document_in_a_batch_keeps_those_before_it_and_takes_back_only_itself(
        store: Store, corpus: dict[str, Fragment]) -> None:
    good = list(corpus.values())
    plan = next(n for n in good[2].nodes if n.label == "Plan")
    dangling = Edge(id="e-dangling", type="ISSUED_BY", source=plan.id, target="j-nowhere", doc=plan.id)
    bad = good[2].model_copy(update={"edges": [*good[2].edges, dangling]})
    with pytest.raises(Exception, match="j-nowhere"):
        store.write_fragments([good[0], good[1], bad, good[3]])
    assert {good[0].plan_id, good[1].plan_id} <= set(store.document_hashes())
    assert store.document_hash(bad.plan_id) is None and store.document_hash(good[3].plan_id) is None
    assert store.get_node(plan.id) is None  # nothing of the failed document is left half-written

# ---- traversals --------------------------------------------------------------------------------------------
def test_which_items_make_up_section_two_of_the_hongqi_plan(store: Store, corpus: dict[str, Fragment],
                                                             corpus_trees: dict[str, PlanTree],
                                                             reference: Reference) -> None:
    load(store, corpus.values())
    tree = corpus_trees["004"]
    section = next(m for m in tree.measures if m.kind == "section" and m.number == "二")
    expected = [m.id for m in sorted((m for m in tree.measures if m.parent_id == section.id), key=lambda m: m.order)]
    assert len(expected) > 1
    assert [n.id for n in store.children(section.id)] == expected
    assert store.children(section.id) == reference(corpus.values()).children(section.id)
    top = [m.id for m in tree.measures if m.parent_id is None]
    assert [n.id for n in store.children(tree.plan.id)] == top


def test_who_carries_the_task_with_most_bodies_in_the_order_written(store: Store, corpus: dict[str, Fragment],
                                                                    corpus_trees: dict[str, PlanTree],
                                                                    reference: Reference) -> None:
    load(store, corpus.values())
    task = max(tasks(corpus_trees["004"]), key=lambda m: len(m.agencies))
    assert len(task.agencies) >= 3
    got = store.agencies_of(task.id)
    assert [(n.props["name"], e.props["role"]) for n, e in got] == [(a.name, a.role) for a in task.agencies]
    assert got == reference(corpus.values()).agencies_of(task.id)


def test_a_stored_plan_reads_back_as_the_tree_it_was_parsed_into(store: Store, corpus: dict[str, Fragment],
                                                                 corpus_trees: dict[str, PlanTree]) -> None:
    """``plan_tree`` (what the aligner and the plan page read) from ``document_graph``: every measure, its
    bodies in the order written, its targets and citations, as parsed; only the source text is not kept."""
    load(store, corpus.values())
    for doc, tree in corpus_trees.items():
        back = plan_tree(store, tree.plan.id)
        # The place is a shared node: another document's reading of 河北省 (its code, say) may be the one kept.
        assert back.plan.model_dump(exclude={"jurisdiction"}) == tree.plan.model_dump(exclude={"jurisdiction"})
        assert (back.plan.jurisdiction.name, back.plan.jurisdiction.level) == (tree.plan.jurisdiction.name,
                                                                              tree.plan.jurisdiction.level), doc
        assert back.measures == sorted_measures(tree), doc


def test_a_document_graph_holds_its_nodes_and_their_bodies_but_no_links(store: Store, corpus: dict[str, Fragment],
                                                                        corpus_trees: dict[str, PlanTree]) -> None:
    load(store, corpus.values())
    tree = corpus_trees["004"]
    task = max(tasks(tree), key=lambda m: len(m.agencies))
    other = next(m for m in tasks(corpus_trees["001"]))
    store.put_link(link(task.id, other.id))
    nodes, edges = store.document_graph(tree.plan.id)
    ids = {n.id for n in nodes}
    assert {m.id for m in tree.measures} <= ids and tree.plan.id in ids
    assert {agency_id(a.name) for a in task.agencies} <= ids  # shared nodes at the end of its edges
    assert other.id not in ids and all(e.type != "DERIVES_FROM" for e in edges)
    responsible = [e for e in edges if e.type == "RESPONSIBLE_FOR" and e.target == task.id]
    assert len(responsible) == len(task.agencies)
    assert [n.id for n in nodes] == sorted(ids) and [e.id for e in edges] == sorted(e.id for e in edges)
    assert store.document_graph("no-such-plan") == ([], [])


def test_which_tasks_is_the_hongqi_agriculture_bureau_responsible_for(
        store: Store, corpus: dict[str, Fragment], corpus_trees: dict[str, PlanTree], reference: Reference) -> None:
    load(store, corpus.values())
    name = "红旗区农业农村局"
    expected = sorted(m.id for t in corpus_trees.values() for m in tasks(t) for a in m.agencies if a.name == name)
    assert len(expected) > 3
    got = store.tasks_of(agency_id(name))
    assert sorted(n.id for n, _ in got) == expected
    assert got == reference(corpus.values()).tasks_of(agency_id(name))


def test_finding_the_sections_of_a_plan_and_an_agency_by_name(store: Store, corpus: dict[str, Fragment],
                                                               corpus_trees: dict[str, PlanTree],
                                                               reference: Reference) -> None:
    load(store, corpus.values())
    ref = reference(corpus.values())
    tree = corpus_trees["003"]
    sections = store.find_nodes("Measure", plan_id=tree.plan.id, kind="section")
    assert [n.id for n in sections] == sorted(m.id for m in tree.measures if m.kind == "section")
    assert sections == ref.find_nodes("Measure", kind="section", plan_id=tree.plan.id)
    assert store.find_nodes("Indicator", plan_id=tree.plan.id) == ref.find_nodes("Indicator", plan_id=tree.plan.id)
    (bureau,) = store.find_nodes("Agency", name="红旗区农业农村局")
    assert bureau == store.get_node(agency_id("红旗区农业农村局")) == ref.get_node(bureau.id)
    assert store.find_nodes("Agency", name="红旗区农业农村局", collective=True) == []
    assert store.find_nodes("Jurisdiction", anonymised=True) == ref.find_nodes("Jurisdiction", anonymised=True)
    assert store.plans() == ref.plans()
    assert store.get_node("m-no-such-measure") is None
    assert store.find_nodes("NoSuchLabel") == [] and store.edges("NO_SUCH_TYPE") == []
    assert store.edges(source=bureau.id) == ref.edges(source=bureau.id)
    assert store.edges("BELONGS_TO", source=bureau.id, target="j-nowhere") == []


@pytest.mark.parametrize("doc, places", [
    ("003", ["西平县", "驻马店市", "河南省"]),
    ("002", ["河北区", "天津市"]),  # 天津市's 河北区, not 河北省
    ("001", ["河北省"]),
])
def test_where_each_plan_was_issued_up_to_its_province(store: Store, corpus: dict[str, Fragment], doc: str,
                                                      places: list[str]) -> None:
    load(store, corpus.values())
    assert place_chain(store, corpus[doc].plan_id) == places


# ---- replacing a changed document ---------------------------------------------------------------------------
def edited_copy(src: Path, task: Measure, text: str, dest_dir: Path) -> Path:
    """A copy of ``src`` (same name) with ``text`` inserted after the first comma of ``task``."""
    original = src.read_text(encoding="utf-8")
    start, end = task.span
    at = original.index("，", start, end) + 1
    dest = dest_dir / src.name
    dest.write_text(original[:at] + text + original[at:], encoding="utf-8")
    return dest


def test_a_changed_document_replaces_its_old_version(store: Store, corpus: dict[str, Fragment],
                                                     corpus_trees: dict[str, PlanTree], corpus_files: list[Path],
                                                     tmp_path: Path, reference: Reference) -> None:
    load(store, corpus.values())
    old = corpus_trees["004"]
    item = next(m for m in old.measures if m.kind == "item" and sum(t.parent_id == m.id for t in tasks(old)) >= 2)
    kept, changed = [t for t in tasks(old) if t.parent_id == item.id][:2]
    provincial = tasks(corpus_trees["001"])[0]
    survives, dropped = link(kept.id, provincial.id, "confirmed"), link(changed.id, provincial.id, "confirmed")
    store.put_link(survives)
    store.put_link(dropped)

    new = parse_file(edited_copy(corpus_files[4], changed, "切实", tmp_path))
    fragment = build_fragment(new)
    assert store.write_fragment(fragment).status == "replaced"

    assert new.plan.id == old.plan.id
    assert store.document_hash(old.plan.id) == new.plan.content_hash
    assert store.get_node(changed.id) is None
    (rewritten,) = [t for t in tasks(new) if t.id not in {m.id for m in old.measures}]
    assert "切实" in rewritten.text and store.get_node(rewritten.id) is not None
    assert link_ids(store) == [survives.id]
    fresh = reference([*(corpus[k] for k in ("000", "001", "002", "003")), fragment])
    fresh.put_link(survives)
    assert store.counts() == fresh.counts()
    assert store.export() == fresh.export()


# ---- alignment links and reviews --------------------------------------------------------------------------
def test_the_aligner_never_overwrites_a_review_nor_brings_back_a_rejected_link_and_reapplies_confirmations(
        store: Store, corpus: dict[str, Fragment], corpus_trees: dict[str, PlanTree]) -> None:
    load(store, corpus.values())
    county, province = corpus["000"].plan_id, corpus["001"].plan_id
    s = [m.id for m in tasks(corpus_trees["000"])[:5]]
    t = [m.id for m in tasks(corpus_trees["001"])[:5]]
    assert store.replace_inferred_links([county], [province], [link(s[i], t[i]) for i in range(3)]) == 3

    confirmed = link(s[0], t[0], "confirmed", score=0.5)
    store.put_link(confirmed)
    store.append_review(review(s[0], t[0], "confirmed"))
    store.append_review(review(s[1], t[1], "rejected"))  # the link stays "inferred" until the aligner reruns
    store.append_review(review(s[2], t[2], "rejected"))
    store.append_review(review(s[2], t[2], "confirmed", at="2024-05-02T10:00:00+00:00"))  # changed their mind

    rerun = [link(s[i], t[i], score=0.9) for i in range(4)]
    assert store.replace_inferred_links([county], [province], rerun) == 2
    got = {(e.source, e.target): e.props for e in store.links()}
    reconfirmed = {**rerun[2].props, "status": "confirmed", "reviewed_by": "auditor",
                   "reviewed_at": "2024-05-02T10:00:00+00:00", "note": ""}  # the latest decision, from the log
    assert got == {(s[0], t[0]): confirmed.props,
                   (s[2], t[2]): reconfirmed,
                   (s[3], t[3]): rerun[3].props}
    assert sorted(e.id for e in store.links("confirmed")) == sorted([confirmed.id, rerun[2].id])


def test_put_link_overwrites_the_same_pair(store: Store, corpus: dict[str, Fragment],
                                           corpus_trees: dict[str, PlanTree]) -> None:
    load(store, corpus.values())
    a, b = tasks(corpus_trees["003"])[0].id, tasks(corpus_trees["001"])[0].id
    store.put_link(link(a, b))
    store.put_link(link(a, b, "confirmed", 1.0))
    assert store.edges("DERIVES_FROM") == [link(a, b, "confirmed", 1.0)]


def test_deleting_a_document_removes_what_it_owned_and_the_orphans(
        store: Store, corpus: dict[str, Fragment], corpus_trees: dict[str, PlanTree], reference: Reference) -> None:
    load(store, corpus.values())
    county, province = corpus_trees["000"], corpus_trees["001"]
    store.put_link(link(tasks(county)[0].id, tasks(province)[0].id, "confirmed"))
    assert store.delete_document(county.plan.id) is True
    assert store.document_hash(county.plan.id) is None
    assert store.get_node(county.plan.id) is None
    assert store.links() == []
    others = reference(corpus[k] for k in ("001", "002", "003", "004"))
    assert store.counts() == others.counts()
    assert store.export() == others.export()  # XX县 and the bodies only it named are gone
    assert store.delete_document(county.plan.id) is False


def test_the_review_log_survives_deletes_and_reloads(store: Store, corpus: dict[str, Fragment],
                                                     corpus_trees: dict[str, PlanTree]) -> None:
    load(store, corpus.values())
    a, b = tasks(corpus_trees["000"])[0].id, tasks(corpus_trees["001"])[0].id
    log = [review(a, b, "confirmed"), review(a, b, "rejected", at="2024-05-03T09:00:00+00:00")]
    for r in log:
        store.append_review(r)
    store.delete_document(corpus["000"].plan_id)
    store.delete_document(corpus["001"].plan_id)
    load(store, corpus.values())
    assert store.reviews() == log
    assert store.counts() == CORPUS_COUNTS


# ---- the embedded store's file ------------------------------------------------------------------------------
def test_reopening_the_file_rebuilds_the_same_graph(sqlite_path: Path, corpus: dict[str, Fragment],
                                                    corpus_trees: dict[str, PlanTree]) -> None:
    with SqliteStore(sqlite_path) as s:
        load(s, corpus.values())
        s.put_link(link(tasks(corpus_trees["000"])[0].id, tasks(corpus_trees["001"])[0].id, "confirmed"))
        s.append_review(review("m-a", "m-b", "rejected"))
        before, log = s.export(), s.reviews()
    with SqliteStore(sqlite_path) as s:
        assert s.export() == before
        assert s.reviews() == log
        assert [n.id for n in s.plans()] == sorted(f.plan_id for f in corpus.values())


def big_fragment(corpus: dict[str, Fragment], copies: int) -> Fragment:
    """The corpus replicated ``copies`` times as one document: owned nodes and edges renamed per copy."""
    plan_id = "p-big"
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for i in range(copies):
        for f in corpus.values():
            owned = {n.id for n in f.nodes if n.doc is not None}

            def rename(x: str) -> str:
                return f"{x}~{i}" if x in owned else x  # noqa: B023 - used at once, inside the loop

            for n in f.nodes:
                nodes.setdefault(rename(n.id), n.model_copy(update={"id": rename(n.id),
                                                                    "doc": plan_id if n.doc else None}))
            edges += [e.model_copy(update={"id": f"{e.id}~{i}", "source": rename(e.source),
                                           "target": rename(e.target), "doc": plan_id}) for e in f.edges]
    return Fragment(plan_id=plan_id, content_hash="big", nodes=list(nodes.values()), edges=edges)


def integrity(path: Path) -> str:
    """SQLite's own check of the file's structure."""
    db = sqlite3.connect(path)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def run_child(code: str, *args: str) -> subprocess.Popen[str]:
    """A separate Python process (a real second loader, killable with SIGKILL)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=REPO)


# Writes the big fragment and, halfway through its edges, says so and waits to be killed.
_KILLED_WRITER = """
import sys, time
from policygraph.graph.model import Fragment
from policygraph.graph.sqlite_store import SqliteStore
store = SqliteStore(sys.argv[1])
fragment = Fragment.model_validate_json(open(sys.argv[2], encoding="utf-8").read())
seen = 0
def pause_midway(statement):
    global seen
    if statement.startswith("INSERT OR REPLACE INTO edges"):
        seen += 1
        if seen == len(fragment.edges) // 2:
            print("midway", flush=True)
            time.sleep(120)
store.db.set_trace_callback(pause_midway)
store.write_fragment(fragment)
print("finished", flush=True)
"""


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_load_killed_midway_leaves_the_previous_state(sqlite_path: Path, corpus: dict[str, Fragment],
                                                        tmp_path: Path) -> None:
    with SqliteStore(sqlite_path) as s:
        load(s, corpus.values())
        before = s.export()
    big = big_fragment(corpus, 50)
    (tmp_path / "big.json").write_text(big.model_dump_json(), encoding="utf-8")
    child = run_child(_KILLED_WRITER, str(sqlite_path), str(tmp_path / "big.json"))
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "midway", child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert integrity(sqlite_path) == "ok"
    with SqliteStore(sqlite_path) as s:
        assert s.counts() == CORPUS_COUNTS
        assert s.export() == before
        assert s.document_hash("p-big") is None
        assert s.write_fragment(big).status == "added"  # the dead loader left no lock behind
        assert s.counts()["nodes"]["Measure"] == 51 * CORPUS_COUNTS["nodes"]["Measure"]


# Waits for the starting signal, then writes every fragment; prints one status per write, or StoreError.
_LOADER = """
import json, os, sys, time
from policygraph.errors import StoreError
from policygraph.graph.model import Fragment
from policygraph.graph.sqlite_store import SqliteStore
fragments = [Fragment.model_validate(f) for f in json.load(open(sys.argv[2], encoding="utf-8"))]
store = SqliteStore(sys.argv[1])
while not os.path.exists(sys.argv[3]):
    time.sleep(0.005)
try:
    for f in fragments:
        print(f.plan_id, store.write_fragment(f).status, flush=True)
except StoreError as exc:
    print("StoreError", exc, flush=True)
    sys.exit(3)
"""


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_two_loaders_at_once_do_not_corrupt_the_file(sqlite_path: Path, corpus: dict[str, Fragment],
                                                     tmp_path: Path) -> None:
    SqliteStore(sqlite_path).close()  # create the schema first, so the race is about the data
    data, go = tmp_path / "corpus.json", tmp_path / "go"
    data.write_text(json.dumps([f.model_dump(mode="json") for f in corpus.values()]), encoding="utf-8")
    loaders = [run_child(_LOADER, str(sqlite_path), str(data), str(go)) for _ in range(2)]
    go.touch()
    outputs = [p.communicate(timeout=120) for p in loaders]
    codes = [p.returncode for p in loaders]
    assert set(codes) <= {0, 3} and 0 in codes, outputs
    statuses = [line.split()[1] for out, _ in outputs for line in out.splitlines() if not line.startswith("Store")]
    assert statuses.count("added") == 5, outputs  # each document written once, whoever came first
    assert integrity(sqlite_path) == "ok"
    with SqliteStore(sqlite_path) as s:
        assert s.counts() == CORPUS_COUNTS
