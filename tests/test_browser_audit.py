"""An auditor in a real browser (Playwright driving Debian's headless Chromium) on the sample corpus.

The evidence view marks the shared phrases in both texts; Confirm, with the token the page asks for once,
changes the link's status, survives a reload and a re-alignment and shows the reviewer; the coverage page of
河北省 shows XX县's gaps; the targets page flags XX县's two weaker targets; no request leaves 127.0.0.1.
With ``POLICYGRAPH_SCREENSHOTS=DIR`` the pages' screenshots are written to DIR (the README's come from here).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM
from conftest import served
from policygraph import queries as q
from policygraph.graph.store import Store

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a test extra (pip install -e '.[test]')")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)")]
TOKEN = "browser-audit-token"


@pytest.fixture(scope="module")
def store(sqlite_graph: Store) -> Store:
    return sqlite_graph  # this module's own copy of the aligned sample corpus: its tests review links


@pytest.fixture(scope="module")
def base_url(store: Store) -> Iterator[str]:
    from policygraph.api import ApiSettings, create_app

    with served(create_app(store, ApiSettings(tokens={TOKEN: "auditor"}))) as url:
        yield url


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("POLICYGRAPH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def _link_with_phrases(store: Store, target_units: set[str]) -> str:
    return next(e.id for e in sorted(store.links(), key=lambda e: e.id) if e.target in target_units
                and any(p.get("source_spans") and p.get("target_spans") for p in e.link.evidence.get("key_phrases", [])))


def test_confirming_a_link_in_the_evidence_view_survives_a_reload_and_a_realignment(page: Any, base_url: str,
                                                                                   store: Store) -> None:
    from policygraph.align.run import align_plans

    m24 = q.get_measure(store, "河北省#24").measure.id
    link_id = _link_with_phrases(store, {m24} | {c.id for c in store.children(m24)})
    ev = q.link_evidence(store, link_id)
    page.goto(f"{base_url}/links/{link_id}")
    lower = [m for m in page.locator("#lower mark").all_inner_texts()]
    higher = [m for m in page.locator("#higher mark").all_inner_texts()]
    assert lower == [p.text for p in ev.lower_text if p.marked] and lower
    assert higher == [p.text for p in ev.higher_text if p.marked] and higher
    assert page.inner_text("#link-status").startswith("推断")
    _shot(page, "evidence")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept(TOKEN)

    page.on("dialog", answer)
    page.fill("input[name=note]", "核对：追溯体系一致")
    with page.expect_navigation():
        page.click("button[data-decision=confirm]")
    assert len(asked) == 1, "the token is asked once"
    assert page.inner_text("#link-status").startswith("已确认")
    assert "auditor" in page.inner_text("#link-meta") and "核对：追溯体系一致" in page.inner_text("#history")
    page.reload()
    assert page.inner_text("#link-status").startswith("已确认")
    align_plans(store)  # a re-alignment never overwrites a review
    page.reload()
    assert page.inner_text("#link-status").startswith("已确认") and "auditor" in page.inner_text("#link-meta")
    with page.expect_navigation():  # the second decision needs no second prompt (sessionStorage)
        page.click("button[data-decision=reject]")
    assert len(asked) == 1 and page.inner_text("#link-status").startswith("已否决")


def test_the_coverage_page_of_hebei_shows_xx_county_s_gaps(page: Any, base_url: str, store: Store) -> None:
    hebei, xx = q.get_plan(store, "河北省").id, q.get_plan(store, "XX县").id
    matrix = q.coverage_matrix(store, hebei, "county")
    gaps = {r.measure_id for r in matrix.items if next(c for c in r.cells if c.plan_id == xx).tasks == 0}
    assert gaps
    page.goto(f"{base_url}/plans/{hebei}/coverage")
    shown = set(page.eval_on_selector_all(f'td.cell-gap[data-plan="{xx}"]',
                                          "cells => cells.map(c => c.closest('tr').dataset.measure)"))
    assert shown == gaps
    _shot(page, "coverage")


def test_the_targets_page_flags_xx_county_s_two_weaker_targets(page: Any, base_url: str, store: Store) -> None:
    hebei, xx = q.get_plan(store, "河北省").id, q.get_plan(store, "XX县").id
    page.goto(f"{base_url}/plans/{hebei}/targets?child={xx}")
    weaker = page.locator('tr[data-verdict="weaker"]').all_inner_texts()
    assert len(weaker) == 2
    assert any("30%" in w and "29%" in w for w in weaker) and any("40%" in w and "39%" in w for w in weaker)
    first_rows = page.locator("#targets tbody tr").all()[:2]
    assert all(r.get_attribute("data-verdict") == "weaker" for r in first_rows)
    _shot(page, "targets")


def test_the_main_pages_render_legibly_and_link_their_data(page: Any, base_url: str, store: Store) -> None:
    m24 = q.get_measure(store, "河北省#24").measure.id
    for name, path in [("home", "/"), ("measure", f"/measures/{m24}"), ("agencies", "/agencies"), ("links", "/links"),
                       ("plan", f"/plans/{q.get_plan(store, '河北省').id}")]:
        response = page.goto(f"{base_url}{path}")
        assert response is not None and response.status == 200, path
        _shot(page, name)
    page.goto(f"{base_url}/agencies")
    for label in ("JSON", "CSV"):
        href = page.get_attribute(f"a:text-is('{label}')", "href")
        assert href and page.request.get(f"{base_url}{href}").ok, label


def test_clicking_a_plan_hub_draws_its_tasks_and_a_second_click_hides_them(page: Any, base_url: str, store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.viz import networks

    monkeypatch.setattr(networks, "HUB_ROWS", 3)  # the sample's cascades are small: draw them as hubs anyway
    m24 = q.get_measure(store, "河北省#24")
    rows = q.implementations(store, m24.measure.id).items
    hub = rows[0].measure.plan.id
    tasks = {r.measure.id for r in rows if r.measure.plan.id == hub}
    page.goto(f"{base_url}/measures/{m24.measure.id}")
    page.wait_for_function("document.getElementById('measure-network').visNetwork !== undefined")
    drawn = "id => document.getElementById('measure-network').visNetwork.body.data.nodes.getIds()"
    before = set(page.evaluate(drawn, None))
    assert hub in before and not tasks & before

    def click_hub() -> None:
        page.locator("#measure-network").scroll_into_view_if_needed()
        x, y = page.evaluate("""hub => { const box = document.getElementById('measure-network'), n = box.visNetwork;
            const p = n.canvasToDOM(n.getPositions([hub])[hub]), r = box.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", hub)
        page.mouse.click(x, y)

    click_hub()
    page.wait_for_function(f"document.getElementById('measure-network').dataset.open === {hub!r}")
    assert tasks <= set(page.evaluate(drawn, None))
    _shot(page, "measure-hubs")
    page.wait_for_timeout(800)  # two clicks in quick succession are a double click: it opens the hub's plan page
    click_hub()
    page.wait_for_function("document.getElementById('measure-network').dataset.open === ''")
    assert set(page.evaluate(drawn, None)) == before
