"""Where sections and items start: numbers at line starts, and numbers inside a line when the page lost its breaks.

A scraped page often arrives as one line ("…现制定如下分工方案。一、把实施好…精准性（一）研究将…负责）具体措施：1．及时…").
Headings are then recognised inline by a numbering sequence that stays consistent across the document: an inline
number counts only when it is the next number of its style (or the first number of a new, deeper style) and it
stands where a heading can stand — after a clause end, or anywhere for the bracketed styles that prose never uses.
A line-start number is trusted more: it may also skip a missing number or repeat one ("1. 2. 2. 3." in a draft),
so one drafting slip does not swallow every item after it.

The depth of each style is learnt from the order in which styles first appear (drafters nest them in any order).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.loaders.numbering import Numbering, match_numbering

# Lines that end a plan body: signature dates and attachments ("2020年4月10日", "附件：").
_END_OF_BODY = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日|附件\s*\d*[:：]|抄送[:：]|（此件公开发布）)")
# The same ends met inside a flattened line.
_INLINE_END = re.compile(r"附件[:：]\s*\d|抄送[:：]|（此件公开发布）")
# A flattened page's closing signature: "…。山东省人民政府办公厅2026年8月16日（此件公开发布）" near the end of the line
# (page debris such as 【原文下载】 may follow it, never another sentence).
_INLINE_SIGNATURE = re.compile(
    r"[。；）](?P<name>[\u4e00-\u9fff]{2,30}?(?:办公厅|办公室|人民政府|委员会|局|厅|委|部))"
    r"\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^。]{0,300}$")
# Characters after which a number may open a heading inside a line.
_INLINE_AFTER = "。；！？：）」』”\u3000 "
# Styles whose brackets make an inline number unambiguous enough to follow any character.
_BRACKETED = {"paren-cn", "paren-arabic"}
# What an inline scan looks at: brackets (for depth and bracketed numbers) and a number or 附件 after a clause end.
_INLINE_SCAN = re.compile(r"[（《〔【）》〕】]|(?<=[。；！？：）」』”\u3000 ，])[一二三四五六七八九十两\d①-⑳第附]"
                          r"|(?<=[\u4e00-\u9fff])[1-9]\d{0,2}(?=[.．、])")
# How far a heading's title may run before its first child starts on the same line.
_TITLE_REACH = 80
# A line-start number may skip this many missing numbers, or repeat the last one.
_MAX_GAP = 3


@dataclass(frozen=True)
class Heading:
    """A number that opens a section or item at ``start`` (normalised offset), at nesting ``depth``."""

    numbering: Numbering
    start: int
    depth: int
    inline: bool


class _Sequence:
    """The last number seen of each style and each style's depth."""

    def __init__(self) -> None:
        self.depth_of: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.ever: dict[str, int] = {}  # last number of each style, kept when an outer heading closes it

    def accepts(self, num: Numbering, inline: bool) -> bool:
        prev = self.last.get(num.style)
        if prev is None:
            # 001 starts at measure 3 (its first page is cut off): a style's first line-start number may be anything;
            # inside a line only a 1 can open a style.
            # A style closed by an outer heading may restart at 1 or run on (（五） under 二、 after （四） under 一、).
            return not inline or num.value in (1, self.ever.get(num.style, 0) + 1)
        if num.value == prev + 1:
            return True
        if inline:
            return num.value == 1 and self._is_deepest(num.style)
        return num.value == 1 or prev < num.value <= prev + _MAX_GAP or num.value == prev

    def _is_deepest(self, style: str) -> bool:
        """A restart at 1 inside a line is plausible only for the innermost style (具体措施：1． under each item)."""
        depth = self.depth_of.get(style)
        return depth is not None and depth == max(self.depth_of.values())

    def take(self, num: Numbering) -> int:
        if num.style not in self.depth_of:
            self.depth_of[num.style] = len(self.depth_of)
        depth = self.depth_of[num.style]
        self.last[num.style] = num.value
        self.ever[num.style] = num.value
        for style, d in self.depth_of.items():
            if d > depth:
                self.last.pop(style, None)
        return depth


def find_headings(text: str, body_start: int) -> tuple[list[Heading], int]:
    """Headings of the body in document order, and the offset where the body ends."""
    seq = _Sequence()
    headings: list[Heading] = []
    pos = body_start
    body_end = len(text)
    for line in text[body_start:].split("\n"):
        if _END_OF_BODY.match(line) and headings:
            return headings, max(pos - 1, body_start)
        num = match_numbering(line)
        if num is not None and seq.accepts(num, inline=False):
            headings.append(Heading(num, pos, seq.take(num), inline=False))
        stop = _inline_headings(line, pos, seq, headings, 0 if num is None else num.length)
        if stop is None and headings and len(line) > 80:
            sig = _INLINE_SIGNATURE.search(line)
            stop = None if sig is None else pos + sig.start("name")
        if stop is not None:
            return headings, stop
        pos += len(line) + 1
    return headings, body_end


def _inline_headings(line: str, pos: int, seq: _Sequence, headings: list[Heading], skip: int) -> int | None:
    """Add the headings found inside ``line`` (offset ``pos``); return the body's end if the line holds it.

    Only brackets and characters after a clause end are looked at (a regex finds them), so a long line costs
    little more than a search.
    """
    if len(line) < 2 * skip + 40:
        return None
    depth = 0  # bracket and title-mark depth: a number inside （…） or 《…》 is never a heading
    for m in _INLINE_SCAN.finditer(line, skip):
        i = m.start()
        ch = line[i]
        if ch in "（《〔【":
            if ch == "（" and depth == 0 and i > 0 and _try_inline(line, i, pos, seq, headings):
                continue
            depth += 1
        elif ch in "）》〕】":
            depth = max(0, depth - 1)
        elif depth == 0 and i > 0:
            if ch == "附":
                if headings and _INLINE_END.match(line, i):
                    return pos + i
            else:
                _try_inline(line, i, pos, seq, headings)
    return None


def _try_inline(line: str, i: int, pos: int, seq: _Sequence, headings: list[Heading]) -> bool:
    if line[i - 1] not in _INLINE_AFTER + "，" and line[i] != "（" and (
            not headings or pos + i - headings[-1].start > _TITLE_REACH):
        return False  # mid-sentence and not in a heading's title: the common case, rejected before any regex
    num = match_numbering(line[i:i + 12] + "…")
    if num is None or num.length > len(line) - i - 1:
        return False
    after = _INLINE_AFTER + ("，" if num.style == "cn-shi" else "")
    if line[i - 1] not in after:
        # A number may follow any character only where a heading's title runs straight into its child ("一、…精准性
        # （一）研究将…", "二、加速产品化1.支持…"): elsewhere "做好（1）…" is an enumeration inside a sentence.
        in_title = bool(headings) and pos + i - headings[-1].start <= _TITLE_REACH
        if not in_title or (num.style not in _BRACKETED and headings[-1].numbering.style == num.style):
            return False
    if num.style not in seq.depth_of and headings and num.style in _BRACKETED and num.value != 1:
        return False
    if not seq.accepts(num, inline=True):
        return False
    headings.append(Heading(num, pos + i, seq.take(num), inline=True))
    return True
