"""Cut a stretch of plan text into task units, each closed (or opened) by one responsibility statement.

A task unit is a clause group whose bodies are named once: by a bracket at its end (（县农业农村局牵头）, (…), 〔…〕,
[…], 【…】), by a line of its own (责任单位：…), or by a clause that opens it ("由省经贸委负责，省公安厅配合，…"). This
module knows only *positions*; whether a bracket or a clause names bodies is asked of ``Readers``, which the
parser builds from the agency reader, so structure never decides who is responsible.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from policygraph.loaders.agencies import starts_with_role_label

# Characters after which a bracket starts a new clause group rather than sitting inside a sentence.
_CLAUSE_END = "。；！？\n"
_ROLE_WORDS = re.compile(r"负责|牵头|配合|协助|参与|协作|协同|承办|协办|主责|责任")
_BRACKETS = {"（": "）", "〔": "〕", "【": "】", "[": "]"}
_CLOSING = set(_BRACKETS.values())
# A trailer shorter than this after a unit's bracket is punctuation debris, not a task of its own.
_MIN_TRAILER_CJK = 4
# A lead-in label ending a heading's text ("具体措施：", "主要措施:") is not a unit.
_LEAD_IN = re.compile(r"^[^。；！？]{0,14}[:：]$")
# How far after a sentence start a leading clause's role word may stand (a long list of bodies, then 负责).
_CLAUSE_REACH = 200
# How far a clause may sit after a sentence start and a short opening phrase ("省级层面，省市场监管局牵头…").
_OPENING_PHRASE = 8


@dataclass(frozen=True)
class Readers:
    """What structure asks the agency reader: does this text name responsible bodies, and where?

    ``is_responsibility(inner)``: a bracket's content names bodies. ``leading_clause(text, pos)``: the offset after
    a responsibility clause opening at ``pos``, or None. ``agency_subject(text, pos)``: a sentence at ``pos`` whose
    subject is a known body ("省农业厅做好…"). ``agency_heading(line)``: the line is only a body's name.
    ``has_target(text)``: the text states a numeric target (a goals paragraph is a unit).
    """

    is_responsibility: Callable[[str], bool]
    leading_clause: Callable[[str, int], int | None] = lambda text, pos: None
    agency_subject: Callable[[str, int], bool] = lambda text, pos: False
    agency_heading: Callable[[str], bool] = lambda line: False
    has_target: Callable[[str], bool] = lambda text: False


@dataclass
class RawNode:
    """A measure found in the text, with offsets into the normalised text (mapped to the source later).

    ``at`` is where the node's number starts (``start`` is after it); ``resp`` the span of its responsibility
    statement and ``resp_kind`` how it was written: bracket, label, leading or heading (a per-agency list's heading).
    """

    kind: str
    number: str | None
    start: int
    end: int
    depth: int
    at: int = -1
    resp: tuple[int, int] | None = None
    resp_kind: str | None = None
    title_end: int | None = None
    inline: bool = False
    children: list[RawNode] = field(default_factory=list)


def split_units(text: str, start: int, end: int, depth: int, readers: Readers) -> list[RawNode]:
    """Cut [start, end) into task units; a stretch with no statement is one unit (or none if it is only a label)."""
    units: list[RawNode] = []
    cursor = start
    for begin, last, inner, kind in _closers(text, start, end):
        if begin < cursor:
            continue
        if kind == "label":
            if not readers.is_responsibility(text[inner[0]:inner[1]]):
                continue
        elif not _is_closing_bracket(text, begin, last, cursor, end, readers):
            continue
        u_start = skip_separators(text, cursor, begin)
        units.append(RawNode("task", None, u_start, last + 1, depth, at=u_start, resp=inner, resp_kind=kind))
        cursor = last + 1
    tail_start = skip_separators(text, cursor, end)
    tail = text[tail_start:end].rstrip()
    if not units:
        return _opened_units(text, tail_start, end, depth, readers)
    if _cjk(tail) >= _MIN_TRAILER_CJK and not _LEAD_IN.match(tail):
        units.extend(_opened_units(text, tail_start, end, depth, readers))
    return units


def _opened_units(text: str, start: int, end: int, depth: int, readers: Readers) -> list[RawNode]:
    """Units with no closing statement: split where a clause opens one ("由…负责，…配合，"), else one unit."""
    while end > start and text[end - 1] in "\n \t":
        end -= 1
    if start >= end:
        return []
    opens = _clause_openings(text, start, end, readers)
    if not opens:
        return [RawNode("task", None, start, end, depth, at=start)]
    units: list[RawNode] = []
    bounds = [o[0] for o in opens[1:]] + [end]
    for i, ((sentence, clause, clause_end), u_end) in enumerate(zip(opens, bounds)):
        u_start = start if i == 0 else sentence
        u_end = _trim(text, u_start, u_end)
        resp = (clause, clause_end) if clause_end > clause else None
        units.append(RawNode("task", None, u_start, u_end, depth, at=u_start, resp=resp,
                             resp_kind="leading" if resp else "subject"))
    return units


def _clause_openings(text: str, start: int, end: int, readers: Readers) -> list[tuple[int, int, int]]:
    """(sentence start, clause start, clause end) of each responsibility clause opening a sentence in [start, end).

    Sentences whose subject is a known body ("省农业厅做好…") open units too, but only next to real clauses: in a
    plan that names its bodies by leading clauses, such a sentence is the same statement without 负责.
    """
    found: list[tuple[int, int, int]] = []
    subjects: list[tuple[int, int, int]] = []
    starts = _sentence_starts(text, start, end)
    for s in starts:
        if not _ROLE_WORDS.search(text, s, min(end, s + _CLAUSE_REACH)):
            continue  # no role word near: no clause can open here (the common case, and a cheap test)
        for p in _clause_starts(text, s, end):
            stop = readers.leading_clause(text, p)
            if stop is not None and stop <= end:
                found.append((s, p, stop))
                break
    if not found:
        return []
    opened = {s for s, _, _ in found}
    subjects = [(s, s, s) for s in starts if s > start and s not in opened and readers.agency_subject(text, s)]
    return sorted(found + subjects)


def _sentence_starts(text: str, start: int, end: int) -> list[int]:
    starts = [start]
    for m in re.finditer(r"[。；！？\n]+", text[start:end]):
        s = skip_separators(text, start + m.end(), end)
        if s < end:
            starts.append(s)
    return starts


def _clause_starts(text: str, s: int, end: int) -> list[int]:
    """The sentence start, and the clause after a short opening phrase ("省级层面，")."""
    out = [s]
    comma = text.find("，", s, min(end, s + _OPENING_PHRASE + 1))
    if comma > s:
        out.append(comma + 1)
    return out


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in "\n \t":
        end -= 1
    return end


def _closers(text: str, start: int, end: int) -> list[tuple[int, int, tuple[int, int], str]]:
    """Candidate ends of task units, in order: brackets, and lines that open with a role label.

    Each is (first offset, last offset, inner span, kind). Some plans close a task with a line of its own,
    "责任单位：县市场监管局、县农业农村局", instead of a bracket.
    """
    found = [(o, c, (o + 1, c), "bracket") for o, c in _top_level_brackets(text, start, end)]
    pos = start
    for line in text[start:end].split("\n"):
        if starts_with_role_label(line):
            found.append((pos, pos + len(line) - 1, (pos, pos + len(line)), "label"))
        pos += len(line) + 1
    return sorted(found)


def _is_closing_bracket(text: str, open_: int, close: int, unit_start: int, end: int, readers: Readers) -> bool:
    """A bracket closes a task unit when it stands between clause groups and names a body.

    Position: after 。/；/line start, or right before a line end. Inside a sentence (各乡镇（办事处）创建) it is
    an alternative name; (保健食品) after 食品 is an apposition. A bracket inside a sentence that still
    carries a role word (…负责) is accepted: drafters sometimes forget the full stop.
    """
    inner = text[open_ + 1 : close]
    if not inner.strip():
        return False
    before = text[open_ - 1] if open_ > unit_start else "\n"
    after = text[close + 1] if close + 1 < end else "\n"
    position_ok = before in _CLAUSE_END or after in "\n。；"
    if not position_ok and not _ROLE_WORDS.search(inner):
        return False
    return readers.is_responsibility(inner)


def _top_level_brackets(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the outermost balanced bracket pairs in [start, end); an unclosed one is ignored."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i in range(start, end):
        ch = text[i]
        if ch in _BRACKETS:
            stack.append((_BRACKETS[ch], i))
        elif ch in _CLOSING and stack:
            if stack[-1][0] != ch:
                continue
            _, opened = stack.pop()
            if not stack:
                pairs.append((opened, i))
        elif ch == "\n" and stack and text[stack[0][1]] != "（":
            stack.clear()  # an ASCII [ or a 【 left open does not run on past its line
    return pairs


def skip_separators(text: str, start: int, end: int) -> int:
    """Skip the separators left between two units: punctuation and line breaks."""
    while start < end and text[start] in "。；，、\n \t":
        start += 1
    return start


def _cjk(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
