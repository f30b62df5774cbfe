"""A rendered plan written to disk the way plans arrive: UTF-8 or GB18030 text, Word, a saved web page.

Text files also come hard-wrapped (a PDF's text layer: 001 breaks every ~20 characters, headings whole), as
one-line scrapes (A1: the scraper lost every paragraph break after the title), with blank lines between
paragraphs or CRLF line ends. Wrapping and one-line scrapes are only used with bracket or leading-clause
statements: a 责任单位： line must stay a line of its own, as it does in every document that uses it.
"""
from __future__ import annotations

import html
import io
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from policygraph.benchmark.render import BRACKET_FORMS, Style, Written

Format = Literal["utf-8", "gb18030", "docx", "html"]
_FORMATS: tuple[tuple[Format, float], ...] = (("utf-8", 0.55), ("gb18030", 0.15), ("docx", 0.15), ("html", 0.15))
_SUFFIX = {"utf-8": ".txt", "gb18030": ".txt", "docx": ".docx", "html": ".html"}
_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
    '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>'
    '<div class="article"><h1>{title}</h1><div id="zoom">{body}</div></div>'
    '<script>var hits = 1;</script><div class="footer">主办单位：{issuer}</div></body></html>'
)


@dataclass(frozen=True)
class FileLayout:
    """The file side of a plan's layout."""

    format: Format
    wrap: int | None
    one_line: bool
    blank_lines: bool
    crlf: bool

    @property
    def suffix(self) -> str:
        return _SUFFIX[self.format]


def choose_file_layout(style: Style, rng: random.Random) -> FileLayout:
    """Format, wrapping and scraping for a plan of ``style``.

    A one-line scrape needs numbered items: a section title running into an unnumbered unit ("一、加强源头治理由县
    农业农村局负责，…") has no boundary any reader could find, and no real scrape of such a plan was seen. A
    hard-wrapped text keeps blank lines between paragraphs, as 001 (a PDF's text layer) does.
    """
    fmt = rng.choices([f for f, _ in _FORMATS], [w for _, w in _FORMATS])[0]
    text = fmt in ("utf-8", "gb18030")
    free = style.form in BRACKET_FORMS or style.form == "leading-clause"
    roll = rng.random()
    one_line = free and fmt != "docx" and style.numbering != "sections-only" and roll < 0.1
    wrap = rng.randint(18, 32) if free and text and 0.1 <= roll < 0.3 else None
    return FileLayout(format=fmt, wrap=wrap, one_line=one_line,
                      blank_lines=text and (wrap is not None or rng.random() < 0.3), crlf=text and rng.random() < 0.1)


def write_document(written: Written, layout: FileLayout, path: Path) -> int:
    """Write the plan to ``path`` (its suffix is the layout's); returns the bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout.format == "docx":
        data = _docx(written)
    else:
        data = _html(written, layout) if layout.format == "html" else _text(written, layout)
    path.write_bytes(data)
    return len(data)


def _docx(written: Written) -> bytes:
    """A Word file with one paragraph a line, its zip entries dated 1980-01-01 so the same seed gives the same bytes
    (python-docx stamps each entry with the time of saving)."""
    import docx

    document = docx.Document()
    for line in written.lines:
        document.add_paragraph(line)
    saved = io.BytesIO()
    document.save(saved)
    stable = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return stable.getvalue()


def _paragraphs(written: Written, layout: FileLayout) -> list[str]:
    lines = list(written.lines)
    if layout.one_line:
        return [lines[0], "".join(lines[1:])]
    if layout.wrap:
        # A heading nearly as long as the margin reads as a wrapped line that runs on into the next paragraph
        # (the loaders join them, as a reader of a PDF's text layer would); a PDF's headings are short.
        w = max(layout.wrap, max(len(lines[i]) for i in written.heading_lines) + 6)
        out: list[str] = []
        for i, line in enumerate(lines):
            if i in written.heading_lines or len(line) <= w:
                out.append(line)
            else:
                out.append("\n".join(line[j:j + w] for j in range(0, len(line), w)))
        return out
    return lines


def _text(written: Written, layout: FileLayout) -> bytes:
    text = ("\n\n" if layout.blank_lines else "\n").join(_paragraphs(written, layout)) + "\n"
    if layout.crlf:
        text = text.replace("\n", "\r\n")
    return text.encode(layout.format)


def _html(written: Written, layout: FileLayout) -> bytes:
    paragraphs = _paragraphs(written, layout)[1:]
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    issuer = written.lines[-2] if len(written.lines) > 2 else ""
    page = _PAGE.format(title=html.escape(written.title), body=body, issuer=html.escape(issuer))
    return page.encode("utf-8")
