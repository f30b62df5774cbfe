"""Numeric targets read from task units: what is measured, how it is bounded, by when.

Metrics are compared to the gold exactly. Documented readings where the gold says nothing:
* a share written "N%以上的X达到Y" is named "X达到Y比例"; a count written "N个以上X达到Y" is "X达到Y数";
* a count target keeps its verb (新建区级食品安全管理示范店) except generic ones (完成, 安排, 组织);
* "到2020年，规模以上食品生产企业全部建立HACCP体系" has no number and yields no target;
* a deadline year reaches to the end of its sentence (。), across a ；.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_units import document, gold_units, unit_text
from policygraph.loaders.indicator_numbers import numbers
from policygraph.loaders.indicators import extract_indicators

GOLD_WITH_INDICATORS = [u for u in gold_units() if "indicators" in u]


def _tuples(text: str) -> list[tuple[str, str, float, str]]:
    return [(i.metric, i.comparator, i.value, i.unit) for i in extract_indicators(text)]


def _numbers(s: str) -> list[float]:
    """Every value the digits or numerals in ``s`` can stand for, 万 and 亿 multipliers included."""
    values = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", s)] + [n.value for n in numbers(s) if n.chinese]
    return [v * f for v in values for f in (1.0, 1e4, 1e8)]


@pytest.mark.parametrize("unit", GOLD_WITH_INDICATORS, ids=lambda u: u["snippet"])
def test_every_gold_target_is_read_exactly(unit: dict[str, object]) -> None:
    text = unit_text(str(unit["doc"]), str(unit["snippet"]))
    got = extract_indicators(text)
    expected = unit["indicators"]
    assert isinstance(expected, list)
    assert [(i.metric, i.comparator, i.value, i.unit, i.deadline) for i in got] == [
        (e["metric"], e["comparator"], float(e["value"]), e["unit"], e.get("deadline")) for e in expected]


def test_county_target_can_be_compared_with_the_provincial_one() -> None:
    """Same metric names on both sides, so 29% in the county plan meets 30% in the province's measure 6."""
    county = {i.metric: i.value for i in extract_indicators(unit_text("000_720280f9a1b25883.txt", "推广绿色防控技术"))}
    province = {i.metric: i.value for i in
                extract_indicators(unit_text("001_6ec0ee0796e11f2d.txt", "规范农业投入品生产使用。严格执行农药"))}
    assert {m: (county[m], province[m]) for m in province} == {
        "主要农作物病虫害绿色防控覆盖率": (29.0, 30.0), "专业化统防统治覆盖率": (39.0, 40.0)}


def test_counts_to_complete_are_exact_targets() -> None:
    text = "落实河北区2022年20项民心工程要求，新建40家区级食品安全管理示范店。"
    assert _tuples(text) == [("新建区级食品安全管理示范店", "=", 40.0, "家")]  # 20项 is a description


def test_a_clause_without_subject_measures_what_the_clause_before_does() -> None:
    assert _tuples("全年安排食品安全监督抽检3900批次，达到6批次/千人。") == [
        ("食品安全监督抽检", "=", 3900.0, "批次"), ("食品安全监督抽检", ">=", 6.0, "批次/千人")]


@pytest.mark.parametrize(("text", "expected"), [
    ("市场监管部门食品抽检量达到3.2批次/千人，", ("市场监管部门食品抽检量", ">=", 3.2, "批次/千人")),
    ("区域抽检量达到每千人4批次。", ("区域抽检量", ">=", 4.0, "批次/千人")),
    ("监管人员培训时间人均不低于40学时/年，", ("监管人员培训时间人均", ">=", 40.0, "学时/年")),
    ("推动全区重要产品（肉菜）追溯系统节点企业追溯数据上传平均达标率超过80%。",
     ("重要产品（肉菜）追溯系统节点企业追溯数据上传平均达标率", ">", 80.0, "%")),
    ("农药残留超标率控制在2%以内。", ("农药残留超标率", "<=", 2.0, "%")),
    ("依托省级平台开展追溯试点工作，国家级农产品质量安全县不少于30个，", ("国家级农产品质量安全县", ">=", 30.0, "个")),
    ("提高农业标准化水平，围绕全省10大类27种特色优势农产品，制修订省级农业地方标准50项以上。",
     ("制修订省级农业地方标准", ">=", 50.0, "项")),
    ("推进实施餐饮业质量安全提升工程，85%以上的餐饮服务单位达到“清洁厨房”标准，",
     ("餐饮服务单位达到清洁厨房标准比例", ">=", 85.0, "%")),
    ("推动60%规模以上的食品生产企业建立和实施HACCP等先进管理体系。",
     ("规模以上的食品生产企业建立和实施HACCP等先进管理体系比例", ">=", 60.0, "%")),
    ("提升食品小摊点进入政府划定区域经营的比例，各主城区达到50%以上。",
     ("食品小摊点进入政府划定区域经营的比例（各主城区）", ">=", 50.0, "%")),
    ("加强粮食质量安全监管，新建6个以上省级食用农产品追溯点。", ("新建省级食用农产品追溯点", ">=", 6.0, "个")),
    ("全年完成食品抽检1.5万批次以上。", ("食品抽检", ">=", 15000.0, "批次")),
    ("组织开展培训，培训食品从业人员1000人次。", ("培训食品从业人员", "=", 1000.0, "人次")),
    ("评价性抽检合格率保持在97%以上。", ("评价性抽检合格率", ">=", 97.0, "%")),
    ("90%的乡镇建成规范化食品安全办公室。", ("乡镇建成规范化食品安全办公室比例", ">=", 90.0, "%")),
    ("电子商务平台经营者平台内食品经营者管理档案建立率100%。",
     ("电子商务平台经营者平台内食品经营者管理档案建立率", ">=", 100.0, "%")),
])
def test_corpus_sentences(text: str, expected: tuple[str, str, float, str]) -> None:
    assert _tuples(text) == [expected]


@pytest.mark.parametrize("text", [
    "围绕全省七大类24种农业特色优势产品，聚焦农业新技术推广应用。",  # scope description
    "推进日供水1000吨以上和供水人口10000人以上饮用水水源保护区的划定工作。",  # scope qualifier
    "聚焦15个重点品种，严打禁限用药物违法使用。",
    "落实克百威、灭多威、涕灭威、氧乐果等4种高毒农药禁用管理措施。",
    "西政食安委〔2020〕5号",
    "2023年是全面贯彻党的二十大精神的开局之年，是实施“十四五”规划承上启下的关键之年。",
    "每年推动解决1～2项影响本地食品安全的重点问题。",  # a yearly effort no comparator or count verb binds
    "引导实施6S标准化管理。大型食品生产企业推行ISO22000等质量管理体系。",
    "开展“昆仑2022”专项行动。每年12月15日前报告。",
    "到2020年，规模以上食品生产企业全部建立HACCP体系。",  # no number: not a numeric target
])
def test_descriptions_dates_and_codes_are_not_targets(text: str) -> None:
    assert extract_indicators(text) == []


def test_deadline_comes_from_the_year_cue_before_the_target() -> None:
    text = document("001_6ec0ee0796e11f2d.txt")
    measure_50 = text[text.index("50.深化"):text.index("51.实施")]
    got = [(i.metric, i.value, i.deadline) for i in extract_indicators(measure_50)]
    assert got == [("市达到食品安全示范城市创建标准数", 7.0, 2022),
                   ("县（市、区）达到国家农产品质量安全县创建标准数", 21.0, 2020)]


def test_a_year_reaches_across_a_semicolon_and_descriptions_in_the_measure_are_skipped() -> None:
    text = document("001_6ec0ee0796e11f2d.txt")
    assert [(i.metric, i.comparator, i.value, i.unit, i.deadline) for i in
            extract_indicators(text[text.index("3.加快"):text.index("4.强化")])] == [
        ("制修订省级农业地方标准", "=", 100.0, "项", 2020)]
    assert [(i.metric, i.value, i.deadline) for i in
            extract_indicators(text[text.index("8.强化"):text.index("9.创新")])] == [
        ("食品集中生产区整治提升", 18.0, 2020)]


def test_a_list_of_counts_shares_its_verb() -> None:
    text = "到2020年，重点培育600家以上规范的农民合作社、1000家省级示范家庭农场、200家万亩以上托管服务示范组织。"
    assert _tuples(text) == [("重点培育规范的农民合作社", ">=", 600.0, "家"),
                             ("重点培育省级示范家庭农场", "=", 1000.0, "家"),
                             ("重点培育万亩以上托管服务示范组织", "=", 200.0, "家")]
    assert _tuples("发挥检测机构作用，完成省级例行监测样本40个、市级15个。") == [
        ("省级例行监测样本", "=", 40.0, "个"), ("市级例行监测样本", "=", 15.0, "个")]


def test_spans_point_at_the_target_in_the_document() -> None:
    text = document("004_deef08175ff29da4.txt")
    start = text.index("（十）实施校园")
    unit = text[start:text.index("\n", start)]
    for i in extract_indicators(unit, base=start):
        assert text[i.span[0]:i.span[1]].startswith(i.metric)
        assert i.value in _numbers(text[i.span[0]:i.span[1]])


_GENRE = st.sampled_from(list("达到以上以下不少于超过控制在以内每万吨千人个家批次项%％/，。；、的年底前到全省确保新建完成率比例")
                         + ["2020年", "85%以上的", "不少于1个", "每万吨粮食产量", "ISO22000", "〔2020〕5号", "1～2项",
                            "至少开展一次", "两家", "十个", "、半个月", "4/10万以下", "91分以上", "3—5种", "每半年",
                            "分别减至", "压缩一半", "发展现状。", "已达到", "二、发展目标\n", "——", "超"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(_GENRE, st.text(max_size=4), st.integers(0, 10**6).map(str)), max_size=30),
       base=st.integers(0, 10**6))
def test_any_text_gives_well_formed_targets(parts: list[str], base: int) -> None:
    text = "".join(parts)
    for i in extract_indicators(text, base):
        assert base <= i.span[0] < i.span[1] <= base + len(text)
        assert i.value in _numbers(text[i.span[0] - base:i.span[1] - base])
        assert i.metric and i.unit
