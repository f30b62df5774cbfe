"""Markdown markup found as character spans, so the normaliser can delete it and keep every offset.

Scraped plans arrive as Markdown (``.md``, or ``.md.txt`` from crawlers): ``# title``, ``**一、…**`` headings,
``- **文件名称**：…`` metadata lists, ``---`` rules, ``[name.pdf](url)`` download links. Rendering the Markdown
would lose the offsets that every span points into, so instead the markup is *located*: markdown-it-py
(CommonMark, the parser of the executablebooks project; it already ships with ``rich``) parses the text, and the
source characters that are not content — ``#``, ``**``, bullets, ``>``, link brackets and targets, rules — are
returned as spans to delete. Content characters are never touched, so output characters stay input characters.

Two cautions shaped this module:

* Ordered-list markers are kept: "1. 开展…" is a plan's own numbering, not markup to strip.
* Markdown is applied only to text that looks like Markdown (``looks_like_markdown``), or when the caller
  knows the file is Markdown. A plain-text plan that masks years as ``*`` ("开展*年为民办实事") must not have
  its asterisks read as emphasis.

A gap between two content pieces is deleted only when it holds nothing but markup characters; if the parser's
view and the source ever disagree, the characters are kept (a stray ``*`` costs less than lost words).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from policygraph.loaders.spans import Span, merge_spans


_MARKUP_GAP = re.compile(r"[\s*_~`#>\[\]!\\+\-=|<>]*")
_NON_SPACE = re.compile(r"[^\s]+")
_LINK_TARGET = re.compile(r"\]\s*(?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n]*\])?")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\s*\((?:[^()\n]|\([^()\n]*\))*\)")
_TAG = re.compile(r"<!--.*?-->|<[^<>\n]+>", re.DOTALL)
_SIGNALS = (
    re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE),  # ATX heading
    re.compile(r"\*\*[^*\n]+\*\*"),  # bold
    re.compile(r"\[[^\]\n]+\]\([^)\n]+\)"),  # link
    re.compile(r"^(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE),  # rule
)
_MIN_SIGNALS = 2
# CommonMark will not close "**（一）加强治理。**受污染…": a delimiter between CJK punctuation and a letter is
# not "flanking", so the pair stays literal text. In a Chinese plan a doubled asterisk is never content.
_STRAY_STRONG = re.compile(r"\*\*+|__+")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # text_join would merge escapes (\*) and entities into plain text, hiding where their markup sits.
    return MarkdownIt("commonmark").disable("text_join")


@lru_cache(maxsize=1)
def _download_suffixes() -> tuple[str, ...]:
    with resources.files("policygraph").joinpath("data/debris.toml").open("rb") as fh:
        conf: dict[str, Any] = tomllib.load(fh)
    return tuple(s.lower() for s in conf["web"]["download_suffixes"])


def looks_like_markdown(text: str) -> bool:
    """Does the text carry Markdown markup? Two signals (a ``#`` heading, ``**bold**``, a link, a rule) are needed.

    >>> looks_like_markdown("# 某某市工作方案\\n\\n**一、总体要求**")
    True
    >>> looks_like_markdown("根据《关于开展*年为民办实事工作的通知》(闽委[*]4号)")
    False
    """
    found = 0
    for pattern in _SIGNALS:
        found += len(pattern.findall(text, 0, 200_000))
        if found >= _MIN_SIGNALS:
            return True
    return False


def markup_spans(text: str) -> list[Span]:
    """Sorted, disjoint spans of Markdown markup in ``text``; no span holds a line break.

    >>> t = "# 标题\\n\\n**一、总体要求**"
    >>> "".join(ch for i, ch in enumerate(t) if not any(a <= i < b for a, b in markup_spans(t)))
    ' 标题\\n\\n一、总体要求'
    """
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    spans: list[Span] = []
    for tok in _parser().parse(text):
        if tok.map is None:
            continue
        first, last = tok.map[0], tok.map[1] - 1
        if tok.type == "hr":
            spans.extend(_line_marks(text, starts, first))
        elif tok.type == "heading_open" and tok.markup[:1] in ("=", "-"):
            spans.extend(_line_marks(text, starts, last))  # setext underline
        elif tok.type == "fence":
            spans.extend(_line_marks(text, starts, first))
            if last > first and text[starts[last]:_line_end(text, starts, last)].strip().startswith(tok.markup):
                spans.extend(_line_marks(text, starts, last))
        elif tok.type == "html_block":
            spans.extend(_tags(text, starts[first], _line_end(text, starts, last)))
        elif tok.type == "inline" and tok.children:
            spans.extend(_InlineAligner(text, starts[first], _line_end(text, starts, last)).run(tok.children))
    return merge_spans(spans)


def _line_end(text: str, starts: list[int], line: int) -> int:
    if line + 1 < len(starts):
        return starts[line + 1] - 1
    return len(text)


def _line_marks(text: str, starts: list[int], line: int) -> list[Span]:
    if line >= len(starts):
        return []
    a, b = starts[line], _line_end(text, starts, line)
    return [(a + m.start(), a + m.end()) for m in _NON_SPACE.finditer(text[a:b])]


def _tags(text: str, a: int, b: int) -> list[Span]:
    return [s for m in _TAG.finditer(text, a, b) for s in _without_breaks(text, m.start(), m.end())]


def _without_breaks(text: str, a: int, b: int) -> list[Span]:
    """The non-whitespace runs of text[a:b]: deletions never remove a line break (or spaces, left to layout)."""
    return [(a + m.start(), a + m.end()) for m in _NON_SPACE.finditer(text[a:b])]


class _InlineAligner:
    """Walks one inline token's children along its source region, collecting the markup between content."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.pos, self.end = text, start, end
        self.spans: list[Span] = []
        self.download_from: int | None = None  # start of a [file.pdf](url) link, deleted whole

    def run(self, children: list[Token]) -> list[Span]:
        for child in children:
            self._child(child)
        self._gap(self.end)
        return self.spans

    def _gap(self, upto: int) -> None:
        """Delete the markup between the cursor and ``upto`` when it is markup only; move the cursor there."""
        if upto < self.pos:
            return
        if self.download_from is None and _MARKUP_GAP.fullmatch(self.text, self.pos, upto):
            self.spans.extend(_without_breaks(self.text, self.pos, upto))
        self.pos = upto

    def _find(self, piece: str) -> int | None:
        at = self.text.find(piece, self.pos, self.end) if piece else self.pos
        return None if at < 0 else at

    def _child(self, tok: Token) -> None:
        kind = tok.type
        if kind in ("text", "code_inline") or (kind == "text_special" and tok.info == "entity"):
            piece = tok.markup if kind == "text_special" else tok.content
            at = self._find(piece)
            if at is not None:
                self._gap(at)
                if kind == "text":
                    self.spans.extend((at + m.start(), at + m.end()) for m in _STRAY_STRONG.finditer(piece))
                self.pos = at + len(piece)
        elif kind == "text_special":  # a backslash escape: the backslash is markup, the character content
            at = self._find(tok.markup)
            if at is not None:
                self._gap(at)
                self.spans.append((at, at + 1))
                self.pos = at + len(tok.markup)
        elif kind in ("softbreak", "hardbreak"):
            at = self._find("\n")
            if at is not None:
                self._gap(at)
                self.pos = at + 1
        elif kind in ("link_open", "link_close") and tok.markup == "autolink":
            return  # <http://…>: the angle brackets are left to the gap rule
        elif kind == "link_open":
            at = self._find("[")
            href = str(tok.attrGet("href") or "").split("?")[0].rstrip().lower()
            if at is not None and href.endswith(_download_suffixes()):
                self._gap(at)
                self.download_from = at
        elif kind == "link_close":
            self._close_link()
        elif kind == "image":
            m = _IMAGE.search(self.text, self.pos, self.end)
            if m:
                self._gap(m.start())
                self.spans.extend(_without_breaks(self.text, m.start(), m.end()))
                self.pos = m.end()
        elif kind == "html_inline":
            at = self._find(tok.content)
            if at is not None:
                self._gap(at)
                self.spans.extend(_without_breaks(self.text, at, at + len(tok.content)))
                self.pos = at + len(tok.content)

    def _close_link(self) -> None:
        """``](url)`` closes a link; a link to a downloadable file goes with its text ("【原文下载】" lists)."""
        at = self._find("]")
        if at is None:
            self.download_from = None
            return
        m = _LINK_TARGET.match(self.text, at, self.end)
        stop = m.end() if m else at + 1
        if self.download_from is not None:
            self.spans.extend(_without_breaks(self.text, self.download_from, stop))
            self.download_from = None
        else:
            self._gap(at)
            self.spans.extend(_without_breaks(self.text, at, stop))
        self.pos = stop
