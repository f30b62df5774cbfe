"""``policygraph parse`` as other programs use it: the JSON schema, and one clear line for bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
MEASURE_KEYS = {"id", "parent_id", "kind", "number", "title", "text", "span", "order", "agencies", "indicators",
                "citations"}


def test_parse_json_prints_the_documented_schema() -> None:
    result = CliRunner().invoke(main, ["parse", "--json", str(CORPUS / "004_deef08175ff29da4.txt")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"plan", "measures"}
    assert doc["plan"]["jurisdiction"]["name"] == "红旗区"
    assert all(set(m) == MEASURE_KEYS for m in doc["measures"])
    task = next(m for m in doc["measures"] if m["kind"] == "task" and m["text"].startswith("实施校园食品安全守护行动"))
    assert set(task["agencies"][0]) == {"as_written", "name", "functions", "level", "role", "collective",
                                        "jurisdiction", "span"}
    assert set(task["indicators"][0]) == {"metric", "comparator", "value", "unit", "deadline", "span"}
    assert set(task["citations"][0]) == {"title", "kind", "span"}


def test_parse_prints_a_readable_tree_with_counts() -> None:
    result = CliRunner().invoke(main, ["parse", str(CORPUS / "002_269a440a7ea9a2ad.txt")])
    assert result.exit_code == 0
    assert "= 9 sections, 25 items, 37 task units" in result.output


@pytest.mark.parametrize("content, problem", [
    (None, "not found"),
    (b"", "empty"),
    (b"\x00\x01\x02binary\x00" * 50, "binary"),
    ("只有一句话，没有任何编号结构。".encode(), "no recognisable structure"),
])
def test_bad_input_gets_one_line_naming_the_file_and_exit_2(tmp_path: Path, content: bytes | None,
                                                            problem: str) -> None:
    bad = tmp_path / "bad.txt"
    if content is not None:
        bad.write_bytes(content)
    result = CliRunner().invoke(main, ["parse", "--json", str(CORPUS / "002_269a440a7ea9a2ad.txt"), str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing half-written, not even the good file's tree
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.txt" in lines[0] and problem in lines[0].lower()


def test_python_dash_m_policygraph_is_the_command() -> None:
    import subprocess
    import sys

    doc = str(CORPUS / "004_deef08175ff29da4.txt")
    done = subprocess.run([sys.executable, "-m", "policygraph", "parse", "--json", doc],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plan"]["jurisdiction"]["name"] == "红旗区"
    bad = subprocess.run([sys.executable, "-m", "policygraph", "parse", "/nonexistent.txt"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode != 0 and "/nonexistent.txt" in bad.stderr and bad.stderr.count("\n") == 1


def test_the_command_collects_garbage_less_often_than_python_s_default() -> None:
    """A query process holds many small objects freed by reference counting; full collections walking them
    were two thirds of a plan page (policygraph/runtime.py)."""
    import gc

    from policygraph.runtime import GC_THRESHOLDS

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        assert CliRunner().invoke(main, ["--version"]).exit_code == 0
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
