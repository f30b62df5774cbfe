"""Cited laws, regulations and plans: which documents a task names, and what kind each one is."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_units import document, gold_units, unit_text
from policygraph.loaders.citations import classify, extract_citations, place_level

KINDS = {"法律", "行政法规", "地方性法规", "规章", "规范性文件", "国家标准"}
# Enclosing jurisdictions a caller would pass for each sample document.
HIGHER = {"000": ["河北省"], "001": [], "002": ["天津市"], "003": ["驻马店市", "河南省"], "004": ["新乡市", "河南省"]}
GOLD_WITH_CITATIONS = [u for u in gold_units() if "citations" in u]


@pytest.mark.parametrize("unit", GOLD_WITH_CITATIONS, ids=lambda u: u["snippet"])
def test_every_gold_citation_is_found_with_its_kind(unit: dict[str, object]) -> None:
    doc = str(unit["doc"])
    got = extract_citations(unit_text(doc, str(unit["snippet"])), 0, HIGHER[doc[:3]])
    expected = unit["citations"]
    assert isinstance(expected, list)
    assert [c.title for c in got] == [e["title"] for e in expected]
    for c, e in zip(got, expected):
        assert c.kind == e.get("kind", c.kind)
        assert c.kind in KINDS


@pytest.mark.parametrize(("title", "kind"), [
    ("食品安全法", "法律"),
    ("中华人民共和国农产品质量安全法", "法律"),
    ("全国人民代表大会常务委员会关于全面禁止非法野生动物交易、革除滥食野生动物陋习、切实保障人民群众生命健康安全的决定",
     "法律"),
    ("农药管理条例", "行政法规"),
    ("中华人民共和国食品安全法实施条例", "行政法规"),
    ("河北省食品生产小作坊小餐饮小摊点管理条例", "地方性法规"),
    ("河南省食品小作坊、小经营店和小摊点管理条例", "地方性法规"),
    ("河北省食品添加剂亚硝酸盐监督管理办法", "规章"),
    ("食品相关产品质量安全监督管理暂行办法", "规章"),
    ("粮食企业信用监管办法（试行）", "规章"),
    ("河北省食品药品行政执法与刑事司法衔接工作办法实施细则", "规范性文件"),
    ("河北区关于进一步加强食品安全工作的实施办法", "规范性文件"),
    ("河南省食品安全县（市、区）评价标准细则（2023年版）", "规范性文件"),
    ("加强食用植物油质量安全监管的指导意见", "规范性文件"),
    ("河北省国民营养计划（2024-2024年）实施方案", "规范性文件"),
    ("西平县食品安全突发事件应急预案", "规范性文件"),
    ("检验方法", "规范性文件"),
])
def test_kind_follows_the_title(title: str, kind: str) -> None:
    assert classify(title) == kind


def test_place_prefix_levels() -> None:
    assert [place_level(t) for t in ("河北省食品…条例", "新乡市食品安全工作考评办法", "河北区进口冷链食品管控专业组工作方案",
                                     "农药管理条例", "城市管理办法", "食品安全县评价标准")] == [
        "province", "city", "county", None, None, None]


def test_citations_of_a_district_plan_in_order_with_kinds() -> None:
    text = document("002_269a440a7ea9a2ad.txt")
    got = [(c.title, c.kind) for c in extract_citations(text, 0, HIGHER["002"])]
    assert got == [("河北区关于进一步加强食品安全工作的实施办法", "规范性文件"),
                   ("河北区进口冷链食品管控专业组工作方案", "规范性文件"),
                   ("天津市食品安全风险监测实施方案", "规范性文件"),
                   ("粮食企业信用监管办法（试行）", "规章")]


def test_a_title_is_cited_once_and_an_alias_is_not_a_second_document() -> None:
    text = document("003_89f1844d7b00fff0.txt")
    start = text.index("2020年，是全面建成")
    paragraph = text[start:text.index("\n", start)]
    assert [c.title for c in extract_citations(paragraph)] == ["关于健全食品安全责任制加强食品安全工作的若干措施"]
    twice = "贯彻《食品安全法》，落实《食品安全法》。"
    assert [c.span for c in extract_citations(twice, 10)] == [(13, 18)]


def test_nested_titles_give_the_outer_and_the_inner_document() -> None:
    got = extract_citations("转发《关于印发〈河南省食品安全监管工作方案〉的通知》。")
    assert [(c.title, c.kind) for c in got] == [("关于印发〈河南省食品安全监管工作方案〉的通知", "规范性文件"),
                                                ("河南省食品安全监管工作方案", "规范性文件")]


@pytest.mark.parametrize("text", [
    "实施国家、省食品安全风险监测计划，开展食品安全风险专项监测。",  # two plans at once, no single title
    "严格按照国家和我省车辆编制管理规定和配置标准配备执法车辆。",
    "根据国家有关规定，建立食品专业化职业化检查队伍。",
    "按照国家统一安排部署，推进食品安全示范城市创建工作。",
    "进一步强化天津食安河北微信公众号宣传阵地。",
    "天津市食品安全风险监测实施方案已印发。",  # named, but not introduced as something to implement
])
def test_bare_plan_names_need_a_place_a_verb_and_a_plan_suffix(text: str) -> None:
    assert extract_citations(text, 0, ["天津市", "河北省"]) == []


def test_bare_plans_listed_after_a_verb() -> None:
    text = "认真落实天津市食品安全工作要点和天津市食品安全监督抽检计划要求，做好抽检工作。"
    got = extract_citations(text, 100, ["天津市"])
    assert [c.title for c in got] == ["天津市食品安全工作要点", "天津市食品安全监督抽检计划"]
    assert all(text[c.span[0] - 100:c.span[1] - 100] == c.title for c in got)


_TITLE_CHARS = st.text(alphabet="河北省天津市食品安全管理监督条例办法细则实施方案通知意见关于的", min_size=1, max_size=20)


_PIECES = st.sampled_from(list("《》〈〉实施落实天津市方案计划条例法，。、 \n简称（）的")
                         + ["x", "中", "GB", "/T", " 31654", "-2021", "执行", "办法", "附件：", "原文下载", ".pdf"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_PIECES, max_size=40).map("".join) | st.text(max_size=60), base=st.integers(0, 10**6),
       own=st.none() | st.sampled_from(["天津市方案", "实施方案"]))
def test_any_text_gives_well_formed_citations_never_the_own_title(text: str, base: int, own: str | None) -> None:
    got = extract_citations(text, base, ["天津市"], own_title=own)
    assert len({c.title for c in got}) == len(got)
    assert all(c.title != own for c in got)
    for c in got:
        assert base <= c.span[0] <= c.span[1] <= base + len(text)
        assert "".join(text[c.span[0] - base:c.span[1] - base].split()) == c.title
        assert c.kind in KINDS


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("《》〈〉实施落实天津市方案计划条例法，。、 \n简称") + ["x", "中"]), max_size=60)
       | st.text(max_size=60), base=st.integers(0, 10**6))
def test_any_text_gives_well_formed_citations(text: str, base: int) -> None:
    got = extract_citations(text, base, ["天津市"])
    assert len({c.title for c in got}) == len(got)
    for c in got:
        assert base <= c.span[0] <= c.span[1] <= base + len(text)
        assert "".join(text[c.span[0] - base:c.span[1] - base].split()) == c.title
        assert c.kind in KINDS


@settings(max_examples=200, deadline=None)
@given(before=st.text(alphabet="贯彻落实严格执行，。", max_size=6), title=_TITLE_CHARS,
       after=st.text(alphabet="要求，。", max_size=4))
def test_a_bracketed_title_is_found_whole(before: str, title: str, after: str) -> None:
    got = extract_citations(f"{before}《{title}》{after}")
    assert [c.title for c in got] == [title]
    assert got[0].span == (len(before) + 1, len(before) + 1 + len(title))
