"""The same document as UTF-8, GB18030, .docx, .html, .md (and a text-layer .pdf) gives the same plan tree."""
from __future__ import annotations

from pathlib import Path

import pytest

from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file
from test_decoding import corpus_path, make_docx, make_html, make_pdf


def shape(tree: PlanTree) -> list[tuple[object, ...]]:
    """Everything an auditor reads, without the spans (offsets differ between formats by design)."""
    return [(m.kind, m.number, m.title, m.text,
             [(a.as_written, a.name, a.role, tuple(a.functions)) for a in m.agencies],
             [(i.metric, i.comparator, i.value, i.unit, i.deadline) for i in m.indicators],
             [(c.title, c.kind) for c in m.citations]) for m in tree.measures]


def make_markdown(lines: list[str]) -> str:
    """The plan as a Markdown scrape: a # title, **bold** section headings, metadata, a rule, a download link."""
    title, *rest = lines
    body = [f"**{ln}**" if ln[:1] in "一二三四五六七八九十" and "、" in ln[:4] else ln for ln in rest]
    return "\n\n".join([f"# {title}", "**发布日期**: 2024-01-01\n**来源**: 某某网", "---", *body,
                         "【原文下载】\n- [全文.pdf](/files/plan.pdf)"]) + "\n"


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_a_plan_reads_the_same_from_utf8_gb18030_docx_and_html(prefix: str, tmp_path: Path) -> None:
    source = corpus_path(prefix)
    text = source.read_text(encoding="utf-8")
    lines = text.split("\n")
    variants = {
        "gb18030": tmp_path / "plan-gb.txt",
        "bom": tmp_path / "plan-bom.txt",
        "docx": make_docx(lines, tmp_path / "plan.docx"),
        "html": tmp_path / "plan.html",
        "markdown": tmp_path / "plan.md",
    }
    variants["gb18030"].write_bytes(text.encode("gb18030"))
    variants["markdown"].write_text(make_markdown(lines), "utf-8")
    variants["bom"].write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    variants["html"].write_bytes(make_html(lines))
    reference = parse_file(source)
    for name, path in variants.items():
        tree = parse_file(path)
        assert tree.plan.id == reference.plan.id, name
        assert shape(tree) == shape(reference), name
        assert [m.id for m in tree.measures] == [m.id for m in reference.measures], name


def test_a_text_layer_pdf_gives_the_same_plan_tree(tmp_path: Path) -> None:
    source = corpus_path("002")
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(make_pdf(source.read_text(encoding="utf-8").split("\n")))
    assert shape(parse_file(pdf)) == shape(parse_file(source))


GOV_PAGE = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>{title}</title></head><body>
<div class="header"><a href="/">首页</a> | 政务公开</div><div class="article">{h1}
<div class="info">发布时间：2022-03-15 来源：市食安办</div><div class="TRS_Editor">
<p>为全面落实食品安全“四个最严”要求，现提出2022年全市食品安全工作要点如下：</p><p>一、强化源头治理</p>
<p>（一）加强耕地污染治理。受污染耕地安全利用率达到93%以上。（市生态环境局、市农业农村局按职责分工负责）</p>
</div></div><div class="footer">主办：驻马店市人民政府办公室</div></body></html>"""


@pytest.mark.parametrize("title, h1", [
    ("驻马店市人民政府", "<h1>驻马店市2022年食品安全工作要点</h1>"),
    ("关于印发驻马店市2022年食品安全工作要点的通知_市场监管_驻马店市人民政府", ""),
])
def test_a_government_web_page_keeps_its_title_when_the_article_body_is_cut_out(title: str, h1: str,
                                                                                  tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(GOV_PAGE.format(title=title, h1=h1).encode("gb18030"))
    tree = parse_file(page)
    assert tree.plan.title == "驻马店市2022年食品安全工作要点"
    assert tree.plan.jurisdiction.name == "驻马店市" and tree.plan.jurisdiction.level == "city"
    assert [a.name for m in tree.measures for a in m.agencies] == ["驻马店市生态环境局", "驻马店市农业农村局"]
