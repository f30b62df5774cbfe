"""What the words around a target say about it: by when it is due, and whether it is a target at all.

A deadline is often stated once for several targets: "到2023年末，…。——产业规模…达1000亿元，…培育100家…"
(a goals paragraph whose opening year governs the bullets below it), "2027年前，实现…。推动5款以上…" or a
unit heading "完成2024年食品安全重点工作指标任务。" followed by a list of rates. A year written inside a sentence
("…，2020年底前实现…58项") only governs that sentence. So the year of a target is, in order: the last cued
year earlier in its sentence; else the last year that opens an earlier sentence of the unit; else a year
named in the unit's heading; the last two only in a goals unit (heading naming 目标/指标), where a period
is stated once for a list of goals, not in a task paragraph whose years belong to their own sentences.

A figure can also describe the past: a 发展现状 paragraph ("2020年，…比重达到7.8%"), "截至2020年底已建成…".
Such achieved values are not targets; the reviewed cues live in ``data/indicators.toml`` ``[achieved]``.

>>> from policygraph.loaders.indicator_vocab import vocab
>>> t = "二、发展目标。到2023年末，建成创新高地。——推动产业规模达1000亿元。"
>>> deadline(t, t.index("1000"), vocab())
2023
"""
from __future__ import annotations

import re

from policygraph.loaders.indicator_vocab import Vocab

SENTENCE_ENDS = "。！!？?\n"
_HEADING_MAX = 40  # a heading sentence is short: "1.完成2024年食品安全重点工作指标任务。"
_NUMBERING = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]|[（(][一二三四五六七八九十\d]+[)）]|[—\-－*#]+)\s*")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\s*年)")


def sentence_start(text: str, pos: int) -> int:
    """Start of the sentence holding ``pos`` (a ； does not end a sentence: "到2020年，…；完成18个…")."""
    return max(text.rfind(ch, 0, pos) for ch in SENTENCE_ENDS) + 1


def deadline(text: str, pos: int, v: Vocab) -> int | None:
    """The year the target at ``pos`` is due, by the three rules of the module docstring."""
    start = sentence_start(text, pos)
    year = _last_cued(text, start, pos, v)
    if year is not None or not any(w in heading(text) for w in v.goal_headings):
        return year
    for m in v.deadline_re.finditer(text, 0, start):
        if (m["pre"] or m["post"]) and _opens_sentence(text, m.start()):
            year = int(m["year"])
    return year if year is not None else _heading_year(text)


def _last_cued(text: str, start: int, end: int, v: Vocab) -> int | None:
    year: int | None = None
    for m in v.deadline_re.finditer(text, start, end):
        if m["pre"] or m["post"]:
            year = int(m["year"])
    return year


def _opens_sentence(text: str, pos: int) -> bool:
    """Whether only numbering, bullets or spaces stand between the sentence start and ``pos``."""
    lead = text[sentence_start(text, pos):pos]
    return not _NUMBERING.sub("", lead).strip()


def heading(text: str) -> str:
    """The unit's first sentence with its numbering and closing punctuation removed ("发展现状")."""
    first = text.lstrip()
    ends = [i for i in (first.find(ch) for ch in SENTENCE_ENDS) if i >= 0]
    first = first[:min(ends)] if ends else first
    return _NUMBERING.sub("", first).strip(" 　：:，,")


def _heading_year(text: str) -> int | None:
    """A year named in a short heading sentence: "完成2024年…指标任务。" makes 2024 the unit's deadline."""
    head = heading(text)
    if len(head) > _HEADING_MAX or len(head) == len(text.strip()):
        return None
    years = _YEAR.findall(head)
    return int(years[-1]) if len(years) == 1 else None


def is_review(text: str, v: Vocab) -> bool:
    """A unit that reviews the past (heading 发展现状, 工作回顾): its figures are achieved, not targets."""
    head = heading(text)
    return len(head) <= v.review_heading_max and head.endswith(v.review_headings)


def is_achieved(text: str, clause_start: int, pos: int, v: Vocab) -> bool:
    """A figure reported as already reached: "截至2020年底…达到", "已建成…" before it in its clause."""
    before = text[sentence_start(text, pos):pos]
    return any(c in before for c in v.achieved_sentence) or any(
        c in text[clause_start:pos] for c in v.achieved_clause)
