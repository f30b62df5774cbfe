"""The browser pages, as a policy researcher uses them: find a plan, open a provincial measure, see which
county tasks implement it, search the texts — all without the internet — and get the same answers as the API
(the pages read through ``policygraph.queries`` only)."""
from __future__ import annotations

import ast
from html import unescape
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from policygraph import queries as q
from policygraph.api import routes_analysis
from policygraph.api.deps import Backend
from policygraph.graph.model import Edge, Fragment, Node, edge_id
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import Store
from policygraph.viz import context, networks
from policygraph.viz.context import measure_page
from policygraph.viz.networks import MAX_NODES, measure_network
from policygraph.viz.pages import mark, pages_router

VIZ = Path(__file__).resolve().parent.parent / "policygraph" / "viz"

HEBEI = "关于深化改革加强食品安全工作的若干措施"
M24_TITLE = "完善农产品质量安全追溯体系"


@pytest.fixture(scope="module")
def store(sqlite_graph: Store) -> Store:
    return sqlite_graph


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    app = FastAPI()
    app.include_router(pages_router(lambda: store))
    return TestClient(app)


def _hebei(store: Store) -> str:
    return next(p.id for p in store.plans() if p.props["title"] == HEBEI)


def _m24(store: Store) -> str:
    return next(m.id for m in store.find_nodes("Measure", plan_id=_hebei(store), number="24"))


def _county_tasks_implementing_m24(store: Store) -> list[str]:
    """Straight from the store: the sources of live links into measure 24 or its task units."""
    targets = {_m24(store)} | {c.id for c in store.children(_m24(store))}
    return [e.source for e in store.links() if e.target in targets and e.props["status"] != "rejected"]


def _pages(store: Store) -> list[str]:
    agency = store.find_nodes("Agency")[0].id
    return ["/", "/search?q=追溯", f"/plans/{_hebei(store)}", f"/measures/{_m24(store)}", f"/agencies/{agency}"]


def test_the_index_lists_the_five_plans_by_level_with_links_and_the_api_docs(client: TestClient,
                                                                              store: Store) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for p in store.plans():
        assert f'href="/plans/{p.id}"' in r.text and p.props["title"] in r.text
    assert len(store.plans()) == 5
    assert r.text.index("省级") < r.text.index("县级"), "the province comes before the counties"
    assert 'href="/docs"' in r.text and 'action="/search"' in r.text


def test_the_hebei_plan_page_shows_measure_24_and_draws_its_network_inline(client: TestClient,
                                                                            store: Store) -> None:
    r = client.get(f"/plans/{_hebei(store)}")
    assert r.status_code == 200
    assert M24_TITLE in r.text and f'href="/measures/{_m24(store)}"' in r.text
    assert "new vis.Network(" in r.text
    # The library is one static file named by its content, served here (no CDN) and kept by browsers.
    sources = re.findall(r'<script[^>]+src="([^"]+)"', r.text)
    assert sources == [networks.vis_url()] and sources[0].startswith("/static/vis-network-")
    lib = client.get(sources[0])
    assert lib.status_code == 200 and lib.content == networks.vis_library()
    assert "immutable" in lib.headers["cache-control"] and len(r.content) < len(lib.content)
    assert client.get("/static/vis-network-000000000000.js").status_code == 404


def test_which_county_tasks_implement_provincial_measure_24(client: TestClient, store: Store) -> None:
    tasks = _county_tasks_implementing_m24(store)
    assert len(tasks) >= 2
    r = client.get(f"/measures/{_m24(store)}")
    assert r.status_code == 200 and M24_TITLE in r.text
    section = r.text.split('id="implemented-by"', 1)[1]
    for t in tasks:
        assert f'href="/measures/{t}"' in section
    county_plans = {p.props["title"] for p in store.plans() if p.props["level"] == "county"}
    assert sum(title in section for title in county_plans) >= 2, "implementers are grouped by their plan"
    assert "<mark>追溯</mark>" in section, "the evidence's key phrases are marked in the task texts"
    assert "inferred" in section and ("within" in section or "cross" in section)


def test_a_county_task_page_says_which_provincial_measure_it_implements(client: TestClient, store: Store) -> None:
    task = _county_tasks_implementing_m24(store)[0]
    r = client.get(f"/measures/{task}")
    assert r.status_code == 200
    implements = r.text.split('id="implements"', 1)[1].split('id="implemented-by"', 1)[0]
    assert f'href="/measures/{_m24(store)}"' in implements and M24_TITLE in implements


def test_search_highlights_every_match_and_links_to_the_measures(client: TestClient) -> None:
    r = client.get("/search", params={"q": "追溯"})
    assert r.status_code == 200
    assert r.text.count("<mark>追溯</mark>") >= 5
    assert 'href="/measures/' in r.text and M24_TITLE in r.text


def test_text_from_the_query_and_the_graph_is_escaped(client: TestClient) -> None:
    r = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert r.status_code == 200 and "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text
    assert str(mark("a<b>追溯</b>", ["追溯"])) == "a&lt;b&gt;<mark>追溯</mark>&lt;/b&gt;"


def test_an_agency_page_lists_its_obligations_by_role(client: TestClient, store: Store) -> None:
    agency, edge = store.agencies_of(_county_tasks_implementing_m24(store)[0])[0]
    r = client.get(f"/agencies/{agency.id}")
    assert r.status_code == 200 and agency.props["name"] in r.text
    assert f'href="/measures/{edge.target}"' in r.text
    assert {"lead": "牵头", "support": "配合", "responsible": "负责"}[edge.props["role"]] in r.text


@pytest.mark.parametrize("path", ["/plans/p-nope", "/measures/m-nope", "/agencies/a-nope"])
def test_unknown_ids_give_a_404_page_in_html(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Not found" in r.text and "nope" in r.text


def test_a_measure_id_is_not_a_plan(client: TestClient, store: Store) -> None:
    assert client.get(f"/plans/{_m24(store)}").status_code == 404
    assert client.get(f"/measures/{_hebei(store)}").status_code == 404


def test_no_page_loads_scripts_or_styles_from_the_internet(client: TestClient, store: Store) -> None:
    for path in _pages(store):
        html = client.get(path).text
        assert all(src.startswith("/") and not src.startswith("//")
                   for src in re.findall(r"<script[^>]*\ssrc=[\"']?([^\"' >]+)", html)), path  # served here
        assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", html), path
        assert not re.search(r"@import|url\([\"']?(https?:)?//", html), path


def test_networks_use_graph_ids_and_are_the_same_every_time(store: Store) -> None:
    first = measure_network(measure_page(store, _m24(store)))
    again = measure_network(measure_page(store, _m24(store)))
    assert first.data_json == again.data_json
    assert f'"id": "{_m24(store)}"' in first.data_json
    for t in _county_tasks_implementing_m24(store):
        assert f'"id": "{t}"' in first.data_json
    assert "</" not in first.data_json, "the data cannot close its <script>"


def test_a_network_is_capped_and_the_page_says_how_much_it_left_out(client: TestClient, store: Store,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert 100 <= MAX_NODES <= 500
    view = measure_network(measure_page(store, _m24(store)), cap=5)
    assert view.nodes == 5 and view.dropped > 0 and view.data_json.count('"id": ') == 5
    monkeypatch.setattr(networks, "MAX_NODES", 5)
    r = client.get(f"/measures/{_m24(store)}")
    assert "more are left out" in r.text


# ---- one read path: the pages agree with the API ---------------------------------------------------------
@pytest.fixture(scope="module")
def api(store: Store) -> TestClient:
    """The API's cascade endpoints over the same store (the routers only: no parse worker needed)."""
    app = FastAPI()
    app.state.backend = Backend(store)
    app.include_router(routes_analysis.router)
    return TestClient(app)


def _cascade_rows(html: str, section: str = "implemented-by") -> dict[str, int]:
    """Measure id → depth of every cascade row on a measure page, in page order."""
    css = "task-row" if section == "implemented-by" else "source-row"
    part = html.split(f'id="{section}"', 1)[1]
    if section == "implements":
        part = part.split('id="implemented-by"', 1)[0]
    return {m: int(d) for m, d in re.findall(rf'class="[^"]*{css}[^"]*" data-measure="([^"]+)" data-depth="(\d+)"', part)}


def _index_cells(html: str, plan_id: str) -> list[int]:
    """measures, sections, items, tasks, links up, links down of one plan's row on the index."""
    row = re.search(rf'<tr class="plan-row" id="{re.escape(plan_id)}">(.*?)</tr>', html, re.S)
    assert row is not None, plan_id
    return [int(n) for n in re.findall(r'<td class="num[^"]*">(\d+)</td>', row.group(1))]


def _unit(html: str, measure_id: str) -> str:
    """What a plan page shows for one unit before its own parts: text, agencies, links up, count of links down."""
    found = re.search(rf'<li class="\w+" id="{re.escape(measure_id)}">(.*?)(?:<ol>|</li>)', html, re.S)
    assert found is not None, measure_id
    return found.group(1)


def _down_count(unit_html: str) -> int:
    found = re.search(r"(\d+) 个下级任务落实", unit_html)
    return int(found.group(1)) if found else 0


def test_the_measure_page_lists_exactly_the_apis_cascade_in_its_order(client: TestClient, store: Store,
                                                                        api: TestClient) -> None:
    m24 = _m24(store)
    page = client.get(f"/measures/{m24}").text
    body = api.get(f"/api/v1/measures/{m24}/implementations", params={"limit": 1000}).json()
    # The API's order, except that plans with a row within the measure's place come first (the rows shown by default).
    within = {i["measure"]["plan"]["id"] for i in body["items"] if i["scope"] == "within"}
    expected = sorted(body["items"], key=lambda i: i["measure"]["plan"]["id"] not in within)
    assert list(_cascade_rows(page).items()) == [(i["measure"]["id"], i["depth"]) for i in expected]
    assert body["total"] == len(_cascade_rows(page)) >= 2
    task = _county_tasks_implementing_m24(store)[0]
    up = api.get(f"/api/v1/measures/{task}/sources", params={"limit": 1000}).json()
    rows = _cascade_rows(client.get(f"/measures/{task}").text, "implements")
    assert list(rows.items()) == [(i["measure"]["id"], i["depth"]) for i in up["items"]] and m24 in rows


def test_the_index_counts_each_plans_units_and_live_links(client: TestClient, store: Store) -> None:
    html = client.get("/").text
    live = [e for e in store.links() if e.props["status"] != "rejected"]
    for p in store.plans():
        kinds = [m.props["kind"] for m in store.find_nodes("Measure", plan_id=p.id)]
        ours = {m.id for m in store.find_nodes("Measure", plan_id=p.id)}
        assert _index_cells(html, p.id) == [
            len(kinds), kinds.count("section"), kinds.count("item"), kinds.count("task"),
            sum(e.source in ours for e in live), sum(e.target in ours for e in live)], p.props["title"]


def test_a_rejected_link_leaves_every_page_as_it_leaves_the_api(client: TestClient, store: Store,
                                                               api: TestClient) -> None:
    """A reviewer rejects a county task's link to provincial measure 24: the measure page, both plan pages and
    the index stop showing it, and the page's cascade is still row for row the API's."""
    m24, hebei = _m24(store), _hebei(store)
    targets = {m24} | {c.id for c in store.children(m24)}
    link = next(e for e in store.links() if e.target in targets)
    task, holder = link.source, link.target
    county = q.get_measure(store, task).measure.plan.id
    before = {"m24": client.get(f"/measures/{m24}").text, "hebei": client.get(f"/plans/{hebei}").text,
              "county": client.get(f"/plans/{county}").text, "index": client.get("/").text}
    implementers = before["m24"].split('id="implemented-by"', 1)[1]
    assert f'href="/measures/{task}"' in implementers
    q.review_link(store, link.id, "reject", "auditor", note="a different task")
    try:
        page = client.get(f"/measures/{m24}").text
        assert f'href="/measures/{task}"' not in page.split('id="implemented-by"', 1)[1]
        assert task in _cascade_rows(before["m24"]) and task not in _cascade_rows(page)
        assert "chip status-rejected" not in page
        body = api.get(f"/api/v1/measures/{m24}/implementations", params={"limit": 1000}).json()
        assert list(_cascade_rows(page)) == [i["measure"]["id"] for i in body["items"]]
        assert m24 not in _cascade_rows(client.get(f"/measures/{task}").text, "implements")
        assert f'href="/measures/{m24}"' not in _unit(client.get(f"/plans/{county}").text, task)
        hebei_now = client.get(f"/plans/{hebei}").text
        assert _down_count(_unit(hebei_now, holder)) == _down_count(_unit(before["hebei"], holder)) - 1
        index = client.get("/").text
        assert _index_cells(index, hebei)[5] == _index_cells(before["index"], hebei)[5] - 1
        assert _index_cells(index, county)[4] == _index_cells(before["index"], county)[4] - 1
    finally:
        store.put_link(link)  # the other tests of this module see the aligned corpus
    assert task in _cascade_rows(client.get(f"/measures/{m24}").text)


# ---- a hand-built cascade: province → city → county ------------------------------------------------------
PLACES = {"P": ("甲省", "province", 2021), "C": ("乙市", "city", 2021), "K": ("丙县", "county", 2021),
          "K2": ("丙县", "county", 2022)}
UNITS = {  # id: plan, kind, number, parent, title, text
    "m24": ("P", "item", "24", None, "完善农产品质量安全追溯体系", "完善农产品质量安全追溯体系。"),
    "m24.1": ("P", "task", None, "m24", "", "完善农产品质量安全追溯体系。"),
    "c1": ("C", "task", "1", None, "建设市级追溯平台", "建设市级追溯平台。"),
    "c2": ("C", "task", "2", None, "推行合格证", "推行食用农产品合格证。"),
    "k1": ("K", "task", "1", None, "", "丙县<b>追溯</b>台账全覆盖。"),
    "k3": ("K", "task", "3", None, "", "丙县农贸市场改造。"),
    "k9": ("K2", "task", "1", None, "", "丙县次年任务。"),
}
CHAIN = [  # source, target, score, status: c2 joins the province item through its task unit, as the aligner may
    ("c1", "m24", 0.8, "inferred"), ("c2", "m24.1", None, "confirmed"), ("k1", "c1", 0.6, "inferred"),
    ("k3", "c1", 0.95, "rejected"),
]


def _fragment(plan: str) -> Fragment:
    place, level, year = PLACES[plan]
    nodes = [Node(id=plan, label="Plan", doc=plan, props={"jurisdiction": place, "level": level, "year": year,
                                                          "title": f"{place}{year}年实施方案", "kind": "实施方案"})]
    edges = []
    for order, (mid, (p, kind, number, parent, title, text)) in enumerate(UNITS.items()):
        if p == plan:
            nodes.append(Node(id=mid, label="Measure", doc=plan, props={
                "kind": kind, "number": number, "title": title, "text": text, "span": [order, order + 1],
                "order": order, "plan_id": plan, "parent_id": parent, "searched": text}))
            edges.append(Edge(id=edge_id("PART_OF", mid, parent or plan), type="PART_OF", source=mid,
                              target=parent or plan, doc=plan, props={"order": order}))
    if plan == "K":
        nodes.append(Node(id="a-K", label="Agency", props={"name": "丙县农业农村局", "functions": ["农业农村"],
                                                           "level": "county", "collective": False,
                                                           "jurisdiction": "丙县", "searched": "丙县农业农村局"}))
        edges.append(Edge(id=edge_id("RESPONSIBLE_FOR", "a-K", "k1"), type="RESPONSIBLE_FOR", source="a-K",
                          target="k1", doc=plan, props={"role": "lead", "as_written": "县农业农村局", "span": [0, 1],
                                                        "position": 0}))
    return Fragment(plan_id=plan, content_hash=f"h-{plan}", nodes=nodes, edges=edges)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = SqliteStore(tmp_path_factory.mktemp("chain") / "graph.db")
    for plan in PLACES:
        store.write_fragment(_fragment(plan))
    for source, target, score, status in CHAIN:
        store.put_link(Edge(id=edge_id("DERIVES_FROM", source, target), type="DERIVES_FROM", source=source,
                            target=target, props={"status": status, "score": score, "scope": "within",
                                                  "level": "measure", "method": "test", "label": "direct",
                                                  "evidence": {"key_phrases": [{"phrase": "追溯"}]},
                                                  "source_plan": UNITS[source][0], "target_plan": UNITS[target][0]}))
    yield store
    store.close()


@pytest.fixture(scope="module")
def chain_client(chain: Store) -> TestClient:
    app = FastAPI()
    app.include_router(pages_router(lambda: chain))
    return TestClient(app)


def test_a_county_task_two_levels_down_is_on_the_provincial_measures_page(chain_client: TestClient,
                                                                          chain: Store) -> None:
    page = chain_client.get("/measures/m24").text
    implementers = page.split('id="implemented-by"', 1)[1]
    assert 'href="/measures/k1"' in implementers and 'href="/measures/k3"' not in implementers
    rows = _cascade_rows(page)
    assert rows == {"c1": 1, "c2": 1, "k1": 2}, "k3's link was rejected"
    assert rows == {i.measure.id: i.depth for i in q.implementations(chain, "甲省#24").items}
    k1 = re.search(r'data-measure="k1".*?</tr>', page, re.S)
    assert k1 is not None and "via" in k1.group(0) and 'href="/measures/c1"' in k1.group(0)
    assert 'href="/agencies/a-K"' in k1.group(0), "the county task's agency is on its row"
    assert "乙市 市级" in page and "丙县 县级" in page, "rows are grouped by plan"


def test_the_measure_network_draws_the_chain_hop_by_hop(chain: Store) -> None:
    data = json.loads(measure_network(measure_page(chain, "m24")).data_json)
    edges = {(e["from"], e["to"]) for e in data["edges"]}
    assert {("c1", "m24"), ("k1", "c1"), ("c2", "m24")} <= edges, "c2's link to the folded task unit joins the item"
    assert "k3" not in {n["id"] for n in data["nodes"]}


def test_a_county_task_page_shows_the_chain_up_to_the_province(chain_client: TestClient) -> None:
    page = chain_client.get("/measures/k1").text
    assert _cascade_rows(page, "implements") == {"c1": 1, "m24": 2}
    assert _cascade_rows(chain_client.get("/measures/k3").text, "implements") == {}


def test_plan_pages_show_each_live_link_once_at_the_unit_it_joins(chain_client: TestClient) -> None:
    city = chain_client.get("/plans/C").text
    assert 'href="/measures/m24"' in _unit(city, "c1") and _down_count(_unit(city, "c1")) == 1
    assert 'href="/measures/m24.1"' in _unit(city, "c2")
    county = chain_client.get("/plans/丙县2021").text
    assert "↑" in _unit(county, "k1") and "↑" not in _unit(county, "k3")
    province = chain_client.get("/plans/P").text
    assert _down_count(_unit(province, "m24")) == 1 and _down_count(_unit(province, "m24.1")) == 1
    index = chain_client.get("/").text
    assert _index_cells(index, "C")[4:] == [2, 1] and _index_cells(index, "K")[4:] == [1, 0]
    assert _index_cells(index, "P") == [2, 0, 1, 1, 0, 2]
    assert index.index('id="P"') < index.index('id="C"') < index.index('id="K"'), "province, city, county"


def test_an_ambiguous_reference_gives_a_page_with_the_candidates(chain_client: TestClient) -> None:
    r = chain_client.get("/plans/丙县")
    assert r.status_code == 409 and r.headers["content-type"].startswith("text/html")
    assert 'href="/plans/K"' in r.text and 'href="/plans/K2"' in r.text
    r = chain_client.get("/measures/甲省%23")
    assert r.status_code == 422 and "Unreadable" in r.text


def test_search_shows_kinds_links_and_the_read_layers_escaped_snippets(chain_client: TestClient) -> None:
    page = chain_client.get("/search", params={"q": "追溯"}).text
    assert "丙县&lt;b&gt;<mark>追溯</mark>&lt;/b&gt;台账" in page, "graph text is escaped, only the marks are markup"
    assert 'href="/measures/m24"' in page and 'href="/measures/k1"' in page
    page = chain_client.get("/search", params={"q": "农业农村局"}).text
    assert 'class="card hit hit-agency"' in page and 'href="/agencies/a-K"' in page


def test_search_pages_walk_every_hit_once_in_rank_order(client: TestClient, store: Store,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "SEARCH_PAGE", 3)
    every = [h.id for h in q.search(store, "追溯").items]
    assert len(every) > 3
    seen: list[str] = []
    url: str | None = "/search?q=追溯"
    while url:
        page = client.get(url).text
        assert f"{len(every)} 条结果" in page and page.count('class="card hit ') <= 3
        seen += re.findall(r'class="card hit hit-\w+" data-id="([^"]+)"', page)
        nxt = re.search(r'href="([^"]+)" rel="next"', page)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert seen == every


# ---- the pages read through policygraph.queries only -----------------------------------------------------
ALLOWED_FROM_GRAPH = {("policygraph.graph.store", "Store")}  # the type the router is handed, for annotations


def _viz_modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(VIZ.glob("*.py"))]


def test_the_viz_package_imports_nothing_from_the_graph_but_the_store_type() -> None:
    for path, tree in _viz_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
                assert not any(n.startswith(("policygraph.graph", "policygraph.loaders")) for n in names), path
            elif isinstance(node, ast.ImportFrom) and node.module:
                mod = node.module
                assert not mod.startswith("policygraph.loaders"), f"{path.name} imports {mod}"
                assert mod not in ("policygraph.queries.snapshot", "policygraph.queries.refs"), f"{path.name}: {mod}"
                if mod.startswith("policygraph.graph"):
                    got = {(mod, a.name) for a in node.names}
                    assert got <= ALLOWED_FROM_GRAPH, f"{path.name} imports {got - ALLOWED_FROM_GRAPH}"
                if mod == "policygraph" and any(a.name == "graph" for a in node.names):
                    pytest.fail(f"{path.name} imports policygraph.graph")


def test_the_viz_package_only_hands_the_store_on() -> None:
    """A parameter typed ``Store`` is only passed to other functions: no method of it is called here."""
    for path, tree in _viz_modules():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            stores = {a.arg for a in [*fn.args.args, *fn.args.kwonlyargs]
                      if a.annotation is not None and "Store" in ast.unparse(a.annotation)}
            for node in ast.walk(fn):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    assert node.value.id not in stores, f"{path.name}:{node.lineno} reads {ast.unparse(node)}"
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
                    assert "get_store" not in ast.unparse(node.value.func), f"{path.name}:{node.lineno}"
    assert "readback" not in "".join(p.read_text(encoding="utf-8") for p, _ in _viz_modules())


def test_a_plan_page_shows_its_co_responsible_bodies_as_the_read_path_ranks_them(client: TestClient,
                                                                                store: Store) -> None:
    county = next(p.id for p in store.plans() if p.plan.level == "county")
    answer = q.co_responsibility(store, plan=county)  # what GET /api/v1/co-responsibility serves
    assert answer.total >= 3 and answer.pairs, "a county plan names several bodies together"
    html = client.get(f"/plans/{county}").text
    panel = html.split('id="bodies"', 1)[1].split("<h2", 1)[0]
    shown = re.findall(r'href="/agencies/([^"]+)"', panel)
    assert shown == [b.id for b in answer.items[: context.PANEL_ROWS]]
    names = {b.id: b.name for b in answer.items}
    assert f"{names[answer.pairs[0].a]} · {names[answer.pairs[0].b]}" in panel
    assert f'href="/api/v1/co-responsibility?plan={county}">JSON' in panel


# ---- networks at scale: plan hubs that open on click ------------------------------------------------------
def test_plan_colours_never_repeat_a_node_kind_or_status_colour() -> None:
    kinds = set(networks.KIND_COLOURS.values()) | set(networks.STATUS_COLOURS.values())
    assert not kinds & set(networks.PLAN_PALETTE)
    assert len(set(networks.PLAN_PALETTE)) == len(networks.PLAN_PALETTE)


def test_a_large_cascade_is_drawn_as_plan_hubs_that_hold_their_tasks(store: Store,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    page = measure_page(store, _m24(store))
    rows = {x.measure.id: x for x in page.implemented_by.items}
    plans = {x.measure.plan.id for x in rows.values()}
    assert len(rows) > 3 and len(plans) >= 2
    expanded = json.loads(measure_network(page).data_json)
    assert "groups" not in expanded and rows.keys() <= {n["id"] for n in expanded["nodes"]}
    monkeypatch.setattr(networks, "HUB_ROWS", 3)
    view = measure_network(page)
    data = json.loads(view.data_json)
    drawn = {n["id"] for n in data["nodes"]}
    assert plans <= drawn and not rows.keys() & drawn, "only the hubs are drawn at first"
    assert set(data["groups"]) == plans and view.hubs == len(plans)
    held = {n["id"]: hub for hub, g in data["groups"].items() for n in g["nodes"]}
    for g in data["groups"].values():  # what every edge of a group shares is said once
        assert all(k not in e for e in g["edges"] for k in g["edge_style"]) and all("id" in e for e in g["edges"])
    assert {t: rows[t].measure.plan.id for t in rows} == {t: held[t] for t in rows}, "each task in its plan's hub"
    hubs = {n["id"]: n for n in data["nodes"] if n.get("expands")}
    assert set(hubs) == plans
    for pid, n in hubs.items():
        count = sum(x.measure.plan.id == pid for x in rows.values())
        assert n["label"].endswith(f"({count})")
    hub_edges = [e for e in data["edges"] if e["from"] in plans]
    assert {e["from"] for e in hub_edges} == plans
    for e in hub_edges:  # as wide as the best score of the rows it stands for
        best = max(x.score for x in rows.values() if x.measure.plan.id == e["from"])
        assert e["to"] in drawn and 1 < e["width"] <= round(1 + 3 * best, 2)
    ids = [e["id"] for g in data["groups"].values() for e in g["edges"]]
    assert len(ids) == len(set(ids)), "group edges have ids of their own, so a click can take them away again"
    legend = dict((title, colour) for colour, title in view.plans)
    assert {n["color"] for n in hubs.values()} <= set(legend.values())


def test_a_plans_lower_plans_are_hubs_with_one_edge_each(store: Store) -> None:
    page = context.plan_page(store, _hebei(store))
    assert page.lower
    data = json.loads(networks.plan_network(page).data_json)
    lower = {p.id for p in page.lower}
    hub_edges = [e for e in data["edges"] if e["from"] in lower]
    assert sorted(e["from"] for e in hub_edges) == sorted(lower) and {e["to"] for e in hub_edges} == {page.plan.id}
    assert set(data["groups"]) == lower
    by_unit = {(pid, mid): n for mid, u in page.units.items() for pid, n in u.down.items()}
    for hub, g in data["groups"].items():
        total = sum(n for (pid, _), n in by_unit.items() if pid == hub)
        assert all({**g["edge_style"], **e}["from"] == hub for e in g["edges"]) and g["edges"]
        assert str(total) in next(e["title"] for e in hub_edges if e["from"] == hub)


def test_a_measures_implementing_plans_are_paged_by_key_within_its_place_first(client: TestClient, store: Store,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "MEASURE_PLANS", 1)
    m24 = _m24(store)
    cascade = q.implementations(store, m24)
    plans = {g.plan.id for g in cascade.groups}
    assert len(plans) >= 3
    within = {x.measure.plan.id for x in cascade.items if x.scope == "within"}
    seen: list[str] = []
    rows: list[str] = []
    url: str | None = f"/measures/{m24}"
    while url:
        html = client.get(url).text
        section = html.split('id="implemented-by"', 1)[1].split('id="not-implemented-by"', 1)[0]
        seen += re.findall(r'<h3><a href="/plans/([^"]+)"', section)
        rows += re.findall(r'class="task-row [^"]*" data-measure="([^"]+)"', section)
        nxt = re.search(r'href="([^"]+)" rel="next">下一页 <small>next plans', section)
        url = f"/measures/{m24}" + unescape(nxt.group(1)).split("#")[0] if nxt else None
    assert sorted(seen) == sorted(plans) and len(seen) == len(set(seen)), "every plan once"
    assert set(seen[:len(within)]) == within, "plans with a row within the measure's place come first"
    assert sorted(rows) == sorted(x.measure.id for x in cascade.items)
