"""Rebuild paragraphs from lines: undo hard wraps and page breaks, drop page debris and running headers.

Used by ``normalising`` once each line has been cleaned; works on ``Line`` objects that carry their offsets, so
joining lines never loses track of where a character came from. The rules are per document, not per file: a
document is treated as hard-wrapped only when most of its lines share one width and break mid-sentence, so
documents with one paragraph per line (000, 002, 003, 004) are never joined, except across a page break that
split a parenthesis.
"""
from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from policygraph.loaders.numbering import match_numbering

_FULL = 0.8  # a line at least this share of the wrap width was cut by the wrap, not by the writer
_MIN_WRAPPED_LINES = 8
_MAX_WRAP_WIDTH = 160  # display cells; wider "wraps" are just long paragraphs
_PAREN_REACH = 30  # how far into the next line a split parenthesis may close
_SENTENCE_END = "。！？；：…!?;"
_CLOSERS = "”’」』》\"'"
_CONTINUES = "，、“‘（《—,"
_TITLE = re.compile(r"《[^《》]+》")
_NUMBER_START = re.compile("[0-9一二三四五六七八九十百零〇两（①-⑳第]")
_NUMBER = r"(?:[0-9]+|[一二三四五六七八九十百零〇两]+|[XxＸ]+)"


@dataclass(slots=True)
class Line:
    """One line of the document: its cleaned text, the decoded offset of each character and of its line break."""

    text: str
    offs: list[int]
    brk: int
    page_break: bool = False
    debris: bool = False
    width: int = 0
    balance: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.balance = self.text.count("（") - self.text.count("）")


def display_width(text: str) -> int:
    """Columns the text fills on a page: CJK characters count two, ASCII one (cheap: done in C)."""
    return len(text) + len(text) - len(text.encode("latin-1", "ignore"))


def inline_debris() -> re.Pattern[str]:
    """Page-jump notes ("（上接第一版）") to delete wherever they occur."""
    return _debris_patterns()[0]


def is_page_number(text: str) -> bool:
    """Is the whole line a page number ("- 3 -", "第 3 页")?"""
    return len(text) <= 30 and _debris_patterns()[1].fullmatch(text) is not None


def drop_running_headers(lines: list[Line]) -> None:
    """Blank a short line repeated on several pages when every copy sits next to a page break."""
    conf = _config()["running_header"]
    places: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        if line.text and len(line.text) <= conf["max_chars"]:
            places[line.text].append(i)
    repeated = [where for where in places.values() if len(where) >= conf["min_repeats"]]
    if not repeated:
        return
    filled = [i for i, line in enumerate(lines) if line.text]
    edges = {filled[0], filled[-1]}
    breaks = {i for i, line in enumerate(lines) if line.page_break}
    for where in repeated:
        if all(i in edges or any(j in breaks for j in range(i - 3, i + 3)) for i in where):
            for i in where:
                lines[i] = Line("", [], lines[i].brk, page_break=True, debris=True)


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Group non-empty lines into paragraphs (units joined with no character between them)."""
    width = wrap_width(lines)
    units: list[list[Line]] = []
    balance = 0
    prev: Line | None = None
    gap = False
    for line in lines:
        if not line.text:
            gap = gap or prev is not None
            continue
        if prev is not None and (_closes_paren(balance, line) or _continues(units[-1], prev, line, gap, width)):
            units[-1].append(line)
            balance += line.balance
        else:
            units.append([line])
            balance = line.balance
        prev, gap = line, False
    return units


def wrap_width(lines: list[Line]) -> int | None:
    """The width a hard-wrapped document was cut at, or None when lines are paragraphs.

    Hard-wrapped: at least half the lines fill one common width and most of those stop mid-sentence.
    """
    filled = [line for line in lines if line.text]
    if len(filled) < _MIN_WRAPPED_LINES:
        return None
    widths = sorted(line.width for line in filled)
    width = widths[len(widths) * 3 // 4]
    if not 10 <= width <= _MAX_WRAP_WIDTH:
        return None
    full = [line for line in filled if _FULL * width <= line.width <= 1.25 * width]
    if len(full) < len(filled) / 2:
        return None
    open_ended = sum(1 for line in full if not ends_sentence(line.text))
    return width if open_ended >= len(full) / 2 else None


def ends_sentence(text: str) -> bool:
    """Does the line end a sentence? A closing parenthesis does when it follows a full stop
    ("…诚信评价工作。（区工信局）") or closes a responsibility-sized group ("…按职责分工负责）"), not when
    it closes a short gloss inside a sentence ("关键控制点（HACCP）")."""
    stripped = text.rstrip(_CLOSERS)
    if stripped and stripped[-1] in _SENTENCE_END:
        return True
    if text.endswith("）"):
        opening = text.rfind("（")
        if opening < 0:
            return True  # opened on an earlier line: a long group, such as a wrapped list of agencies
        return len(text) - opening - 2 >= 6 or (opening > 0 and text[opening - 1] in _SENTENCE_END)
    return False


def _closes_paren(balance: int, line: Line) -> bool:
    """An open full-width parenthesis closed early in the next line: a page break split it.

    003: "（…县市场监管局、农业农村局、财政局按职责分" + blank lines + "工负责）".
    """
    if balance <= 0 or _numbered(line.text):
        return False
    close = line.text.find("）", 0, _PAREN_REACH)
    return close >= 0 and "（" not in line.text[:close]


def _continues(unit: list[Line], last: Line, nxt: Line, gap: bool, width: int | None) -> bool:
    """In a hard-wrapped document, does ``nxt`` carry on the paragraph that ``last`` belongs to?"""
    if _TITLE.fullmatch(last.text) or _TITLE.fullmatch(nxt.text):
        return False
    if width is None:
        # One paragraph per line: only a page break inside a running sentence joins, recognised by a line
        # that already holds a full stop yet stops mid-sentence (003: "…加强婴幼儿配方乳粉质" + "量监管。").
        # No blank line is required: a web page or a Word file of the same text has none.
        return "。" in last.text and not ends_sentence(last.text) and not _numbered(nxt.text)
    full = last.width >= _FULL * width
    ended = ends_sentence(last.text)
    numbered = _numbered(nxt.text)
    if gap or numbered:
        # A blank line or a number ends the paragraph, unless a full line was cut mid-sentence
        # (001: "加强挥发性有机物" + page break + "（VOCs）排放…").
        return full and not ended and not (gap and numbered)
    if full and ended and nxt.width < width / 2 and not any(ch in nxt.text for ch in _SENTENCE_END + "，"):
        return False  # a sentence ended at the margin and a short line stands alone after it: a signature, a title
    if full:
        return True
    if ended:
        return False
    if last.text[-1] in _CONTINUES:
        return True
    if len(unit) == 1:
        # A short line standing alone is a heading; it continues only as a numbered heading wrapped
        # onto a short second line (001: "十一、深入开展食品安全放心工程" + "攻坚行动").
        return _numbered(last.text) and nxt.width < _FULL * width
    return True


def _numbered(text: str) -> bool:
    """Does the line open with a number (一、 / 3. / （十七） …)? A cheap first-character test skips most lines."""
    return _NUMBER_START.match(text) is not None and match_numbering(text) is not None


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    with resources.files("policygraph").joinpath("data/debris.toml").open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def _debris_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compile the phrase templates of ``data/debris.toml``: literal text, ``{n}`` a number, spaces optional."""
    conf = _config()["page_debris"]

    def compile_template(template: str) -> str:
        tokens: list[str] = []
        for piece in re.split(r"(\{n\})", template):
            tokens.extend([_NUMBER] if piece == "{n}" else [re.escape(ch) for ch in piece])
        return " *".join(tokens)

    inline = "|".join(compile_template(t) for t in conf["inline"])
    whole = "|".join(compile_template(t) for t in conf["whole_line"])
    return re.compile(inline), re.compile(f"(?:{whole})", re.IGNORECASE)
