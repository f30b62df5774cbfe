"""A load killed with kill -9 and run again gives the clean graph (issue 9, item 1), on every store.

Loading writes one transaction per document and aligning one per plan pair, recorded with the document
versions it aligned; running the same ``policygraph load`` again skips what is stored and aligns the pairs
not yet aligned at the current versions. The fast tests kill the loader at a fixed point inside a
transaction of either phase; the soak (``slow``) kills it at random moments, ten times per store.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import CORPUS_DIR, REPO
from policygraph.align.run import align_plans
from policygraph.cli import main
from policygraph.ingest import load_paths
from policygraph.graph.sqlite_store import SqliteStore
from policygraph.graph.store import Store

# ``policygraph ARGS``; with KILL_AT=load:N the process SIGKILLs itself inside its N-th document transaction
# (after the old version was dropped, before the commit); with KILL_AT=align:N right after the N-th plan pair's
# links were committed (a kill inside an alignment transaction is the soak's job).
_LOADER = """
import os, signal, sys
phase, _, n = os.environ.get("KILL_AT", "").partition(":")
calls = 0
def killing(original):
    def wrapper(*args, **kwargs):
        global calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == int(n):
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapper
if phase:
    from policygraph.graph import sqlite_store
    stores = [sqlite_store]
    try:
        from policygraph.graph import neo4j_store
        stores.append(neo4j_store)
    except ImportError:
        pass
    for module in stores:
        cls = module.SqliteStore if module is sqlite_store else module.Neo4jStore
        if phase == "align":
            cls.replace_inferred_links = killing(cls.replace_inferred_links)
        elif module is sqlite_store:
            cls._drop_owned = killing(cls._drop_owned)
        else:
            module._drop_owned = killing(module._drop_owned)
from policygraph.cli import main
main(args=sys.argv[1:], prog_name="policygraph")
"""


def store_url(store: Store) -> str:
    return f"sqlite:///{store.path}" if isinstance(store, SqliteStore) else os.environ["NEO4J_URI"]


def start_load(folder: Path, url: str, kill_at: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "KILL_AT": kill_at}
    return subprocess.Popen([sys.executable, "-c", _LOADER, "load", str(folder), "--store", url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)


def sample_copy(dest: Path, versions: int = 0) -> Path:
    """The sample corpus, plus ``versions`` retitled copies of the 河北区 and 红旗区 plans (more documents and
    more plan pairs: a retitled plan is another plan)."""
    dest.mkdir()
    for p in sorted(CORPUS_DIR.glob("*.txt")):
        shutil.copy(p, dest / p.name)
        if p.name[:3] in ("002", "004"):
            lines = p.read_text(encoding="utf-8").split("\n")
            first = next(i for i, line in enumerate(lines) if line.strip())
            for v in range(2, 2 + versions):
                copy = [*lines[:first], lines[first].rstrip() + f"（第{v}稿）", *lines[first + 1:]]
                (dest / f"{p.stem}_v{v}.txt").write_text("\n".join(copy), encoding="utf-8")
    return dest


def clean_export(folder: Path, db: Path) -> dict[str, Any]:
    """What loading ``folder`` gives when nothing goes wrong."""
    with SqliteStore(db) as s:
        load_paths(s, [folder])
        align_plans(s)
        return s.export()


def link_ids(export: dict[str, Any]) -> set[str]:
    return {e["id"] for e in export["links"] if e["type"] == "DERIVES_FROM"}


def counts(export: dict[str, Any]) -> dict[str, int]:
    keys = [n["label"] for n in export["nodes"]] + [e["type"] for e in export["links"]]
    return {k: keys.count(k) for k in sorted(set(keys))}


def rerun_matches_clean(store: Store, folder: Path, clean: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["load", str(folder), "--store", store_url(store)])
    assert result.exit_code == 0, result.output
    documents = len(list(folder.glob("*.txt")))
    assert f"{documents} documents loaded" in result.stdout
    after = store.export()
    assert counts(after) == counts(clean)
    assert link_ids(after) == link_ids(clean)
    assert after == clean


@pytest.mark.parametrize("kill_at", ["load:3", "align:2"])
def test_a_load_killed_inside_a_transaction_and_run_again_gives_the_clean_graph(
        store: Store, tmp_path: Path, kill_at: str) -> None:
    folder = sample_copy(tmp_path / "docs")
    clean = clean_export(folder, tmp_path / "clean.db")
    killed = start_load(folder, store_url(store), kill_at)
    _, err = killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL, err
    links_left = len(store.links())
    assert links_left < len(link_ids(clean))  # the kill left alignment short
    rerun_matches_clean(store, folder, clean)


def test_a_second_run_after_a_clean_load_aligns_nothing(store: Store, tmp_path: Path) -> None:
    folder = sample_copy(tmp_path / "docs")
    runner = CliRunner()
    assert "aligned 4 plan pairs" in runner.invoke(main, ["load", str(folder), "--store", store_url(store)]).stdout
    again = runner.invoke(main, ["load", str(folder), "--store", store_url(store)])
    assert again.exit_code == 0 and "(5 unchanged)" in again.stdout and "aligned" not in again.stdout


def test_loading_with_no_align_leaves_the_pairs_for_the_next_load(store: Store, tmp_path: Path) -> None:
    folder = sample_copy(tmp_path / "docs")
    runner = CliRunner()
    runner.invoke(main, ["load", "--no-align", str(folder), "--store", store_url(store)])
    assert store.links() == []
    again = runner.invoke(main, ["load", str(folder), "--store", store_url(store)])
    assert "(5 unchanged)" in again.stdout and "aligned 4 plan pairs" in again.stdout


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.timeout(1500)
def test_soak_ten_loads_killed_at_random_moments_each_finished_by_a_rerun(store: Store, tmp_path: Path) -> None:
    folder = sample_copy(tmp_path / "docs", versions=3)
    clean = clean_export(folder, tmp_path / "clean.db")
    started = time.monotonic()  # how long a whole load takes on this store: kills land anywhere in it
    timing = start_load(folder, store_url(store) if not isinstance(store, SqliteStore)
                        else f"sqlite:///{tmp_path / 'timing.db'}")
    timing.communicate(timeout=600)
    duration = time.monotonic() - started
    rng = random.Random(9)
    short = 0
    for trial in range(10):
        if isinstance(store, SqliteStore):
            trial_store: Store = SqliteStore(tmp_path / f"trial-{trial}.db")
        else:
            store.clear()  # type: ignore[attr-defined]
            trial_store = store
        child = start_load(folder, store_url(trial_store))
        time.sleep(rng.uniform(0.3, duration))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        short += len(trial_store.links()) < len(link_ids(clean))
        rerun_matches_clean(trial_store, folder, clean)
        if trial_store is not store:
            trial_store.close()
    assert short >= 5, "most kills should land before the alignment finished"
