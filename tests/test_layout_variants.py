"""The real documents in layouts they were not written in: the structure must not depend on the file's layout.

Each real plan of shared/corpus-real is rewritten as a scraper or a converter would: its body flattened onto one line
(the title kept on its own), Windows line ends, hard-wrapped at a fixed width as PDF text extraction gives it, and
Traditional characters. The gold's structure (sections, item numbers, task units) must come out the same, and the
responsibility statements still be read.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import opencc
import pytest

from policygraph.evaluation.layouts import evaluate_layouts

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "real_layouts.json"
CORPUS = ROOT.parent / "shared" / "corpus-real"

pytestmark = pytest.mark.skipif(not (GOLD.exists() and CORPUS.is_dir()), reason="shared/ is not beside the project")


def flatten_body(text: str) -> str:
    head, _, body = text.strip().partition("\n")
    return head + "\n" + re.sub(r"\s*\n\s*", "", body)


def hard_wrap(text: str, width: int = 28) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        if "](" in line:  # a Markdown link is not prose: a converter would not wrap it
            out.append(line)
            continue
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


_S2T = opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    return _S2T.convert(text)


VARIANTS: dict[str, Callable[[str], str]] = {"flattened": flatten_body, "crlf": crlf, "hard-wrapped": hard_wrap,
                                             "traditional": traditional}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_structure_of_every_real_plan_survives_a_change_of_layout(name: str, tmp_path: Path) -> None:
    rewrite = VARIANTS[name]
    gold = copy.deepcopy(json.loads(GOLD.read_text(encoding="utf-8")))
    for doc in gold["documents"]:
        text = (CORPUS / doc["doc"]).read_text(encoding="utf-8")
        (tmp_path / doc["doc"]).write_text(rewrite(text), encoding="utf-8")
        if name == "traditional":
            for unit in doc["units"]:
                unit["snippet"] = rewrite(unit["snippet"])
    report = evaluate_layouts(gold, tmp_path)
    assert [d.doc for d in report.documents if d.refused] == []
    wrong = {d.doc: [p for p in d.problems if p.split(":")[0] in ("sections", "items", "task units")]
             for d in report.documents if not d.structure_exact}
    assert wrong == {}
    overall = report.overall()
    assert overall.units_found.rate == 1.0
    if name != "traditional":  # as_written stays in the document's own script, the gold's is Simplified
        assert overall.agencies.f1 >= 0.95, overall.agencies.as_dict()


def _as_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))


def _as_html(text: str, path: Path) -> None:
    import html

    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    title = html.escape(text.split("\n", 1)[0])
    path.write_text(f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
                    f'<div class="article">{body}</div></body></html>', encoding="utf-8")


@pytest.mark.parametrize("suffix", [".docx", ".html", ".gb18030.txt"])
def test_every_real_plan_reads_the_same_from_word_a_web_page_and_gb18030(suffix: str, tmp_path: Path) -> None:
    gold = copy.deepcopy(json.loads(GOLD.read_text(encoding="utf-8")))
    for doc in gold["documents"]:
        text = (CORPUS / doc["doc"]).read_text(encoding="utf-8")
        name = doc["doc"].removesuffix(".txt").removesuffix(".md") + suffix
        if suffix == ".docx":
            _as_docx(text, tmp_path / name)
        elif suffix == ".html":
            _as_html(text, tmp_path / name)
        else:
            (tmp_path / name).write_bytes(text.encode("gb18030"))
        doc["doc"] = name
    report = evaluate_layouts(gold, tmp_path)
    overall = report.overall()
    assert [d.doc for d in report.documents if not d.structure_exact] == []
    assert overall.agencies.f1 >= 0.95 and overall.header.rate >= 0.95
