"""Recognise the numbering that opens a line: 一、 / （一） / 1. / 1、 / （1） / ① …

Chinese plans use a handful of numbering styles and nest them in whatever order the drafter liked, so
the parser does not assume an order: it learns the depth of each style from the order in which the
styles first appear in a document. This module only says *which* style and *which* number a line starts with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = "零〇一二三四五六七八九十百两"

# Order matters: the parenthesised forms must be tried before the bare ones.
_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("paren-cn", re.compile(rf"（([{_CN}]{{1,4}})）")),
    ("paren-arabic", re.compile(r"（(\d{1,3})）")),
    ("cn-comma", re.compile(rf"([{_CN}]{{1,4}})、")),
    # "1.5倍" is a quantity; "2．2021年6月底前…" is item 2 opening with a date.
    ("arabic-dot", re.compile(r"(\d{1,3})[.．](?:(?!\d)|(?=(?:19|20)\d\d年))")),
    ("arabic-comma", re.compile(r"(\d{1,3})、")),
    ("circled", re.compile(rf"([{_CIRCLED}])")),
    ("cn-ordinal", re.compile(rf"第([{_CN}]{{1,4}})[章节部分]+")),
    # Articles of 办法/规定/实施细则 ("第一条 …") are items, not chapters.
    ("cn-article", re.compile(rf"第([{_CN}]{{1,4}})条[ 　]*")),
    # Enumerations inside a paragraph ("一是加强…；二是…").
    ("cn-shi", re.compile(r"([一二三四五六七八九十]{1,3})是(?![指否的])")),
]


@dataclass(frozen=True)
class Numbering:
    """The number that opens a line: its style, its value, the text as written and where the body starts."""

    style: str
    value: int
    as_written: str
    length: int

    @property
    def label(self) -> str:
        """The number as people cite it: '24' for '24.', '一' for '一、', '（十七）' kept with its brackets."""
        if self.style.startswith("paren") or self.style in ("circled", "cn-ordinal", "cn-shi"):
            return self.as_written
        if self.style == "cn-article":
            return self.as_written.strip(" 　")
        return self.as_written[:-1]


def chinese_to_int(s: str) -> int | None:
    """Value of a Chinese numeral up to the hundreds: 十七 → 17, 二十二 → 22, 一百零三 → 103."""
    if not s:
        return None
    total, current = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    total += current
    return total or None


def match_numbering(line: str) -> Numbering | None:
    """The numbering at the start of ``line``, or None when the line opens with ordinary text.

    A number must be followed by text: a line such as '2022' or '1、' alone is not an item.
    """
    for style, pattern in _STYLES:
        m = pattern.match(line)
        if not m or m.end() >= len(line):
            continue
        raw = m.group(1)
        if style == "circled":
            value: int | None = _CIRCLED.index(raw) + 1
        elif raw.isdigit():
            value = int(raw)
        else:
            value = chinese_to_int(raw)
        if not value:
            continue
        if style in ("arabic-dot", "arabic-comma") and _looks_like_quantity(line, m.end()):
            continue
        return Numbering(style=style, value=value, as_written=m.group(0), length=m.end())
    return None


def _looks_like_quantity(line: str, end: int) -> bool:
    """'2、3月份开展…' or '1.5倍' are quantities, not item numbers; '2．2021年6月底前…' is item 2 opening with a date."""
    if re.match(r"(?:19|20)\d\d年", line[end : end + 5]):
        return False
    return bool(re.match(r"[\d月日年倍%]", line[end : end + 1]))
