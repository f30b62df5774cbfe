"""A plan written in Traditional characters (繁體) parses like its Simplified twin, and is quoted as written."""
from __future__ import annotations

from pathlib import Path

from policygraph.loaders.normalising import normalise
from policygraph.loaders.parse import parse_file
from policygraph.loaders.traditional import to_simplified

SIMPLIFIED = """驻马店市2024年食品安全工作要点
为做好全市食品安全工作，制定本要点。
一、强化源头治理
（一）加强耕地污染治理。受污染耕地安全利用率达到93%以上。（市生态环境局、市农业农村局按职责分工负责）
（二）严格农药兽药监管。开展专项整治行动。（市农业农村局负责）
"""

# The same plan as a Traditional-character site prints it, with half-width punctuation mixed in.
TRADITIONAL = """駐馬店市2024年食品安全工作要點
為做好全市食品安全工作,制定本要點。
一、強化源頭治理
(一)加強耕地污染治理。受污染耕地安全利用率達到93%以上。(市生態環境局、市農業農村局按職責分工負責)
(二)嚴格農藥獸藥監管。開展專項整治行動。(市農業農村局負責)
"""


def test_conversion_is_one_character_for_one() -> None:
    out = to_simplified(TRADITIONAL)
    assert out is not None and len(out) == len(TRADITIONAL)
    assert out.startswith("驻马店市2024年食品安全工作要点")


def test_simplified_text_is_left_alone() -> None:
    assert to_simplified(SIMPLIFIED) is None
    assert to_simplified("乾隆年间的著作") is None  # a stray variant does not switch a whole document


def test_a_traditional_plan_gives_the_simplified_plan_tree(tmp_path: Path) -> None:
    trad, simp = tmp_path / "trad.txt", tmp_path / "simp.txt"
    trad.write_text(TRADITIONAL, "utf-8")
    simp.write_text(SIMPLIFIED, "utf-8")
    a, b = parse_file(trad), parse_file(simp)
    assert [(m.kind, m.number, m.text) for m in a.measures] == [(m.kind, m.number, m.text) for m in b.measures]
    assert [(x.name, x.role, x.level) for m in a.measures for x in m.agencies] == \
        [(x.name, x.role, x.level) for m in b.measures for x in m.agencies]
    assert a.plan.jurisdiction == b.plan.jurisdiction and a.plan.kind == b.plan.kind
    # every span still points at the words of the Traditional source
    first = next(x for m in a.measures for x in m.agencies)
    assert a.text[first.span[0]:first.span[1]] == "市生態環境局"


def test_as_written_gives_the_original_script_back() -> None:
    norm = normalise(TRADITIONAL)
    start = norm.text.index("市生态环境局")
    assert norm.as_written(start, start + 6) == "市生態環境局"
    plain = normalise(SIMPLIFIED)
    assert plain.written is None and plain.as_written(0, 4) == "驻马店市"
