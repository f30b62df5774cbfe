"""Who is responsible for a task: the bodies read from responsibility parentheses of the sample corpus."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.loaders.agencies import is_responsibility, parse_responsibility
from policygraph.loaders.agency_vocab import DATA_DIR, vocabulary
from policygraph.loaders.model import AgencyRef, Jurisdiction

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
GOLD_PATH = ROOT / "tests" / "gold" / "extraction_examples.json"
if not GOLD_PATH.is_file():
    GOLD_PATH = Path("/work/shared/gold/extraction_examples.json")
GOLD = json.loads(GOLD_PATH.read_text(encoding="utf-8"))

PLANS: dict[str, Jurisdiction] = {
    "000": Jurisdiction(name="XX县", level="county", parents=["河北省"], anonymised=True),
    "001": Jurisdiction(name="河北省", level="province"),
    "002": Jurisdiction(name="河北区", level="county", parents=["天津市"]),
    "003": Jurisdiction(name="西平县", level="county", parents=["驻马店市", "河南省"]),
    "004": Jurisdiction(name="红旗区", level="county", parents=["新乡市", "河南省"]),
}
HONGQI, XIPING, HEBEI_QU, XX = PLANS["004"], PLANS["003"], PLANS["002"], PLANS["000"]
PAREN = re.compile(r"[（(]([^（）()]{0,300}?)[）)]", re.S)


def corpus_text(doc: str) -> str:
    return (CORPUS / doc).read_text(encoding="utf-8")


def closing_parentheses(text: str) -> list[re.Match[str]]:
    """Parentheses in the position of a responsibility: right after the end of a sentence (…要求。（…）)."""
    out = []
    for m in PAREN.finditer(text):
        before = text[: m.start()].rstrip()
        if before.endswith(("。", "；", "！")):
            out.append(m)
    return out


def gold_units() -> list[dict]:
    return [u for u in GOLD["units"] if u.get("agencies")]


def unit_responsibility(unit: dict) -> tuple[str, list[AgencyRef]]:
    """The unit's responsibility: the first closing parenthesis after its snippet that names bodies."""
    text = corpus_text(unit["doc"])
    start = text.index(unit["snippet"])
    for m in closing_parentheses(text):
        if m.start() > start:
            found = parse_responsibility(m.group(1), m.start(1), PLANS[unit["doc"][:3]])
            if found is not None:
                return text, found
    raise AssertionError(f"no responsibility after {unit['snippet']}")


@pytest.mark.parametrize("unit", gold_units(), ids=lambda u: f"{u['doc'][:3]}-{u['snippet'][:8]}")
def test_gold_agencies_are_read_as_the_auditor_checked_them(unit: dict) -> None:
    text, found = unit_responsibility(unit)
    expected = unit["agencies"]
    assert [a.as_written for a in found] == [e["as_written"] for e in expected]
    for got, want in zip(found, expected):
        assert got.functions == want["functions"], got
        assert got.level == want["level"], got
        assert got.role == want["role"], got
        assert got.collective == want.get("collective", False), got
        if "name" in want:
            assert got.name == want["name"]
        assert "".join(text[got.span[0]:got.span[1]].split()) == got.as_written


def test_every_corpus_responsibility_names_bodies_with_known_functions() -> None:
    """Each closing parenthesis that assigns work yields bodies, and every body maps to the vocabulary."""
    vocab = vocabulary()
    assignments = re.compile(r"(负责|牵头|配合|[局委办])$|负责|牵头|配合")
    checked = 0
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        plan = PLANS[path.name[:3]]
        for m in closing_parentheses(text):
            inner = "".join(m.group(1).split())
            if not assignments.search(inner):
                continue
            found = parse_responsibility(m.group(1), m.start(1), plan)
            assert found, f"{path.name}: {inner}"
            for agency in found:
                # a collective (有关单位) names a set of bodies and carries no function of its own
                assert (agency.functions or agency.collective) and set(agency.functions) <= vocab.functions, agency
                assert "".join(text[agency.span[0]:agency.span[1]].split()) == agency.as_written
            checked += 1
    assert checked > 150


def test_a_county_copying_provincial_text_keeps_the_provincial_body() -> None:
    found = parse_responsibility("省农业农村厅负责", 10, XX)
    assert found is not None
    assert [(a.name, a.level, a.jurisdiction, a.span) for a in found] == [
        ("河北省农业农村厅", "province", "河北省", (10, 16))]


def test_unprefixed_bodies_belong_to_the_anonymised_plan() -> None:
    found = parse_responsibility("卫生健康委、农业农村局、宣传部负责", 0, XX)
    assert found is not None
    assert [a.name for a in found] == ["XX县卫生健康委员会", "XX县农业农村局", "中共XX县委宣传部"]  # a party organ is 中共…委…


def test_a_prefix_carries_over_within_one_list() -> None:
    found = parse_responsibility("市生态环境局西平分局、县自然资源局、农业农村局", 0, XIPING)
    assert found is not None
    assert [(a.name, a.level) for a in found] == [
        ("驻马店市生态环境局西平分局", "county"), ("西平县自然资源局", "county"), ("西平县农业农村局", "county")]
    city = parse_responsibility("市市场监管局、卫健委负责", 0, XIPING)
    assert city is not None
    assert [(a.name, a.level) for a in city] == [("驻马店市市场监督管理局", "city"), ("驻马店市卫生健康委员会", "city")]


def test_a_role_word_covers_names_back_to_the_previous_role_or_comma() -> None:
    found = parse_responsibility("区市场监管局、区商务局牵头，区卫健委、区教育局配合，区财政局", 0, HONGQI)
    assert found is not None
    assert [a.role for a in found] == ["lead", "lead", "support", "support", "responsible"]
    mixed = parse_responsibility("公安红旗分局牵头、区市场监管局按职责分工负责", 0, HONGQI)
    assert mixed is not None
    assert [(a.name, a.role) for a in mixed] == [("新乡市公安局红旗分局", "lead"), ("红旗区市场监督管理局", "responsible")]


def test_township_groups_and_collective_members() -> None:
    found = parse_responsibility("各乡镇党委政府、街道党工委和办事处负责，县政府食安委各成员单位和有关部门按职责分工负责", 0, XIPING)
    assert found is not None
    assert [a.as_written for a in found] == ["各乡镇党委", "政府", "街道党工委", "办事处", "县政府食安委各成员单位", "有关部门"]
    assert all(a.collective for a in found)
    assert [a.level for a in found[:4]] == ["township"] * 4
    assert found[1].functions == ["乡镇政府"]
    assert found[4].name == "西平县食品安全委员会各成员单位"


def test_a_city_that_is_a_province_gives_provincial_bodies() -> None:
    found = parse_responsibility("市市场监管局牵头，交管河北支队配合", 0, HEBEI_QU)
    assert found is not None
    assert [(a.name, a.level, a.role) for a in found] == [
        ("天津市市场监督管理局", "province", "lead"), ("天津市公安交通管理局河北支队", "county", "support")]


@pytest.mark.parametrize("written, functions", [
    ("区场监管局", ["市场监管"]),        # 004: 市 dropped
    ("区业农村局", ["农业农村"]),        # 004: 农 dropped
    ("县市场监督管局", ["市场监管"]),
    ("县卫生健康委员", ["卫生健康"]),
    ("县人力资源社会保障局", ["人力资源社会保障"]),
    ("县住房和城乡建设局局", ["住房城乡建设"]),
    ("县农业农村和水利局", ["农业农村", "水利"]),   # an unlisted merged bureau, read by keywords
    ("县文化广电体育旅游局", ["文化和旅游", "体育"]),
])
def test_misspelt_and_unlisted_names_still_resolve(written: str, functions: list[str]) -> None:
    found = parse_responsibility(written + "负责", 0, XIPING)
    assert found is not None
    assert [a.functions for a in found] == [functions]


def test_a_missing_character_anywhere_in_a_long_name_is_tolerated() -> None:
    for name, functions in [("市场监督管理局", ["市场监管"]), ("生态环境局", ["生态环境"]),
                            ("住房和城乡建设局", ["住房城乡建设"]), ("粮食和物资储备局", ["粮食和物资储备"])]:
        for i in range(len(name)):
            typo = name[:i] + name[i + 1:]
            found = parse_responsibility(f"县{typo}负责", 0, XIPING)
            assert found is not None and found[0].functions == functions, typo


@pytest.mark.parametrize("inner", [
    "园长", "VOCs", "市、区", "含定州、辛集市，下同", "含定州、\n辛集市，下同", "试行", "2023年版", "以下简称《若干措施》",
    "以下简称“食安委”", "HACCP", "镇、街道", "人事", "店", "厂", "单位食堂", "冷链食品、休闲食品", "产业联盟", "二十一",
    "仅销售食用农产品的除外", "2024-2024年", "", "  ", "协管员", "征求意见稿",
])
def test_parentheses_that_name_no_body_are_not_responsibilities(inner: str) -> None:
    assert parse_responsibility(inner, 0, HONGQI) is None
    assert not is_responsibility(inner)


def test_a_page_break_inside_the_parenthesis_is_read_through() -> None:
    inner = "各乡镇政府、办事处负责，县政府食安办、县市场监管局、农业农村局、财政局按职责分\n\n工负责"
    found = parse_responsibility(inner, 100, XIPING)
    assert found is not None
    assert [a.role for a in found] == ["responsible"] * 6
    last = found[-1]
    assert inner[last.span[0] - 100:last.span[1] - 100] == "财政局"


def test_vocabulary_files_agree_with_the_gold_schema() -> None:
    functions = tomllib.loads((DATA_DIR / "functions.toml").read_text(encoding="utf-8"))
    assert functions["canonical"] == GOLD["function_vocabulary"]
    assert not set(functions["own"]) & set(functions["canonical"])
    covered = {f for body in vocabulary().bodies for f in body.functions}
    assert set(functions["canonical"]) <= covered


NAME_CHARS = "县区市省各乡镇政府委局办厅分局公安红旗西平市场监管农业村卫健财教体文旅发改成员单位有关部门和及等、，；牵头配合负责按职责分工（）() \n"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(alphabet=NAME_CHARS, max_size=60)), st.integers(0, 10_000))
def test_any_text_parses_without_error_and_spans_stay_inside(inner: str, base: int) -> None:
    found = parse_responsibility(inner, base, HONGQI)
    assert is_responsibility(inner) == (parse_responsibility(inner, 0, XX) is not None)
    for agency in found or []:
        assert base <= agency.span[0] < agency.span[1] <= base + len(inner)
        assert agency.functions or agency.collective


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["区市场监管局", "区卫健委", "公安红旗分局", "区教体文旅局", "区政府食安办",
                                 "区委宣传部", "区财政局", "各乡镇政府"]), min_size=1, max_size=6),
       st.sampled_from(["牵头", "配合", "按职责分工负责", "负责", ""]))
def test_every_listed_body_comes_back_in_order(names: list[str], role_word: str) -> None:
    inner = "、".join(names) + role_word
    found = parse_responsibility(inner, 0, HONGQI)
    assert found is not None
    assert [a.as_written for a in found] == names
    expected = {"牵头": "lead", "配合": "support"}.get(role_word, "responsible")
    assert {a.role for a in found} == {expected}
