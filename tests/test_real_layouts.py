"""The loaders on real plans in layouts the samples lack, scored against their hand-made gold as `eval` prints it.

shared/corpus-real holds eight real documents (a national task-division plan on one line, 上海 Markdown scrapes,
a 山东 page with web debris, a per-agency list, a 福建 plan with leading clauses, two long plans without statements);
shared/gold/real_layouts.json describes every task unit of each. The figures below are the issue's bar.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.evaluation.layouts import evaluate_layouts, load_gold

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "real_layouts.json"
CORPUS = ROOT.parent / "shared" / "corpus-real"

pytestmark = pytest.mark.skipif(not (GOLD.exists() and CORPUS.is_dir()), reason="shared/ is not beside the project")


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate_layouts(load_gold(GOLD), CORPUS)


def test_no_valid_plan_is_refused(report) -> None:  # type: ignore[no-untyped-def]
    assert [d.doc for d in report.documents if d.refused] == []


def test_structure_is_exact_on_every_document(report) -> None:  # type: ignore[no-untyped-def]
    wrong = {d.doc: [p for p in d.problems if p.split(":")[0] in ("sections", "items", "task units")]
             for d in report.documents if not d.structure_exact}
    assert wrong == {}


def test_responsibility_statements_are_read_with_the_right_bodies(report) -> None:  # type: ignore[no-untyped-def]
    overall = report.overall()
    assert overall.agencies.f1 >= 0.95, overall.agencies.as_dict()
    assert overall.names.rate >= 0.95, overall.names.as_dict()
    assert overall.levels.rate >= 0.95, overall.levels.as_dict()


def test_headers_and_targets(report) -> None:  # type: ignore[no-untyped-def]
    overall = report.overall()
    assert overall.header.rate >= 0.95, [p for d in report.documents for p in d.problems if p.startswith("header")]
    assert overall.indicators.f1 >= 0.90, overall.indicators.as_dict()


def test_eval_extraction_prints_per_document_and_overall_figures_as_json() -> None:
    result = CliRunner().invoke(main, ["eval", "extraction", "--gold", str(GOLD), "--corpus", str(CORPUS), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert len(figures["documents"]) == 8
    overall = figures["overall"]
    assert {"refused", "header", "structure_exact", "units_found", "agencies", "functions", "names", "levels",
            "indicators", "citations"} <= set(overall)
    assert {"precision", "recall", "f1"} <= set(overall["agencies"])
    text = CliRunner().invoke(main, ["eval", "extraction", "--gold", str(GOLD), "--corpus", str(CORPUS)])
    assert text.exit_code == 0 and "overall" in text.output and "A1_national" in text.output
