"""A plan saved as Markdown (a .md file, or a crawler's .md.txt) reads as the same plan as its plain text."""
from __future__ import annotations

from pathlib import Path

from policygraph.loaders.markdown_text import looks_like_markdown, markup_spans
from policygraph.loaders.normalising import normalise
from policygraph.loaders.parse import parse_file

PLAIN = """驻马店市2024年食品安全工作方案
为做好全市食品安全工作，制定本方案。
一、强化源头治理
（一）加强耕地污染治理。受污染耕地安全利用率达到93%以上。（市生态环境局、市农业农村局按职责分工负责）
（二）严格农药兽药监管。依据《中华人民共和国农产品质量安全法》开展专项整治。（市农业农村局负责）
二、加强过程监管
（一）推进食品生产企业风险分级管理。（市市场监管局负责）
"""

MARKDOWN = """# 驻马店市2024年食品安全工作方案

**发布日期**: 2024-03-01
**发布机构**: 驻马店市人民政府网
**原文链接**: [http://www.example.gov.cn/a.html](http://www.example.gov.cn/a.html)

---

为做好全市食品安全工作，制定本方案。

**一、强化源头治理**

**（一）加强耕地污染治理。**受污染耕地安全利用率达到93%以上。（市生态环境局、市农业农村局按职责分工负责）

**（二）严格农药兽药监管。**依据《中华人民共和国农产品质量安全法》开展专项整治。（市农业农村局负责）

## 二、加强过程监管

- （一）推进食品生产企业风险分级管理。（市市场监管局负责）

【原文下载】
- [驻马店市2024年食品安全工作方案.pdf](/files/plan.pdf)
"""


def without_markup(text: str) -> str:
    dropped = {i for a, b in markup_spans(text) for i in range(a, b)}
    return "".join(ch for i, ch in enumerate(text) if i not in dropped)


def shape(path: Path) -> list[tuple[object, ...]]:
    tree = parse_file(path)
    return [(m.kind, m.number, m.title, m.text, [(a.as_written, a.name, a.role) for a in m.agencies],
             [(i.metric, i.value) for i in m.indicators], [c.title for c in m.citations]) for m in tree.measures]


def test_a_markdown_file_gives_the_same_plan_tree_as_the_plain_text(tmp_path: Path) -> None:
    plain, md, scrape = tmp_path / "plan.txt", tmp_path / "plan.md", tmp_path / "plan.md.txt"
    plain.write_text(PLAIN, "utf-8")
    md.write_text(MARKDOWN, "utf-8")
    scrape.write_text(MARKDOWN, "utf-8")  # a crawler's .md.txt: Markdown recognised from the content
    assert shape(md) == shape(plain)
    assert shape(scrape) == shape(plain)


def test_spans_of_a_markdown_plan_point_at_the_same_words(tmp_path: Path) -> None:
    plain, md = tmp_path / "plan.txt", tmp_path / "plan.md"
    plain.write_text(PLAIN, "utf-8")
    md.write_text(MARKDOWN, "utf-8")
    a, b = parse_file(plain), parse_file(md)
    for x, y in zip(a.measures, b.measures):
        words = lambda s: "".join(s.split())  # noqa: E731
        assert words(without_markup(b.text[y.span[0]:y.span[1]])) == words(a.text[x.span[0]:x.span[1]])
        for ag_x, ag_y in zip(x.agencies, y.agencies):
            assert b.text[ag_y.span[0]:ag_y.span[1]] == a.text[ag_x.span[0]:ag_x.span[1]]


def test_markdown_markup_is_deleted_and_offsets_kept() -> None:
    text = "# 标题\n\n**一、总体要求**\n\n> 引文\n\n[链接文字](http://a.cn)与`代码`"
    norm = normalise(text, markdown=True)
    assert norm.text == "标题\n一、总体要求\n引文\n链接文字与代码"
    for i, ch in enumerate(norm.text):
        assert ch == "\n" or text[norm.origin[i]] == ch


def test_ordered_numbers_are_plan_numbering_not_markup() -> None:
    text = "**二、主要任务**\n\n1. 加强监管。\n2. 开展抽检。"
    assert normalise(text, markdown=True).text == "二、主要任务\n1.加强监管。\n2.开展抽检。"


def test_cjk_bold_that_commonmark_leaves_open_is_still_stripped() -> None:
    assert normalise("**（一）加强治理。**受污染耕地。", markdown=True).text == "（一）加强治理。受污染耕地。"


def test_masked_years_in_plain_text_are_not_emphasis() -> None:
    text = "根据《关于开展*年为民办实事工作的通知》（闽委[*]4号），制定*年度方案如下："
    assert not looks_like_markdown(text)
    assert normalise(text).text.count("*") == 3


def test_a_download_link_goes_with_its_text() -> None:
    text = "# 方案\n\n**正文**一段。\n\n- [方案全文.pdf](/files/a.pdf)\n- [政策解读](http://a.cn/jd.html)"
    out = normalise(text).text
    assert "方案全文" not in out and "政策解读" in out
