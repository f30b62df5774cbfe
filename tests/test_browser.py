"""A real browser opens provincial measure 24: the network draws (vis-network made its <canvas>) and the
county tasks implementing the measure are on the page, with no internet (the pages inline everything).

Runs headless Chromium against uvicorn on 127.0.0.1; skipped only when no ``chromium`` binary is found.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from conftest import served
from policygraph import queries as q
from policygraph.graph.store import Store
from policygraph.viz.pages import pages_router

HEBEI = "关于深化改革加强食品安全工作的若干措施"
CHROMIUM = shutil.which("chromium")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)")]


@pytest.fixture(scope="module")
def store(sqlite_graph: Store) -> Store:
    return sqlite_graph


@pytest.fixture(scope="module")
def base_url(store: Store) -> Iterator[str]:
    """The pages served by uvicorn in a thread, stopped at the end of the module."""
    app = FastAPI()
    app.include_router(pages_router(lambda: store))
    with served(app) as url:
        yield url


def chromium(url: str, profile: Path, *extra: str) -> str:
    """Load ``url`` in headless Chromium, let its scripts run, and return what it printed (the DOM)."""
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--virtual-time-budget=5000", *extra, url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _m24(store: Store) -> str:
    plan = next(p.id for p in store.plans() if p.props["title"] == HEBEI)
    return next(m.id for m in store.find_nodes("Measure", plan_id=plan, number="24"))


def test_the_measure_24_page_draws_its_network_and_lists_the_county_tasks(base_url: str, store: Store,
                                                                         tmp_path: Path) -> None:
    m24 = _m24(store)
    dom = chromium(f"{base_url}/measures/{m24}", tmp_path / "profile", "--dump-dom")
    network = dom.split('id="measure-network"', 1)[1].split('class="legend"', 1)[0]
    assert "<canvas" in network, "vis-network did not draw: its script failed or did not load"
    targets = {m24} | {c.id for c in store.children(m24)}
    tasks = [store.get_node(e.source) for e in store.links() if e.target in targets and e.props["status"] != "rejected"]
    assert len(tasks) >= 2
    implemented_by = dom.split('id="implemented-by"', 1)[1]
    for t in tasks:
        assert t is not None and f'href="/measures/{t.id}"' in implemented_by
    for row in q.implementations(store, m24).items:  # every row of the API's cascade, at every depth
        assert f'data-measure="{row.measure.id}" data-depth="{row.depth}"' in implemented_by
    county_titles = {p.props["title"] for p in store.plans() if p.props["level"] == "county"}
    assert sum(title in implemented_by for title in county_titles) >= 2


def test_the_plan_page_draws_its_tree(base_url: str, store: Store, tmp_path: Path) -> None:
    plan = next(p.id for p in store.plans() if p.props["title"] == HEBEI)
    dom = chromium(f"{base_url}/plans/{plan}", tmp_path / "profile", "--dump-dom")
    assert "<canvas" in dom.split('id="plan-network"', 1)[1].split('class="legend"', 1)[0]
    assert "完善农产品质量安全追溯体系" in dom


def test_the_api_docs_render_their_operations_offline(store: Store, tmp_path: Path) -> None:
    """Swagger UI must understand the OpenAPI 3.1 document FastAPI writes (Swagger UI 4 said "Unable to render
    this definition" and drew no operation)."""
    from policygraph.api import ApiSettings, create_app

    with served(create_app(store, ApiSettings())) as url:
        dom = chromium(f"{url}/docs", tmp_path / "profile", "--dump-dom", "--virtual-time-budget=15000")
    assert "Unable to render" not in dom
    operations = re.findall(r'class="opblock opblock-(get|post|delete)', dom)
    assert len(operations) >= 20, f"Swagger UI drew {len(operations)} operations"
    assert "/api/v1/measures/{ref}/implementations" in dom
