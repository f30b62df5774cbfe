"""Which county tasks implement which provincial measures: the aligner's answers on the sample corpus."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.align import AlignUnit, Aligner, higher_units, lower_units
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
PROVINCE = "001_6ec0ee0796e11f2d.txt"
COUNTIES = ["000_720280f9a1b25883.txt", "002_269a440a7ea9a2ad.txt", "003_89f1844d7b00fff0.txt",
            "004_deef08175ff29da4.txt"]


@lru_cache(maxsize=None)
def tree(name: str) -> PlanTree:
    return parse_file(CORPUS / name)


@lru_cache(maxsize=1)
def province_units() -> tuple[AlignUnit, ...]:
    return tuple(higher_units(tree(PROVINCE)))


@lru_cache(maxsize=1)
def aligner() -> Aligner:
    return Aligner(province_units())


def county_units() -> list[AlignUnit]:
    return [u for name in COUNTIES for u in lower_units(tree(name))]


def test_unit_text_drops_the_item_number_and_the_responsibility_parenthesis() -> None:
    units = lower_units(tree("002_269a440a7ea9a2ad.txt"))
    first = units[0]
    assert first.number == "1"
    assert first.text.startswith("强化食品安全组织领导。")
    assert "负责）" not in first.text and first.text.endswith("底线。")
    assert "食品安全委员会" in first.functions or not first.functions  # collective bodies are not functions
    measure = next(m for m in tree("002_269a440a7ea9a2ad.txt").measures if m.id == first.id)
    assert measure.text[first.span[0] : first.span[1]] == first.text


def test_province_measures_are_the_numbered_items() -> None:
    numbers = [u.number for u in province_units()]
    assert numbers[:3] == ["3", "4", "5"] and "24" in numbers and "55" in numbers
    m24 = next(u for u in province_units() if u.number == "24")
    assert m24.title == "完善农产品质量安全追溯体系" and "农业农村" in m24.functions


def test_which_county_tasks_implement_provincial_measure_24_traceability() -> None:
    m24 = next(u for u in province_units() if u.number == "24")
    links = [p for p in aligner().align(county_units()) if p.target == m24.id]
    tracing = [p for p in links if any(k["phrase"] == "追溯" for k in p.evidence["key_phrases"])]
    assert len(tracing) >= 4, links
    texts = {u.id: u.text for u in county_units()}
    assert all("追溯" in texts[p.source] for p in tracing)
    # 西平县's "推进食品安全追溯体系建设" task is among the best-scored links of measure 24.
    best = max(tracing, key=lambda p: p.score)
    assert best.label == "direct" and best.score > 0.9


def test_alignment_is_deterministic() -> None:
    lower = county_units()
    first = Aligner(province_units()).align(lower)
    again = Aligner(province_units()).align(lower)
    assert [(p.source, p.target, p.score, p.label, p.evidence) for p in first] == [
        (p.source, p.target, p.score, p.label, p.evidence) for p in again]


def test_rank_returns_k_best_regardless_of_threshold() -> None:
    unit = county_units()[0]
    ranked = aligner().rank(unit, 5)
    assert len(ranked) == 5
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)


def test_a_task_gets_at_most_max_per_task_links() -> None:
    limit = aligner().model.max_per_task
    counts: dict[str, int] = {}
    for p in aligner().align(county_units()):
        counts[p.source] = counts.get(p.source, 0) + 1
    assert max(counts.values()) <= limit


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_scores_are_in_unit_interval_and_evidence_spans_point_into_the_texts(data: st.DataObject) -> None:
    units = county_units()
    unit = units[data.draw(st.integers(0, len(units) - 1))]
    cut = data.draw(st.integers(1, len(unit.text)))
    unit = AlignUnit(**{**unit.__dict__, "text": unit.text[:cut]})  # a task cut short anywhere
    targets = {u.id: u.text for u in province_units()}
    for p in aligner().rank(unit, 5):
        assert 0.0 <= p.score <= 1.0
        assert p.label in ("direct", "partial")
        for k in p.evidence["key_phrases"]:
            for a, b in k["source_spans"]:
                assert 0 <= a < b <= len(unit.text)
            for a, b in k["target_spans"]:
                assert 0 <= a < b <= len(targets[p.target])
