"""Citations in the forms real plans use beyond 《title》, on sentences written for these tests.

What an auditor asks: which standards and laws does this task rest on, without the plan citing itself, its
download links or the documents it only promises to draft.
"""
from __future__ import annotations

import pytest

from policygraph.loaders.citations import extract_citations


def _cited(text: str, own_title: str | None = None) -> list[tuple[str, str]]:
    return [(c.title, c.kind) for c in extract_citations(text, 0, ["某某市"], own_title=own_title)]


def test_a_title_followed_by_a_gb_code_is_a_national_standard_cited_once() -> None:
    text = "经营场所应符合《公共场所卫生管理规范》（GB 37487-2019）的要求。"
    assert _cited(text) == [("公共场所卫生管理规范", "国家标准")]
    got = extract_citations(text, 100)
    assert text[got[0].span[0] - 100:got[0].span[1] - 100] == "公共场所卫生管理规范"


def test_a_standard_code_alone_is_cited_by_its_code() -> None:
    assert _cited("添加剂使用应符合GB 2760要求，包装执行GB/T 27306-2008。") == [
        ("GB2760", "国家标准"), ("GB/T27306-2008", "国家标准")]


def test_a_food_safety_national_standard_is_a_national_standard_by_its_title() -> None:
    assert _cited("严格执行《食品安全国家标准 预包装食品标签通则》。") == [("食品安全国家标准预包装食品标签通则", "国家标准")]


def test_a_plan_never_cites_its_own_title() -> None:
    own = "某某市养老服务三年行动方案（2024-2026年）"
    text = "现将《某某市养老服务三年行动方案（2024-2026年）》印发给你们，请结合《民政事业发展规划》抓好落实。"
    assert _cited(text, own) == [("民政事业发展规划", "规范性文件")]
    assert _cited(f"《关于印发〈{own}〉的通知》", own) == []
    assert [t for t, _ in _cited(text)] == [own, "民政事业发展规划"]  # without own_title both are read


@pytest.mark.parametrize("text", [
    "附件：《项目申报指南》",
    "附件2.《绩效评价表》",
    "【原文下载】《某某市数据条例实施细则》",
    "详见《实施细则》.pdf",
    "下载：《申报书模板.docx》",
])
def test_download_links_and_attachments_are_not_citations(text: str) -> None:
    assert _cited(text) == []


def test_a_title_is_still_cited_when_an_attachment_is_only_mentioned() -> None:
    assert _cited("按照附件要求，落实《安全生产责任制规定》。") == [("安全生产责任制规定", "规章")]


@pytest.mark.parametrize(("text", "title"), [
    ("严格执行安全生产法及配套法规，依法查处违法行为。", "安全生产法"),
    ("开展与数据安全法不符的规范性文件清理。", "数据安全法"),
    ("认真落实新修订的固体废物污染环境防治法，", "固体废物污染环境防治法"),
])
def test_a_law_named_without_brackets_is_cited_as_law(text: str, title: str) -> None:
    assert _cited(text) == [(title, "法律")]


@pytest.mark.parametrize("text", [
    "落实监管办法，严格执行执法全过程记录制度。",  # 办法 and 执法 are not laws
    "执行法律法规，贯彻落实法治思想。",  # 法 opening a longer word
    "推动制定数据条例，2025年底前制定出台网络交易监督管理规定。",  # to be drafted, not cited
    "研究起草城市更新法。",  # a law still to be written
])
def test_words_that_only_look_like_laws_or_drafts_are_not_citations(text: str) -> None:
    assert _cited(text) == []
