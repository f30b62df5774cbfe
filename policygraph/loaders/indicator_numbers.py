"""The numbers a target can be written with: digits (97, 1.5) and Chinese numerals (一次, 两家, 十个, 半个月).

Kept apart from ``indicators.py`` because reading a numeral is a question of its own: plans write counts
in words as often as in digits ("每半年至少开展一次演练", "分别减至1个月、半个月"), and a target read from
words must still say which characters it came from.

>>> [(t.text, t.value, t.chinese) for t in numbers("至少开展一次，新建2家、十二个")]
[('一', 1.0, True), ('2', 2.0, False), ('十二', 12.0, True)]
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_DIGITS = r"(?<![0-9A-Za-z.．/])\d+(?:\.\d+)?(?![0-9A-Za-z])"
# A Chinese numeral starts with a digit word or 十 (十个, 一百二十家); a bare 百/千/万 is a word of its own
# (百亿元产业集群, 千家万户), never a count. 半 (半个月) stands alone.
_CHINESE = r"(?<![一二两三四五六七八九十百千万零〇半第])(?:[一二两三四五六七八九十][一二两三四五六七八九十百千万零〇]*|半)"
_NUMBER = re.compile(f"{_DIGITS}|{_CHINESE}")
_DIGIT_WORDS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_MAX_DIGITS = 15  # a longer run of digits is a code or an identifier, never a target


@dataclass(frozen=True)
class Numeral:
    """A number as written: where it is, its value, and whether it was written in words."""

    start: int
    end: int
    text: str
    value: float
    chinese: bool


def numbers(text: str) -> Iterator[Numeral]:
    """Every number in ``text``, in order; runs of digits too long to be a quantity are skipped."""
    for m in _NUMBER.finditer(text):
        s = m.group()
        if s[0].isdigit():
            if len(s) <= _MAX_DIGITS:
                yield Numeral(m.start(), m.end(), s, float(s), False)
            continue
        value = chinese_value(s)
        if value is not None:
            yield Numeral(m.start(), m.end(), s, value, True)


def chinese_value(s: str) -> float | None:
    """The value of a Chinese numeral, or None when the characters do not form one.

    >>> [chinese_value(s) for s in ("一", "两", "十", "十二", "二十", "一百零五", "三千", "半", "一万二千", "一一")]
    [1.0, 2.0, 10.0, 12.0, 20.0, 105.0, 3000.0, 0.5, 12000.0, None]
    """
    if s == "半":
        return 0.5
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in "零〇" and (total or section):  # 一百零五: 零 only holds a place
            continue
        if ch in _DIGIT_WORDS:
            if digit is not None:  # 一一: two digits in a row is not a numeral
                return None
            digit = _DIGIT_WORDS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch == "万":
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))
