"""Same input, same output (issue 9, item 8): loading the sample corpus gives the same graph — evidence spans
included — whatever PYTHONHASHSEED the process runs with, and on every store.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS_DIR, REPO
from policygraph.align.run import align_plans
from policygraph.ingest import load_paths
from policygraph.graph.store import Store


def exported_after_load(tmp_path: Path, seed: str) -> dict[str, Any]:
    """``policygraph load`` then ``export`` in a fresh process with this PYTHONHASHSEED."""
    db, out = tmp_path / f"seed-{seed}.db", tmp_path / f"seed-{seed}.json"
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    for args in (["load", str(CORPUS_DIR)], ["export", "-o", str(out)]):
        done = subprocess.run([sys.executable, "-c", "from policygraph.cli import main; main()", *args, "--store", f"sqlite:///{db}"],
                              capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
        assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def seeded_exports(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("seeds")
    return [exported_after_load(tmp, seed) for seed in ("1", "2")]


def _evidence(export: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e.get("evidence") for e in export["links"] if e["type"] == "DERIVES_FROM"}


def test_identical_loads_give_identical_evidence_whatever_the_hash_seed(
        seeded_exports: list[dict[str, Any]]) -> None:
    first, *others = seeded_exports
    assert len(_evidence(first)) > 100
    for other in others:
        assert _evidence(other) == _evidence(first)
        assert other == first


def test_every_store_exports_the_graph_a_differently_seeded_process_exported(
        store: Store, seeded_exports: list[dict[str, Any]]) -> None:
    load_paths(store, [CORPUS_DIR])
    align_plans(store)
    assert store.export() == seeded_exports[0]
