"""Every hand-checked expectation in shared/gold/extraction_examples.json holds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policygraph.evaluation.extraction import evaluate_extraction, find_unit
from policygraph.loaders.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "extraction_examples.json"
CORPUS = ROOT / "data" / "corpus"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="shared/gold is not beside the project")


def _units() -> list[dict]:  # type: ignore[type-arg]
    return json.loads(GOLD.read_text(encoding="utf-8"))["units"] if GOLD.exists() else []


@pytest.mark.parametrize("unit", _units(), ids=lambda u: u["snippet"][:10])
def test_gold_unit_is_extracted_as_hand_checked(unit: dict) -> None:  # type: ignore[type-arg]
    measure = find_unit(parse_file(CORPUS / unit["doc"]), unit["snippet"])
    assert measure is not None, "the unit's task was not found"
    got = [a.model_dump() for a in measure.agencies]
    for want, have in zip(unit.get("agencies", []), got, strict=True):
        for key in ("as_written", "name", "functions", "level", "role", "collective"):
            if key in want:
                assert have[key] == want[key], (key, want)
    for want, have in zip(unit.get("indicators", []), [i.model_dump() for i in measure.indicators], strict=True):
        for key in ("metric", "comparator", "unit", "deadline"):
            if key in want:
                assert have[key] == want[key], (key, want)
        assert have["value"] == pytest.approx(want["value"])
    if "citations" in unit:
        have_c = [c.model_dump() for c in measure.citations]
        assert [c["title"] for c in have_c] == [c["title"] for c in unit["citations"]]
        for want, have in zip(unit["citations"], have_c):
            if "kind" in want:
                assert have["kind"] == want["kind"]
    for text in unit.get("not_agencies", []):
        if " " not in text:  # a bare name such as 园长; longer entries are explanations, checked by structure tests
            assert all(text not in a.as_written for a in measure.agencies)


def test_eval_extraction_scores_full_marks_on_the_gold() -> None:
    scores = evaluate_extraction(GOLD, CORPUS)
    for name, s in scores.items():
        assert (s.precision, s.recall) == (1.0, 1.0), (name, s.misses)


def test_eval_extraction_command_prints_precision_and_recall_per_category() -> None:
    import json as _json

    from click.testing import CliRunner

    from policygraph.cli import main

    result = CliRunner().invoke(main, ["eval", "extraction", "--gold", str(GOLD), "--corpus", str(CORPUS), "--json"])
    assert result.exit_code == 0, result.output
    figures = _json.loads(result.output)
    assert set(figures) == {"agencies", "indicators", "citations"}
    assert all(f["precision"] == 1.0 and f["recall"] == 1.0 for f in figures.values())
    bad = CliRunner().invoke(main, ["eval", "extraction", "--gold", str(CORPUS / "missing.json")])
    assert bad.exit_code == 2 and "missing.json" in bad.stderr
