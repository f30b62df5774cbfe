"""Store fixtures: every registered backend runs the same contract tests (rdflib's pattern).

``store`` is parametrised from ``policygraph.graph.store.registered()``, so a newly registered backend is
tested as soon as it is registered — and fails loudly until this file knows how to open it. The Neo4j store
talks to the server named by ``NEO4J_URI`` (start one with ``tools/neo4j-server/run exec -- pytest …``) and
is skipped only when that variable is unset.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from policygraph.graph.model import Fragment, build_fragment
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import Store, open_store, registered
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file

if TYPE_CHECKING:
    from fastapi import FastAPI

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO / "data" / "corpus"


def backend_name(target: str) -> str:
    """``policygraph.graph.sqlite_store:SqliteStore`` → ``sqlite``."""
    return target.split(":")[0].rsplit(".", 1)[-1].removesuffix("_store")


def _open_sqlite(tmp_path: Path) -> Store:
    return SqliteStore(tmp_path / "graph.db")


def _open_neo4j(tmp_path: Path) -> Store:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI is not set: run under `tools/neo4j-server/run exec -- .venv/bin/pytest …` "
                    "or export NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD for a running server")
    from policygraph.graph.neo4j_store import Neo4jStore  # imported only when a server is there to test

    store = open_store(uri)
    assert isinstance(store, Neo4jStore), f"NEO4J_URI={uri} did not open a Neo4j store"
    store.clear()
    return store


#: How the tests open each backend, by registry name; a registered backend missing here fails its tests.
OPENERS: dict[str, Callable[[Path], Store]] = {"sqlite": _open_sqlite, "neo4j": _open_neo4j}


def _store_params() -> list[object]:
    names = sorted({backend_name(t) for t in registered()})
    return [pytest.param(n, id=n, marks=[pytest.mark.neo4j] if n == "neo4j" else []) for n in names]


@pytest.fixture(params=_store_params())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of every registered backend in turn."""
    opener = OPENERS.get(request.param)
    if opener is None:
        pytest.fail(f"the registered store {request.param!r} has no opener in tests/conftest.py: add one")
    s = opener(tmp_path)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module", params=_store_params())
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The sample corpus loaded and aligned, once per test module and backend (a module may change it)."""
    from policygraph.align.run import align_plans
    from policygraph.ingest import load_paths

    store = OPENERS[request.param](tmp_path_factory.mktemp(request.param))
    load_paths(store, [CORPUS_DIR])
    align_plans(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def sqlite_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The sample corpus loaded and aligned in the embedded store only (pages and browser tests)."""
    from policygraph.align.run import align_plans
    from policygraph.ingest import load_paths

    store = _open_sqlite(tmp_path_factory.mktemp("sqlite-graph"))
    load_paths(store, [CORPUS_DIR])
    align_plans(store)
    yield store
    store.close()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """A fresh file for the tests that only make sense for the embedded store (reopening, killing)."""
    return tmp_path / "graph.db"


# ---- the sample corpus -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_trees(corpus_files: list[Path]) -> dict[str, PlanTree]:
    """Parsed sample documents by file-name prefix ("000" … "004")."""
    return {p.name[:3]: parse_file(p) for p in corpus_files}


@pytest.fixture(scope="session")
def corpus(corpus_trees: dict[str, PlanTree]) -> dict[str, Fragment]:
    """Graph fragments of the sample documents by file-name prefix."""
    return {k: build_fragment(t) for k, t in corpus_trees.items()}


def load(store: Store, fragments: Iterable[Fragment]) -> list[str]:
    """Write fragments in order; the statuses, for asserting what each write did."""
    return [store.write_fragment(f).status for f in fragments]


@pytest.fixture
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Iterable[Fragment]], SqliteStore]]:
    """A fresh sqlite store holding just the given fragments: what a store should equal after any history."""
    opened: list[SqliteStore] = []

    def make(fragments: Iterable[Fragment]) -> SqliteStore:
        s = SqliteStore(tmp_path_factory.mktemp("reference") / "graph.db")
        opened.append(s)
        load(s, fragments)
        return s

    yield make
    for s in opened:
        s.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for a browser-test module (``tests/browsing.py``)."""
    from browsing import launched

    with launched() as b:
        yield b


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A page of the module's app (its ``base_url`` fixture) whose every request outside 127.0.0.1 is refused and
    recorded: the test fails on any."""
    from browsing import guarded_page

    with guarded_page(browser, base_url) as p:
        yield p


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free port of 127.0.0.1 in a thread, for browser tests; its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
