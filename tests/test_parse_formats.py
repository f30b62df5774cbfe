"""The same document as UTF-8, GB18030, .docx, .html (and a text-layer .pdf) gives the same plan tree."""
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
    }
    variants["gb18030"].write_bytes(text.encode("gb18030"))
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
