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


def test_query_errors_name_cli_commands_and_candidates_not_endpoints(tmp_path: Path) -> None:
    """Domain errors speak no transport: the CLI says which command lists what exists, and prints the
    candidates of an ambiguous reference."""
    from policygraph.graph.model import build_fragment
    from policygraph.graph.sqlite_store import SqliteStore
    from policygraph.loaders.parse import parse_upload

    db = tmp_path / "g.db"
    store = f"sqlite:///{db}"
    runner = CliRunner()
    xx = Path(__file__).resolve().parent.parent / "data" / "corpus" / "000_720280f9a1b25883.txt"
    assert runner.invoke(main, ["load", str(xx), "--store", store, "--no-align"]).exit_code == 0
    missing = runner.invoke(main, ["obligations", "a-nope", "--store", store])
    assert missing.exit_code == 2
    assert "list them with `policygraph agencies`" in missing.stderr and "/api/v1" not in missing.stderr
    text = xx.read_text(encoding="utf-8").replace("2024年食品安全重点工作安排", "2025年食品安全重点工作安排")
    with SqliteStore(db) as s:
        s.write_fragment(build_fragment(parse_upload(text.encode("utf-8"), "xx2025.txt")))
    twice = runner.invoke(main, ["measure", "XX县#一", "--store", store])
    assert twice.exit_code == 2
    assert "; candidates: " in twice.stderr and "XX县2024 (p-" in twice.stderr and "XX县2025 (p-" in twice.stderr
