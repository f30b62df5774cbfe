"""The pages at the national-scale generator's size S (about a hundred plans, 1,500 bodies, 28,000 links), in
headless Chromium: every list pages by key to its end with neither a repeat nor a gap, clicking "next" as a
user does; a busy measure's network starts as plan hubs. How long each page took is recorded (printed, and
written as JSON to ``POLICYGRAPH_PAGE_TIMINGS`` when set) for BENCHMARKS.md: timings are never asserted here.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM
from conftest import served
from policygraph import queries as q
from policygraph.graph.store import Store

pytest.importorskip("playwright.sync_api", reason="playwright is a test extra (pip install -e '.[test]')")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)")]
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from policygraph.align.run import align_plans
    from policygraph.benchmark import generate
    from policygraph.graph.sqlite_store import SqliteStore
    from policygraph.ingest import load_paths

    folder = tmp_path_factory.mktemp("size-s")
    generate("S", 0, folder / "corpus", CORPUS)
    s = SqliteStore(folder / "graph.db")
    load_paths(s, [folder / "corpus" / "docs"])
    align_plans(s)
    yield s
    s.close()
    out = os.environ.get("POLICYGRAPH_PAGE_TIMINGS")
    if out:
        Path(out).write_text(json.dumps(TIMINGS, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def base_url(store: Store) -> Iterator[str]:
    from policygraph.api import ApiSettings, create_app

    with served(create_app(store, ApiSettings())) as url:
        yield url


def _open(page: Any, url: str, name: str) -> None:
    t = time.perf_counter()
    response = page.goto(url)
    TIMINGS.setdefault(name, round(time.perf_counter() - t, 3))  # the first visit: nothing of it kept yet
    assert response is not None and response.status == 200, url
    print(f"{name}: {TIMINGS[name]:.3f} s")


def _walk(page: Any, rows: str, attribute: str) -> list[str]:
    """Every row's ``attribute`` over all pages, clicking "next" until there is none."""
    seen: list[str] = []
    while True:
        seen += page.eval_on_selector_all(rows, f"rs => rs.map(r => r.getAttribute({attribute!r}))")
        nxt = page.locator("a[rel=next]")
        if not nxt.count():
            return seen
        with page.expect_navigation():
            nxt.click()


def test_the_plan_list_pages_to_its_end(page: Any, base_url: str, store: Store,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.viz import context

    _open(page, f"{base_url}/", "home")
    every = [p.id for p in q.list_plans(store).items]
    assert len(every) >= 90
    monkeypatch.setattr(context, "HOME_PAGE", 30)  # ~100 plans: pages of 30 make four of them
    page.goto(f"{base_url}/")
    assert _walk(page, "tr.plan-row", "id") == every


def test_the_agency_index_pages_to_its_end_in_each_order(page: Any, base_url: str, store: Store) -> None:
    _open(page, f"{base_url}/agencies", "agencies")
    bodies = q.list_agencies(store)
    assert bodies.total > 1000
    ids = [a.id for a in bodies.items]
    walked = [h.rsplit("/", 1)[1] for h in _walk(page, "#agencies tbody td:first-child > a", "href")]
    assert walked == ids
    page.goto(f"{base_url}/agencies?sort=name&level=county")
    county = [a.id for a in q.list_agencies(store, level="county", sort="name").items]
    walked = [h.rsplit("/", 1)[1] for h in _walk(page, "#agencies tbody td:first-child > a", "href")]
    assert walked == county


def test_the_links_list_pages_by_key(page: Any, base_url: str, store: Store) -> None:
    _open(page, f"{base_url}/links", "links")
    seen: list[str] = []
    for _ in range(4):  # 28,000 links: four pages show keyset paging works; the rest are the same query
        seen += page.eval_on_selector_all("tr.link-row", "rs => rs.map(r => r.dataset.link)")
        with page.expect_navigation():
            page.locator("a[rel=next]").click()
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 200
    assert seen == [e.id for e in store.link_page(None, None, None, 200)[0]]


def test_search_pages_through_every_hit_once(page: Any, base_url: str, store: Store) -> None:
    _open(page, f"{base_url}/search?q=%E8%BF%BD%E6%BA%AF", "search")  # 追溯
    hits = q.search(store, "追溯")
    walked = _walk(page, "div.hit", "data-id")
    assert len(walked) == len(set(walked)) == hits.total > 50


def test_the_pages_of_a_province_answer_and_a_busy_measure_starts_as_hubs(page: Any, base_url: str,
                                                                          store: Store) -> None:
    from policygraph.viz import networks

    province = q.list_plans(store, level="province").items[0]
    for name, path in (("plan", f"/plans/{province.id}"), ("coverage", f"/plans/{province.id}/coverage"),
                       ("targets", f"/plans/{province.id}/targets"), ("places", "/jurisdictions"),
                       ("laws", "/laws")):
        _open(page, f"{base_url}{path}", name)
    items = store.find_nodes("Measure", plan_id=province.id, kind="item")
    busiest = max(items, key=lambda m: q.implementations(store, m.id).total)
    rows = q.implementations(store, busiest.id)
    assert rows.total > networks.HUB_ROWS
    _open(page, f"{base_url}/measures/{busiest.id}", "measure")
    page.wait_for_function("document.getElementById('measure-network').visNetwork !== undefined")
    drawn = set(page.evaluate("() => document.getElementById('measure-network').visNetwork.body.data.nodes.getIds()"))
    assert {g.plan.id for g in rows.groups} <= drawn and not {r.measure.id for r in rows.items} & drawn
    link = store.link_page("inferred", province.id, None, 1)[0][0]
    _open(page, f"{base_url}/links/{link.id}", "evidence")
