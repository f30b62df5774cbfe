"""``policygraph load / stats / export / align`` as a newcomer runs them, on the embedded store."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from policygraph.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def test_loading_a_folder_with_a_bad_file_loads_the_others_reports_the_bad_one_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 100)
    store = f"sqlite:///{tmp_path / 'g.db'}"
    result = CliRunner().invoke(main, ["load", str(folder), "--store", store])
    assert result.exit_code == 1
    assert "5 documents loaded" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "broken.txt" in skipped[0]
    assert "aligned" in result.stdout  # the load aligns what it loaded


def test_reloading_changes_nothing_and_stats_json_has_every_type(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'g.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(CORPUS), "--store", store]).exit_code == 0
    first = json.loads(runner.invoke(main, ["stats", "--store", store, "--json"]).stdout)
    again = runner.invoke(main, ["load", str(CORPUS), "--store", store])
    assert again.exit_code == 0 and "(5 unchanged)" in again.stdout
    assert json.loads(runner.invoke(main, ["stats", "--store", store, "--json"]).stdout) == first
    assert first["nodes"] == {"Plan": 5, "Measure": 410, "Agency": 108, "Indicator": 94, "Law": 38, "Jurisdiction": 9}
    assert first["edges"]["DERIVES_FROM"] > 0 and set(first["edges"]) >= {"HAS_MEASURE", "RESPONSIBLE_FOR", "WITHIN"}


def test_export_writes_node_link_json_of_the_whole_graph(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'g.db'}"
    runner = CliRunner()
    runner.invoke(main, ["load", str(CORPUS / "004_deef08175ff29da4.txt"), "--store", store])
    out = tmp_path / "graph.json"
    assert runner.invoke(main, ["export", "--format", "json", "--store", store, "-o", str(out)]).exit_code == 0
    graph = json.loads(out.read_text(encoding="utf-8"))
    ids = {n["id"] for n in graph["nodes"]}
    assert graph["directed"] and graph["links"]
    assert all(link["source"] in ids and link["target"] in ids for link in graph["links"])


def test_a_bad_store_url_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--store", "mysql://nowhere"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "unknown store URL" in result.stderr
