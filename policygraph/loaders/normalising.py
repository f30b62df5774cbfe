"""Decoded text → one clean paragraph per line, with a map back to the decoded offsets.

Parsers want one paragraph per line and no layout noise; auditors want to see the words where the document
wrote them. So every character of the output is a character of the input (possibly folded: ``１`` → ``1``,
``(`` → ``（``, a line break → ``\\n``), nothing is ever inserted, and ``origin[i]`` says where ``text[i]`` came
from. Layout repairs are deletions only: spaces between CJK characters, page debris, hard wraps.

What "layout noise" means was learnt from the sample corpus: newspaper text hard-wrapped at ~21 characters
(001), spaces justified between every character (``41. 深 化 风 险``), page-jump notes (``（上接第一版）``), a page
break splitting a responsibility parenthesis over blank lines (003), a web-preview first line (000).
Real scrapes added three more, each still a deletion or a one-for-one change: Markdown markup (``# 标题``,
``**一、…**``: ``markdown_text``), page furniture of government sites (metadata lines, breadcrumbs, font bars,
download lists: ``web_debris``) and Traditional characters, converted for parsing (``traditional``) while
``NormalisedText.as_written`` gives the words back in the script the document used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from policygraph.loaders import layout
from policygraph.loaders.layout import Line
from policygraph.loaders.markdown_text import looks_like_markdown, markup_spans
from policygraph.loaders.traditional import to_simplified
from policygraph.loaders.web_debris import debris_spans

# Runs of layout spaces; the CJK side is ideographs, CJK punctuation and full-width forms.
_CJK = "\u2e80-\u2fff\u3001-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2010-\u2027\u2030-\u205e"
_BREAKS = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
# Spaces to delete: a whole run at a line edge or touching CJK, the surplus of a run between Latin words.
_LAYOUT_SPACES = re.compile(f"(?:(?<=[{_CJK}{_BREAKS}])|^) +| +(?=[{_CJK}{_BREAKS}]|$)|(?<= ) +")
_COMMA = re.compile(f"(?<=[{_CJK}])[,;]|[,;](?=[{_CJK}])")
_COLON = re.compile(f"(?<=[{_CJK}])[:!?]")
_FULL_WIDTH_PUNCT = str.maketrans(",;:!?", "，；：！？")
_SENTINEL = re.compile("\x00+")
_ELLIPSIS = re.compile(r"(?:\.{3,}|…+|。{3,})$")
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _fold_table() -> dict[int, str]:
    """Context-free one-to-one folds. Deletable characters map to NUL, removed by a later pass."""
    table: dict[int, str] = {}
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for code in range(lo, hi + 1):
            table[code] = chr(code - 0xFEE0)
    table.update({ord(k): v for k, v in zip("．％＋＜＝＞／－", ".%+<=>/-")})
    table.update({ord("("): "（", ord(")"): "）", 0x22EF: "…", 0x2015: "—", 0x2500: "—"})
    for code in (0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[code] = " "
    for code in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0),
                 0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[code] = "\x00"
    return table


FOLD: dict[int, str] = _fold_table()
"""One-to-one character folds applied everywhere (tests use it to check the offset map)."""
CONTEXT_FOLD: dict[str, str] = dict(zip(",;:!?", "，；：！？"))
"""ASCII punctuation turned full-width when it touches CJK text (``年,重点`` → ``年，重点``; ``1,000`` is kept)."""
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text plus ``origin``: ``origin[i]`` is the decoded offset of ``text[i]``; one extra entry
    ``origin[len(text)] == len(decoded)`` closes the map so half-open spans always translate."""

    text: str
    origin: list[int] = field(repr=False)
    written: str | None = field(default=None, repr=False)
    """The normalised text in the document's own script, when it was converted from Traditional characters
    (same length as ``text``, character for character); None when nothing was converted."""

    def as_written(self, start: int, end: int) -> str:
        """``text[start:end]`` in the script the document used: 國務院 stays 國務院 for an auditor to find.

        >>> n = normalise("國務院辦公廳關於加強食品安全工作的通知")
        >>> n.text[:6], n.as_written(0, 6)
        ('国务院办公厅', '國務院辦公廳')
        """
        return (self.written if self.written is not None else self.text)[start:end]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the half-open span of the decoded text it came from.

        >>> n = normalise("到 2020 年")
        >>> n.text, n.to_source(1, 5)
        ('到2020年', (2, 6))
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside normalised text of length {len(self.text)}")
        if start == end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def normalise(decoded: str, markdown: bool | None = None) -> NormalisedText:
    """Turn decoded text into one paragraph per line, keeping the offset of every character.

    ``markdown``: strip Markdown markup (True for a ``.md`` file); None decides from the content, so a
    Markdown scrape saved as ``.txt`` is cleaned the same way.

    >>> normalise("41. 深 化 风 险\\n\\n（上接第一版）到 2020 年 ，规 模").text
    '41.深化风险\\n到2020年，规模'
    """
    simplified = to_simplified(decoded)
    base = decoded if simplified is None else simplified
    if markdown is None:
        markdown = looks_like_markdown(base)
    text, offs = _clean_text(base, markdown)
    lines = _split_lines(decoded, text, offs)
    _drop_preview_line(lines)
    layout.drop_running_headers(lines)
    units = layout.paragraphs(lines)
    chars: list[str] = []
    origin: list[int] = []
    for n, unit in enumerate(units):
        if n:
            chars.append("\n")
            origin.append(units[n - 1][-1].brk)
        for line in unit:
            chars.append(line.text)
            origin.extend(line.offs)
    origin.append(len(decoded))
    out = "".join(chars)
    written = None if simplified is None else _in_original_script(out, origin, decoded, simplified)
    return NormalisedText(text=out, origin=origin, written=written)


def _in_original_script(text: str, origin: list[int], decoded: str, simplified: str) -> str:
    """The normalised text with each converted character put back as the document wrote it."""
    return "".join(decoded[o] if ch == simplified[o] != decoded[o] else ch for ch, o in zip(text, origin))


def _clean_text(decoded: str, markdown: bool = False) -> tuple[str, list[int]]:
    """Character-level cleaning of the whole text at once (fast: a few C-level passes, not one per line).

    Line breaks are never deleted here, so line k of the result is line k of the input.
    """
    offs = list(range(len(decoded)))
    text = decoded
    if markdown:
        text, offs = _delete(text, offs, markup_spans(text))
    text = text.translate(FOLD)
    if "\x00" in text:
        text, offs = _delete(text, offs, [m.span() for m in _SENTINEL.finditer(text)])
    if " " in text:
        text, offs = _delete(text, offs, [m.span() for m in _LAYOUT_SPACES.finditer(text)])
    text = _COMMA.sub(_to_full_width, text)
    text = _COLON.sub(_to_full_width, text)
    inline = layout.inline_debris()
    if inline.search(text):
        text, offs = _delete(text, offs, [m.span() for m in inline.finditer(text)])
    web = debris_spans(text)
    if web:
        text, offs = _delete(text, offs, web)
    return text, offs


def _split_lines(decoded: str, text: str, offs: list[int]) -> list[Line]:
    """Cut cleaned text into lines that keep their offsets, their width as printed and page-break marks.

    The width is measured on the raw line, spaces included: justified lines ("41. 深 化 风 险…") and lines
    that lost a page note ("（上接第一版）…") filled the column when printed.
    """
    lines: list[Line] = []
    start = 0
    raw_start = 0
    ends = [(m.start(), m.end(), m.group()) for m in _LINE_BREAK.finditer(text)]
    ends.append((len(text), len(text), ""))
    for a, b, brk in ends:
        raw_end = offs[a] if a < len(text) else len(decoded)
        raw = decoded[raw_start:raw_end]
        line = Line(text[start:a], offs[start:a], raw_end, page_break=brk == "\x0c",
                    width=layout.display_width(raw.strip()))
        if not line.text and raw.strip() or layout.is_page_number(line.text):
            line = Line("", [], raw_end, page_break=True, debris=True)
        lines.append(line)
        start = b
        raw_start = offs[b - 1] + 1 if b > a else raw_end
    return lines


def _to_full_width(match: re.Match[str]) -> str:
    return match.group().translate(_FULL_WIDTH_PUNCT)


def _delete(text: str, offs: list[int], spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Remove sorted, disjoint half-open spans from the text and from its offset list together."""
    parts: list[str] = []
    kept: list[int] = []
    pos = 0
    for a, b in spans:
        parts.append(text[pos:a])
        kept.extend(offs[pos:a])
        pos = b
    parts.append(text[pos:])
    kept.extend(offs[pos:])
    return "".join(parts), kept


def _drop_preview_line(lines: list[Line]) -> None:
    """Drop a first line that is a web preview: it ends in an ellipsis and its text reappears later.

    000 starts with "XX县2024年食品安全重点工作安排为深入贯彻…推动建立食品安..." — title and preamble run
    together and cut short by the site's list page; the real title and preamble follow.
    """
    first = next((i for i, line in enumerate(lines) if line.text), None)
    if first is None:
        return
    head = lines[first].text
    match = _ELLIPSIS.search(head)
    if not match or match.start() < 8:
        return
    rest = "".join(line.text.replace(" ", "") for line in lines[first + 1:])
    if head[:match.start()].replace(" ", "") in rest:
        lines[first] = Line("", [], lines[first].brk, debris=True)
