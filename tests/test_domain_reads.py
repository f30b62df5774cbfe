"""Domain reads of the store interface (cascade links, measure context, batch node reads), asked of every store
on a small hand-built cascade with confirmed, rejected, cross and plan-level links.

Each native answer is also compared with the interface's default implementation (built from the primitives)
on the same store, so a backend's query and the contract's wording cannot drift apart.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from policygraph import queries as q
from policygraph.errors import InputError
from policygraph.graph.model import Edge, Fragment, Node, edge_id
from policygraph.graph.store import LinkFilter, Store
from policygraph.graph.textindex import fold, measure_searched
from policygraph.loaders.model import Measure

# 甲省 item 24 has two task units; 乙市 implements them; 丙县 implements 乙市; 丁县 (another province) crosses.
PLANS = {"P": ("甲省", "province"), "C": ("乙市", "city"), "K": ("丙县", "county"), "X": ("丁县", "county")}
MEASURES = {  # id: (plan, kind, number, parent)
    "m24": ("P", "item", "24", None), "m24.1": ("P", "task", None, "m24"), "m24.2": ("P", "task", None, "m24"),
    "c1": ("C", "task", "1", None), "c2": ("C", "item", "2", None), "c2.1": ("C", "task", None, "c2"),
    "k1": ("K", "task", "1", None), "k2": ("K", "task", "2", None), "k3": ("K", "task", "3", None),
    "k4": ("K", "task", "4", None), "x1": ("X", "task", "1", None),
}
LINKS = [  # source, target, status, score, scope
    ("c1", "m24.1", "inferred", 0.8, "within"),
    ("c2.1", "m24", "confirmed", None, "within"),  # added by a reviewer: no score
    ("k1", "c1", "inferred", 0.6, "within"),
    ("k2", "c2.1", "inferred", 0.9, "within"),
    ("k3", "c1", "rejected", 0.95, "within"),  # rejected: never counts
    ("k4", "c2", "inferred", 0.5, "within"),  # to the item 乙市#2, not to its task unit
    ("x1", "m24.2", "inferred", 0.7, "cross"),
]


def fragment(plan: str) -> Fragment:
    place, level = PLANS[plan]
    nodes = [Node(id=plan, label="Plan", doc=plan, props={"jurisdiction": place, "level": level, "year": 2021,
                                                          "title": f"{place}实施方案", "kind": "plan"})]
    edges = []
    for mid, (p, kind, number, parent) in MEASURES.items():
        if p != plan:
            continue
        nodes.append(Node(id=mid, label="Measure", doc=plan, props={
            "kind": kind, "number": number, "title": "", "text": f"{place}任务{mid}", "span": [0, 1], "order": 0,
            "plan_id": plan, "parent_id": parent, "searched": f"{place}任务{mid}"}))
        edges.append(Edge(id=edge_id("PART_OF", mid, parent or plan), type="PART_OF", source=mid,
                          target=parent or plan, doc=plan, props={"order": 0}))
    agency = Node(id=f"a-{plan}", label="Agency", props={"name": f"{place}农业农村局", "functions": ["agriculture"],
                                                         "level": level, "collective": False, "jurisdiction": place})
    nodes.append(agency)
    first = next(m for m, v in MEASURES.items() if v[0] == plan)
    edges.append(Edge(id=edge_id("RESPONSIBLE_FOR", agency.id, first), type="RESPONSIBLE_FOR", source=agency.id,
                      target=first, doc=plan, props={"role": "lead", "as_written": "", "span": [0, 1], "position": 0}))
    return Fragment(plan_id=plan, content_hash=f"h-{plan}", nodes=nodes, edges=edges)


def derives(source: str, target: str, status: str, score: float | None, scope: str) -> Edge:
    return Edge(id=edge_id("DERIVES_FROM", source, target), type="DERIVES_FROM", source=source, target=target,
                props={"status": status, "score": score, "scope": scope, "level": "measure", "method": "test",
                       "evidence": {"shared": ["任务"]}, "source_plan": MEASURES[source][0],
                       "target_plan": MEASURES[target][0]})


@pytest.fixture
def cascade(store: Store) -> Store:
    for plan in PLANS:
        store.write_fragment(fragment(plan))
    for link in LINKS:
        store.put_link(derives(*link))
    # A plan-level link (the aligner's summary of a plan pair) is not a measure's link.
    store.put_link(Edge(id=edge_id("PLAN_DERIVES_FROM", "K", "C"), type="PLAN_DERIVES_FROM", source="K", target="C",
                        props={"status": "inferred", "scope": "within", "basis": "jurisdiction"}))
    return store


def pairs(edges: list[Edge]) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in edges}


@pytest.mark.parametrize("roots, direction, depth, links, expected", [
    (["m24"], "down", 4, LinkFilter(),
     {("c1", "m24.1"), ("c2.1", "m24"), ("x1", "m24.2"), ("k1", "c1"), ("k2", "c2.1")}),
    (["m24"], "down", 1, LinkFilter(), {("c1", "m24.1"), ("c2.1", "m24"), ("x1", "m24.2")}),
    (["m24"], "down", 4, LinkFilter(scope="within"), {("c1", "m24.1"), ("c2.1", "m24"), ("k1", "c1"), ("k2", "c2.1")}),
    (["m24"], "down", 4, LinkFilter(status="confirmed"), {("c2.1", "m24")}),
    (["m24"], "down", 4, LinkFilter(min_score=0.7),
     {("c1", "m24.1"), ("c2.1", "m24"), ("x1", "m24.2"), ("k2", "c2.1")}),
    (["c2"], "down", 4, LinkFilter(), {("k2", "c2.1"), ("k4", "c2")}),
    (["k1"], "up", 4, LinkFilter(), {("k1", "c1"), ("c1", "m24.1")}),
    (["c2"], "up", 4, LinkFilter(), {("c2.1", "m24")}),
    (["k3"], "up", 4, LinkFilter(), set()),
    (["k1", "x1"], "up", 1, LinkFilter(), {("k1", "c1"), ("x1", "m24.2")}),
])
def test_cascade_links_follow_live_links_through_task_units(cascade: Store, roots: list[str], direction: str,
                                                           depth: int, links: LinkFilter,
                                                           expected: set[tuple[str, str]]) -> None:
    found = cascade.cascade_links(roots, direction, depth, links)  # type: ignore[arg-type]
    assert pairs(found) == expected
    assert [e.id for e in found] == sorted(e.id for e in found)
    default = Store.cascade_links(cascade, roots, direction, depth, links)  # type: ignore[arg-type]
    assert [e.model_dump() for e in found] == [e.model_dump() for e in default]


def test_the_cascade_of_measure_24_reports_each_task_once_on_its_best_path(cascade: Store) -> None:
    down = q.implementations(cascade, "甲省#24")
    got = {i.measure.id: (i.depth, i.score, i.status, i.scope) for i in down.items}
    assert got == {"c1": (1, 0.8, "inferred", "within"), "c2.1": (1, 1.0, "confirmed", "within"),
                   "x1": (1, 0.7, "inferred", "cross"), "k1": (2, 0.6, "inferred", "within"),
                   "k2": (2, 0.9, "inferred", "within")}
    assert [g.plan.ref for g in down.groups] == ["乙市2021", "丙县2021", "丁县2021"]
    assert q.implementations(cascade, "甲省#24", level="county", links=LinkFilter(scope="within")).total == 2
    k1 = next(i for i in down.items if i.measure.id == "k1")
    assert [(h.source, h.target) for h in k1.path] == [("c1", "m24.1"), ("k1", "c1")]
    assert k1.measure.agencies[0].name == "丙县农业农村局"
    up = q.sources(cascade, "丙县2021#2")
    assert [(s.measure.id, s.depth) for s in up.items] == [("c2.1", 1), ("m24", 2)]


def test_measure_context_holds_a_views_edges_and_their_ends_but_no_links(cascade: Store) -> None:
    nodes, edges = cascade.measure_context(["m24", "c1"])
    assert {(e.type, e.source, e.target) for e in edges} == {
        ("PART_OF", "m24", "P"), ("PART_OF", "m24.1", "m24"), ("PART_OF", "m24.2", "m24"),
        ("RESPONSIBLE_FOR", "a-P", "m24"), ("PART_OF", "c1", "C"), ("RESPONSIBLE_FOR", "a-C", "c1")}
    assert [n.id for n in nodes] == ["C", "P", "a-C", "a-P", "c1", "m24", "m24.1", "m24.2"]
    default = Store.measure_context(cascade, ["m24", "c1"])
    assert (nodes, edges) == default


def test_nodes_are_read_in_one_batch_and_missing_ids_are_left_out(cascade: Store) -> None:
    got = cascade.get_nodes(["k1", "P", "nope", "k1"])
    assert sorted(got) == ["P", "k1"]
    assert got["k1"] == cascade.get_node("k1")


# ---- full-text search ------------------------------------------------------------------------------------
ALPHABET = "农产品质量安全追溯体系监管合格率达到以上，。、%（）0123456789ABab 県"


def random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(n)]


@pytest.fixture
def texts(store: Store) -> tuple[Store, list[str]]:
    """One plan whose measures hold random text over a small alphabet (so substrings recur), and agencies."""
    texts = random_texts(7, 60)
    nodes = [Node(id="S", label="Plan", doc="S", props={"jurisdiction": "甲省", "level": "province", "year": 2021,
                                                        "title": "甲省方案", "kind": "plan"})]
    edges = []
    for i, text in enumerate(texts):
        mid = f"s{i:02d}"
        nodes.append(Node(id=mid, label="Measure", doc="S", props={
            "kind": "task", "number": str(i + 1), "title": "", "text": text, "span": [0, 1], "order": i,
            "plan_id": "S", "parent_id": None, "searched": text}))
        edges.append(Edge(id=edge_id("PART_OF", mid, "S"), type="PART_OF", source=mid, target="S", doc="S",
                          props={"order": i}))
    for name in ("甲省农业农村局", "甲省市场监督管理局"):
        aid = f"a-{name}"
        nodes.append(Node(id=aid, label="Agency", props={"name": name, "functions": [], "level": "province",
                                                         "collective": False, "jurisdiction": "甲省"}))
        edges.append(Edge(id=edge_id("RESPONSIBLE_FOR", aid, "s00"), type="RESPONSIBLE_FOR", source=aid,
                          target="s00", doc="S", props={"role": "lead", "as_written": "", "span": [0, 1],
                                                        "position": len(edges)}))
    store.write_fragment(Fragment(plan_id="S", content_hash="h-S", nodes=nodes, edges=edges))
    return store, texts


def queries(texts: list[str], seed: int, n: int) -> list[str]:
    """Substrings of the texts (1–6 characters), a few of two terms, and some that match nothing."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        t = rng.choice(texts)
        i = rng.randrange(len(t))
        out.append(t[i:i + rng.randint(1, 6)].strip() or "农")
    return out + [f"{out[0]} {out[1]}", "溯追溯追", "不存在的词", "监管 农业农村"]


def test_search_finds_exactly_the_texts_holding_every_term_on_every_store(texts: tuple[Store, list[str]]) -> None:
    store, corpus = texts
    for query in queries(corpus, 11, 80):
        terms = query.split()
        expected = {f"s{i:02d}" for i, t in enumerate(corpus) if all(fold(x) in fold(t) for x in terms)}
        expected |= {f"a-{a}" for a in ("甲省农业农村局", "甲省市场监督管理局") if all(x in a for x in terms)}
        candidates = {n.id for n in store.search_text(terms)}
        assert expected <= candidates, f"{query!r}: the index missed {sorted(expected - candidates)}"
        hits = q.search(store, query)
        assert {h.id for h in hits.items} == expected, query
        for h in hits.items:
            text = fold(next((t for i, t in enumerate(corpus) if f"s{i:02d}" == h.id), h.title))
            assert all(text[s:e] in {fold(x) for x in terms} for s, e in h.matches), (query, h)


def test_search_ranks_and_filters_the_same_on_every_store(texts: tuple[Store, list[str]]) -> None:
    store, corpus = texts
    ranked = q.search(store, "安全")
    assert [h.score for h in ranked.items] == sorted((h.score for h in ranked.items), reverse=True)
    default = Store.search_text(store, ["安全"])
    assert {h.id for h in ranked.items} == {n.id for n in default}
    assert [h.kind for h in q.search(store, "农业农村", kind="agency").items] == ["agency"]
    assert not q.search(store, "农业农村", kind="law").items
    assert q.search(store, "安全", level="county").total == 0
    assert q.search(store, "安全", jurisdiction="甲省").total == ranked.total


def test_each_passage_is_searched_in_one_measure_only() -> None:
    """A section and an item of several units are found by their titles, their units by their texts; an item
    whose one unit repeats it is found, not the unit; a leaf item by its text."""
    def m(id_: str, parent: str | None, kind: str, title: str, text: str) -> Measure:
        return Measure(id=id_, parent_id=parent, kind=kind, number=None, title=title, text=text, span=(0, 1),
                       order=0)
    tree = [m("sec", None, "section", "一、强化监管", "强化监管\n甲。乙。丙"),
            m("i1", "sec", "item", "甲", "甲。乙"), m("t1", "i1", "task", "", "甲。"), m("t2", "i1", "task", "", "乙"),
            m("i2", "sec", "item", "丙", "丙"), m("t3", "i2", "task", "", "丙"),
            m("i3", "sec", "item", "丁", "丁戊")]
    assert measure_searched(tree) == {"sec": "一、强化监管", "i1": "甲", "t1": "甲。", "t2": "乙", "i2": "丙",
                                      "t3": "", "i3": "丁戊"}


def test_the_sample_corpus_finds_no_passage_twice(graph: Store) -> None:
    for query in ("追溯", "质量安全", "监管"):
        hits = [(h.plan.id if h.plan else None, h.snippet) for h in q.search(graph, query).items if h.kind == "measure"]
        assert hits and len(hits) == len(set(hits)), query


# ---- networkx: to_networkx and the co-responsibility network ------------------------------------------------
SHARED = {"t1": "AB", "t2": "ABC", "t3": "C", "t4": "AD"}  # task → the bodies named for it


@pytest.fixture
def bodies(store: Store) -> Store:
    nodes = [Node(id="K2", label="Plan", doc="K2", props={"jurisdiction": "丙县", "level": "county", "year": 2022,
                                                          "title": "丙县方案", "kind": "plan"})]
    edges = []
    for body in "ABCD":
        nodes.append(Node(id=f"a-{body}", label="Agency", props={"name": f"丙县{body}局", "functions": [],
                                                                 "level": "county", "collective": False,
                                                                 "jurisdiction": "丙县"}))
    for i, (task, named) in enumerate(SHARED.items()):
        nodes.append(Node(id=task, label="Measure", doc="K2", props={
            "kind": "task", "number": str(i + 1), "title": "", "text": task, "searched": task, "span": [0, 1],
            "order": i, "plan_id": "K2", "parent_id": None}))
        edges.append(Edge(id=edge_id("PART_OF", task, "K2"), type="PART_OF", source=task, target="K2", doc="K2",
                          props={"order": i}))
        for pos, body in enumerate(named):
            edges.append(Edge(id=edge_id("RESPONSIBLE_FOR", f"a-{body}", task), type="RESPONSIBLE_FOR",
                              source=f"a-{body}", target=task, doc="K2",
                              props={"role": "lead" if pos == 0 else "support", "as_written": "", "span": [0, 1],
                                     "position": pos}))
    store.write_fragment(Fragment(plan_id="K2", content_hash="h-K2", nodes=nodes, edges=edges))
    return store


def test_to_networkx_gives_one_plans_part_of_the_graph_by_kind(cascade: Store) -> None:
    from policygraph.graph import to_networkx

    structure = to_networkx(cascade, plan="K", kind="structure")
    assert sorted(structure.edges()) == [("k1", "K"), ("k2", "K"), ("k3", "K"), ("k4", "K")]
    assert structure.nodes["k1"]["label"] == "Measure" and structure.nodes["k1"]["text"] == "丙县任务k1"
    links = to_networkx(cascade, plan="C", kind="cascade")  # 乙市: links in from 丙县 and out to 甲省, none rejected
    assert sorted((u, v) for u, v, _ in links.edges(keys=True)) == [
        ("c1", "m24.1"), ("c2.1", "m24"), ("k1", "c1"), ("k2", "c2.1"), ("k4", "c2")]
    assert all(d["type"] == "DERIVES_FROM" for _, _, d in links.edges(data=True))
    whole = to_networkx(cascade)
    assert whole.number_of_nodes() == sum(cascade.counts()["nodes"].values())


def test_bodies_sharing_tasks_and_their_centrality(bodies: Store) -> None:
    answer = q.co_responsibility(bodies, plan="丙县2022")
    assert [(p.a, p.b, p.tasks) for p in answer.pairs] == [
        ("a-A", "a-B", 2), ("a-A", "a-C", 1), ("a-A", "a-D", 1), ("a-B", "a-C", 1)]
    got = {b.id: (b.tasks, b.partners, b.degree, b.betweenness) for b in answer.items}
    assert got == {"a-A": (3, 3, 1.0, 0.6667), "a-B": (2, 2, 0.6667, 0.0), "a-C": (2, 2, 0.6667, 0.0),
                   "a-D": (1, 1, 0.3333, 0.0)}
    assert answer.items[0].name == "丙县A局"
    assert [p.tasks for p in q.co_responsibility(bodies, plan="丙县2022", min_shared=2).pairs] == [2]
    with pytest.raises(InputError):
        q.co_responsibility(bodies)


def test_a_plan_that_names_no_body_has_an_empty_network(bodies: Store) -> None:
    nodes = [Node(id="K3", label="Plan", doc="K3", props={"jurisdiction": "戊县", "level": "county", "year": 2022,
                                                          "title": "戊县方案", "kind": "plan"}),
             Node(id="k3-1", label="Measure", doc="K3", props={"kind": "task", "number": "1", "title": "",
                                                               "text": "无部门的任务", "span": [0, 6], "order": 0,
                                                               "plan_id": "K3", "parent_id": None})]
    edges = [Edge(id=edge_id("PART_OF", "k3-1", "K3"), type="PART_OF", source="k3-1", target="K3", doc="K3",
                  props={"order": 0})]
    bodies.write_fragment(Fragment(plan_id="K3", content_hash="h-K3", nodes=nodes, edges=edges))
    answer = q.co_responsibility(bodies, plan="戊县2022")
    assert (answer.items, answer.pairs, answer.total) == ([], [], 0) and answer.plans[0].id == "K3"


# ---- keyset pages ----------------------------------------------------------------------------------------------
def test_link_pages_walk_every_link_once_in_id_order(cascade: Store) -> None:
    every = sorted(e.id for e in cascade.edges("DERIVES_FROM"))
    seen, after = [], None
    while True:
        page, total = cascade.link_page(after=after, limit=2)
        assert total == len(every) == 7 and len(page) <= 2
        if not page:
            break
        seen += [e.id for e in page]
        after = page[-1].id
    assert seen == every
    rejected, n = cascade.link_page(status="rejected")
    assert n == 1 and [(e.source, e.target) for e in rejected] == [("k3", "c1")]
    city, n = cascade.link_page(plan="C", limit=100)  # 乙市's links, both ways
    assert n == 6 and {(e.source, e.target) for e in city} == {
        ("c1", "m24.1"), ("c2.1", "m24"), ("k1", "c1"), ("k2", "c2.1"), ("k3", "c1"), ("k4", "c2")}
    for status, plan in ((None, None), ("inferred", "K"), ("confirmed", None)):
        assert cascade.link_page(status, plan, limit=100) == Store.link_page(cascade, status, plan, limit=100)


def test_the_links_listing_pages_by_cursor(cascade: Store) -> None:
    first = q.list_links(cascade, limit=3)
    assert first.total == 7 and len(first.items) == 3 and first.next_cursor == first.items[-1].link.link_id
    rest = q.list_links(cascade, after=first.next_cursor, limit=10)
    assert rest.next_cursor is None and len(rest.items) == 4
    assert rest.items[0].source_ref is not None or rest.items[0].target_ref is not None


def test_outline_reads_leave_out_the_long_texts_and_nothing_else(cascade: Store) -> None:
    from policygraph.graph.store import HEAVY_FIELDS

    whole = cascade.get_nodes(["k1", "m24"])
    brief = cascade.get_nodes(["k1", "m24"], outline=True)
    assert whole["k1"].props["text"] and "text" not in brief["k1"].props
    for i in whole:
        expected = {k: v for k, v in whole[i].props.items() if k not in HEAVY_FIELDS and v is not None}
        assert {k: v for k, v in brief[i].props.items() if v is not None} == expected
    links = cascade.cascade_links(["m24"], "down", 4)
    outlined = cascade.cascade_links(["m24"], "down", 4, outline=True)
    assert [e.id for e in outlined] == [e.id for e in links]
    assert all("evidence" in e.props for e in links) and not any("evidence" in e.props for e in outlined)
    assert [e.props["score"] for e in outlined] == [e.props["score"] for e in links]


def test_search_says_when_the_index_had_more_candidates_than_it_read(texts: tuple[Store, list[str]],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    search_module = importlib.import_module("policygraph.queries.search")
    store, corpus = texts
    pairs = {t[i:i + 2] for t in corpus for i in range(len(t) - 1) if all("\u4e00" <= c <= "\u9fff" for c in t[i:i + 2])}
    common = max(sorted(pairs), key=lambda w: sum(w in t for t in corpus))
    assert sum(common in t for t in corpus) >= 3
    assert q.search(store, common).complete
    monkeypatch.setattr(search_module, "CANDIDATES", 2)
    few = q.search(store, common)
    assert not few.complete and few.total <= 2


def test_plan_statistics_count_measures_by_kind_and_live_links_each_way(cascade: Store) -> None:
    stats = cascade.plan_statistics()
    assert stats == {
        "P": {"section": 0, "item": 1, "task": 2, "links_up": 0, "links_down": 3},
        "C": {"section": 0, "item": 1, "task": 2, "links_up": 2, "links_down": 3},  # k3's rejected link left out
        "K": {"section": 0, "item": 0, "task": 4, "links_up": 3, "links_down": 0},
        "X": {"section": 0, "item": 0, "task": 1, "links_up": 1, "links_down": 0}}
    assert stats == Store.plan_statistics(cascade)


def test_role_counts_group_each_bodys_edges_by_role(cascade: Store) -> None:
    # one more edge of 甲省农业农村局, in another role, written by a document of its own
    extra = Fragment(plan_id="K2", content_hash="h-K2", nodes=[], edges=[
        Edge(id=edge_id("RESPONSIBLE_FOR", "a-P", "k2"), type="RESPONSIBLE_FOR", source="a-P", target="k2", doc="K2",
             props={"role": "support", "as_written": "", "span": [0, 1], "position": 0})])
    cascade.write_fragment(extra)
    counts = cascade.role_counts()
    assert counts == {"a-P": {"lead": 1, "support": 1}, "a-C": {"lead": 1}, "a-K": {"lead": 1}, "a-X": {"lead": 1}}
    assert counts == Store.role_counts(cascade)


def test_the_embedded_store_pages_and_counts_links_from_its_indexes(tmp_path: Path) -> None:
    """A page of all links or of one status is read in id order from an index and counted from it, never sorted
    or scanned (at 1,000 plans that was 27 s a page); a file of schema 3 still pages correctly and gets the
    indexes with its first write."""
    from policygraph.graph import sqlite_sql as sql
    from policygraph.graph.sqlite_store import SqliteStore

    s = SqliteStore(tmp_path / "g.db")
    for plan in PLANS:
        s.write_fragment(fragment(plan))
    for link in LINKS:
        s.put_link(derives(*link))
    params = {"status": "inferred", "after": None, "limit": 2}
    for query, index in ((sql.LINK_PAGE, "edges_type_id"), (sql.STATUS_LINK_PAGE, "edges_link_status"),
                         (sql.LINK_COUNT, "edges_type"), (sql.STATUS_LINK_COUNT, "edges_link_status")):
        plan = " ".join(r[-1] for r in s.db.execute("EXPLAIN QUERY PLAN " + query, params))
        assert index in plan and "TEMP B-TREE" not in plan, (query, plan)
    pages = [s.link_page("inferred", None, None, 2), s.link_page("inferred", None, "e", 100), s.link_page(None)]
    assert pages == [Store.link_page(s, "inferred", None, None, 2), Store.link_page(s, "inferred", None, "e", 100),
                     Store.link_page(s, None)]
    s.db.executescript("DROP INDEX edges_type_id; DROP INDEX edges_link_status; "
                       "UPDATE meta SET value = '3' WHERE key = 'schema_version';")
    s.close()
    old = SqliteStore(tmp_path / "g.db")
    try:
        assert old.link_page("inferred", None, None, 2) == pages[0]  # readable before the upgrade
        old.put_link(derives("k4", "m24", "inferred", 0.4, "within"))
        names = {r[0] for r in old.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"edges_type_id", "edges_link_status"} <= names
        assert old.link_page("inferred", None, None, 100)[1] == pages[1][1] + 1
    finally:
        old.close()


@pytest.mark.parametrize("status", [None, "inferred", "confirmed", "rejected"])
def test_link_pages_of_every_status_agree_with_the_contracts_default(cascade: Store, status: str | None) -> None:
    ids = sorted(e.id for e in cascade.links(status))
    for after in (None, *ids):
        for limit in (1, 2, 100):
            assert cascade.link_page(status, None, after, limit) == Store.link_page(cascade, status, None, after, limit)
    pages, after = [], None
    while True:
        page, total = cascade.link_page(status, None, after, 2)
        assert total == len(ids)
        if not page:
            break
        pages += [e.id for e in page]
        after = page[-1].id
    assert pages == ids
