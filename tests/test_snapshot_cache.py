"""Queries reuse what they read while the graph is unchanged, and never serve a stale answer after a write."""
from __future__ import annotations

from pathlib import Path

from policygraph.ingest import load_paths
from policygraph.graph.model import Edge, edge_id
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import VERSIONED, Store
from policygraph.queries.snapshot import snapshot

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def test_a_write_changes_the_version_and_queries_see_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "g.db")
    assert VERSIONED in store.capabilities
    load_paths(store, [CORPUS / "001_6ec0ee0796e11f2d.txt", CORPUS / "000_720280f9a1b25883.txt"])
    v1 = store.version()
    first = snapshot(store)
    assert snapshot(store).answers is first.answers and store.version() == v1  # one version shares its answers
    task = next(m for m in store.find_nodes("Measure", kind="task"))
    item = next(m for m in store.find_nodes("Measure", kind="item"))
    store.put_link(Edge(id=edge_id("DERIVES_FROM", task.id, item.id), type="DERIVES_FROM", source=task.id,
                        target=item.id, props={"status": "confirmed", "score": 1.0}))
    assert store.version() != v1
    fresh = snapshot(store)
    assert fresh.answers is not first.answers
    assert [e.target for e in fresh.out("DERIVES_FROM", task.id)] == [item.id]


def test_another_process_writing_the_file_changes_the_version(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    reader = SqliteStore(path)
    before = reader.version()
    writer = SqliteStore(path)
    load_paths(writer, [CORPUS / "004_deef08175ff29da4.txt"])
    writer.close()
    assert reader.version() != before
    assert reader.counts()["nodes"]["Plan"] == 1


def test_every_store_changes_its_version_on_each_write(store: Store) -> None:
    """Both stores are VERSIONED: the API caches query snapshots per version."""
    assert VERSIONED in store.capabilities
    v0 = store.version()
    load_paths(store, [CORPUS / "004_deef08175ff29da4.txt"])
    v1 = store.version()
    assert v1 != v0 and store.version() == v1
    plan = store.plans()[0].id
    store.delete_document(plan)
    assert store.version() not in (v0, v1)
