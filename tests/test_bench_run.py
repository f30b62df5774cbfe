"""The benchmark harness in smoke mode (issue 10): one run on a cut of size S, both stores side by side.

Benchmarks are not tests: nothing here asserts a timing, only that the report has every figure for every store,
the Neo4j/embedded ratios, the truth-based alignment scores and the Markdown table. The run is cut to the first
five documents (the nation, 上海市 and three of its districts) to stay well under a minute with both stores; the
Neo4j half runs when the test run provides NEO4J_URI, like the other store tests.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.benchmark import generate
from policygraph.benchmark.queryset import QUERIES
from policygraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
STEPS = {"parse", "load", "align", "open", "query cold", "query warm", "queries", "api"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, list[str]]:  # type: ignore[type-arg]
    work = tmp_path_factory.mktemp("bench")
    generate("S", 0, work / "corpus", ROOT / "data" / "corpus")
    stores = ["sqlite", "neo4j"] if os.environ.get("NEO4J_URI") else ["sqlite"]
    (work / "BENCHMARKS.md").write_text("# Benchmarks\n", encoding="utf-8")
    result = CliRunner().invoke(main, [
        "bench", "run", "--size", "S", "--stores", ",".join(stores), "--smoke", "--corpus", str(work / "corpus"),
        "--workdir", str(work), "--max-plans", "5", "--api-seconds", "3", "--budget", "120",
        "--out", str(work / "BENCHMARKS.md"), "--json", str(work / "report.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((work / "report.json").read_text(encoding="utf-8"))
    return report, (work / "BENCHMARKS.md").read_text(encoding="utf-8"), stores


def test_every_step_ran_to_the_end_on_every_store(run: tuple[dict, str, list[str]]) -> None:  # type: ignore[type-arg]
    report, _, stores = run
    assert report["stopped"] == []
    assert report["stores"] == stores
    assert {f["step"] for f in report["figures"]} == STEPS
    for f in report["figures"]:
        for s in stores:
            v = f["values"][s]
            if v is None and f["step"] == "api" and "latency" in f["name"]:
                continue  # a short smoke window on a busy machine may finish no request: no latency to report
            assert v is not None, (f["step"], f["name"], s)
            assert v["n"] >= 1 and v["p99"] >= v["median"] >= 0


def test_each_query_is_timed_cold_and_warm(run: tuple[dict, str, list[str]]) -> None:  # type: ignore[type-arg]
    names = {(f["step"], f["name"]) for f in run[0]["figures"]}
    assert {(m, q) for q in QUERIES for m in ("query cold", "query warm")} <= names


def test_alignment_is_scored_against_the_generators_truth(run: tuple[dict, str, list[str]]) -> None:  # type: ignore[type-arg]
    align = {f["name"]: f["values"] for f in run[0]["figures"] if f["step"] == "align"}
    for name in ("precision", "recall", "hits@3"):
        for v in align[name].values():
            assert 0 < v["median"] <= 1
    assert all(v["median"] > 0 for v in align["links"].values())
    # What scoring only each task's top candidates loses against scoring every measure, on a sample of pairs.
    (recall,) = [v for name, v in align.items() if name.startswith("candidate recall (top 20 vs all pairs")]
    assert set(recall) == set(run[2]) and all(0 < v["median"] <= 1 for v in recall.values())


def test_comparisons_are_ratios_from_the_same_run(run: tuple[dict, str, list[str]]) -> None:  # type: ignore[type-arg]
    report, _, stores = run
    for f in report["figures"]:
        if f["shared"] or len(stores) < 2 or None in (f["values"].get("sqlite"), f["values"].get("neo4j")):
            assert f["ratio"] is None
        elif f["values"]["sqlite"]["median"] > 0:
            assert f["ratio"] == pytest.approx(f["values"]["neo4j"]["median"] / f["values"]["sqlite"]["median"])


def test_the_table_is_appended_with_machine_date_and_commit(run: tuple[dict, str, list[str]]) -> None:  # type: ignore[type-arg]
    report, text, stores = run
    assert text.startswith("# Benchmarks\n")
    assert "### bench run --size S" in text and report["context"]["commit"] in text
    assert report["context"]["machine"] in text and report["context"]["date"] in text
    header = next(line for line in text.splitlines() if line.startswith("| step |"))
    assert all(f"{s} median" in header for s in stores)
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| step")]
    assert len(rows) == len(report["figures"])


def test_a_step_over_its_time_budget_stops_the_run_with_the_store_and_figure_named(tmp_path: Path) -> None:
    generate("S", 0, tmp_path / "corpus", ROOT / "data" / "corpus")
    result = CliRunner().invoke(main, [
        "bench", "run", "--size", "S", "--stores", "sqlite", "--smoke", "--corpus", str(tmp_path / "corpus"),
        "--workdir", str(tmp_path), "--budget", "0"])
    assert result.exit_code == 1
    assert "Stopped early: all: parse throughput after 0 of 99 documents (the 0 s limit)" in result.output


def test_a_step_the_kernel_kills_is_named_with_its_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A step killed by SIGKILL (at M: the out-of-memory killer) leaves no message of its own; the report says
    which store, which step and which signal."""
    import subprocess

    from policygraph.benchmark import run as bench_run

    killed = subprocess.CompletedProcess(args=[], returncode=-9, stdout="", stderr="")
    monkeypatch.setattr(bench_run.subprocess, "run", lambda *a, **k: killed)
    report = bench_run.Report(context={}, stores=["sqlite"])
    assert bench_run._Runner(bench_run.Options(), report).step("sqlite", "queries", {}) is None
    assert report.stopped == ["sqlite: queries was killed by SIGKILL (on Linux, usually the kernel's out-of-memory "
                              "killer)"]


def test_the_api_step_loses_no_request(run: tuple[dict, str, list[str]]) -> None:  # type: ignore[type-arg]
    """Every request of the load generator is answered: a server whose log filled an unread pipe once left 32 of
    them hanging until the 60 s timeout."""
    api = {f["name"]: f["values"] for f in run[0]["figures"] if f["step"] == "api"}
    for store in run[2]:
        assert api["failed requests"][store]["median"] == 0, store
        assert api["headline query, 32 clients"][store]["median"] > 0, store
