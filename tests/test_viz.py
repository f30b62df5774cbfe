"""The browser pages, as a policy researcher uses them: find a plan, open a provincial measure, see which
county tasks implement it, search the texts — all without the internet."""
from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from policygraph.graph.store import Store
from policygraph.viz import networks
from policygraph.viz.context import measure_page
from policygraph.viz.networks import MAX_NODES, measure_network
from policygraph.viz.pages import mark, pages_router

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
    targets = {_m24(store)} | {c.id for c in store.children(_m24(store))}
    return [e.source for e in store.links() if e.target in targets]


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
    assert "new vis.Network(" in r.text and "vis-network" in r.text  # the library itself is in the page
    assert not re.search(r"<script[^>]+src=", r.text)


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
        assert not re.search(r"<script[^>]*\ssrc=", html), path
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
