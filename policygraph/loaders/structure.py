"""Find the plan tree in normalised text: sections, items at any depth, and task units.

Works on the normaliser's output (one paragraph per line) from the body start the header detector found.
Everything here is about *positions*: which lines open a section or item, and which parentheses close a
task unit. What a parenthesis *says* (agencies, roles) is decided by ``agencies``; this module only asks it
whether a parenthesis names a body at all.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from policygraph.loaders.agencies import starts_with_role_label
from policygraph.loaders.numbering import Numbering, match_numbering

# Numbering styles that make a top-level heading a *section* rather than an item.
_SECTION_STYLES = {"cn-comma", "cn-ordinal"}
# Characters after which a parenthesis starts a new clause group rather than sitting inside a sentence.
_CLAUSE_END = "。；！？\n"
_ROLE_WORDS = re.compile(r"负责|牵头|配合|协助|参与")
# Lines that end a plan body: signature dates and attachments ("2020年4月10日", "附件：").
_END_OF_BODY = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日|附件\s*\d*[:：]?|抄送[:：]|（此件公开发布）)")
# A trailer shorter than this after a unit's parenthesis is punctuation debris, not a task of its own.
_MIN_TRAILER_CJK = 4


@dataclass
class RawNode:
    """A measure found in the text, with offsets into the normalised text (mapped to the source later)."""

    kind: str
    number: str | None
    start: int
    end: int
    depth: int
    resp: tuple[int, int] | None = None  # inner span of the closing responsibility parenthesis
    children: list[RawNode] = field(default_factory=list)


@dataclass
class _Heading:
    numbering: Numbering
    line_start: int
    depth: int


def find_structure(text: str, body_start: int, is_responsibility: Callable[[str], bool]) -> list[RawNode]:
    """The top-level measures of the body of ``text`` with their subtrees; empty when no numbering is found."""
    headings, body_end = _find_headings(text, body_start)
    if not headings:
        return []
    top_style = min(headings, key=lambda h: h.depth).numbering.style
    roots: list[RawNode] = []
    stack: list[RawNode] = []
    ends = [h.line_start for h in headings[1:]] + [body_end]
    for h, next_start in zip(headings, ends):
        kind = "section" if h.depth == 0 and top_style in _SECTION_STYLES else "item"
        node = RawNode(kind, h.numbering.label, h.line_start + h.numbering.length, next_start, h.depth)
        while stack and stack[-1].depth >= h.depth:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    for root in roots:
        _extend_ends(root, text)
        _add_tasks(root, text, is_responsibility)
    return roots


def _find_headings(text: str, body_start: int) -> tuple[list[_Heading], int]:
    """Lines that open a section or item, and where the body ends.

    A numbered line counts only when its number continues its style's sequence (or restarts at 1, or is the
    style's first use), so a sentence that happens to begin with '2、' in a list of quantities is not an item.
    001 starts at measure 3 (the first page is cut off), hence a style's first number may be anything.
    """
    depth_of: dict[str, int] = {}
    last: dict[str, int] = {}
    headings: list[_Heading] = []
    pos = body_start
    body_end = len(text)
    for line in text[body_start:].split("\n"):
        if _END_OF_BODY.match(line) and headings:
            body_end = max(pos - 1, body_start)
            break
        num = match_numbering(line)
        if num is not None:
            prev = last.get(num.style)
            if prev is None or num.value in (prev + 1, 1):
                if num.style not in depth_of:
                    depth_of[num.style] = len(depth_of)
                depth = depth_of[num.style]
                # A restart at 1 of an outer style is only plausible right after a deeper heading closed it.
                last[num.style] = num.value
                for style, d in depth_of.items():
                    if d > depth:
                        last.pop(style, None)
                headings.append(_Heading(num, pos, depth))
        pos += len(line) + 1
    return headings, min(body_end, len(text))


def _extend_ends(node: RawNode, text: str) -> None:
    """A parent ends where its last child ends; trim trailing newlines so spans hug the text."""
    for child in node.children:
        _extend_ends(child, text)
    while node.end > node.start and text[node.end - 1] in "\n \t":
        node.end -= 1


def _add_tasks(node: RawNode, text: str, is_responsibility: Callable[[str], bool]) -> None:
    """Give every leaf item (and every section without items) its task units."""
    items = [c for c in node.children if c.kind != "task"]
    for child in items:
        _add_tasks(child, text, is_responsibility)
    if items:
        return
    start = node.start
    if node.kind == "section":
        # The section heading line is the section's title, not part of its tasks (000 has no items).
        nl = text.find("\n", node.start, node.end)
        if nl < 0:
            return
        start = nl + 1
    node.children = _split_units(text, start, node.end, node.depth + 1, is_responsibility)


def _split_units(
    text: str, start: int, end: int, depth: int, is_responsibility: Callable[[str], bool]
) -> list[RawNode]:
    """Cut [start, end) into task units, each closed by one responsibility parenthesis."""
    units: list[RawNode] = []
    cursor = start
    for begin, last, inner in _closers(text, start, end):
        if begin < cursor:
            continue
        if inner[0] == begin:  # a 责任单位：… line
            if not is_responsibility(text[inner[0]:inner[1]]):
                continue
        elif not _is_closing_paren(text, begin, last, cursor, end, is_responsibility):
            continue
        u_start = _skip_leading(text, cursor, begin)
        units.append(RawNode("task", None, u_start, last + 1, depth, resp=inner))
        cursor = last + 1
    tail_start = _skip_leading(text, cursor, end)
    tail = text[tail_start:end]
    if not units or sum(1 for ch in tail if "\u4e00" <= ch <= "\u9fff") >= _MIN_TRAILER_CJK:
        if tail_start < end:
            units.append(RawNode("task", None, tail_start, end, depth))
    return units


def _closers(text: str, start: int, end: int) -> list[tuple[int, int, tuple[int, int]]]:
    """Candidate ends of task units, in order: parentheses, and lines that open with a role label.

    Each is (first offset, last offset, inner span). Some plans close a task with a line of its own,
    "责任单位：县市场监管局、县农业农村局", instead of a parenthesis.
    """
    found = [(o, c, (o + 1, c)) for o, c in _top_level_parens(text, start, end)]
    pos = start
    for line in text[start:end].split("\n"):
        if starts_with_role_label(line):
            found.append((pos, pos + len(line) - 1, (pos, pos + len(line))))
        pos += len(line) + 1
    return sorted(found)


def _is_closing_paren(
    text: str, open_: int, close: int, unit_start: int, end: int, is_responsibility: Callable[[str], bool]
) -> bool:
    """A parenthesis closes a task unit when it stands between clause groups and names a body.

    Position: after 。/；/line start, or right before a line end. Inside a sentence (各乡镇（办事处）创建) it is
    an alternative name; (保健食品) after 食品 is an apposition. A parenthesis inside a sentence that still
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
    return is_responsibility(inner)


def _top_level_parens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the outermost balanced （…） pairs in [start, end); an unclosed one is ignored."""
    pairs: list[tuple[int, int]] = []
    depth = 0
    open_at = -1
    for i in range(start, end):
        ch = text[i]
        if ch == "（":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == "）" and depth:
            depth -= 1
            if depth == 0:
                pairs.append((open_at, i))
    return pairs


def _skip_leading(text: str, start: int, end: int) -> int:
    """Skip the separators left between two units: punctuation and line breaks."""
    while start < end and text[start] in "。；，、\n \t":
        start += 1
    return start


def first_sentence(text: str) -> str:
    """The measure's title: its first sentence, without a trailing responsibility parenthesis.

    '完善农产品质量安全追溯体系。深入开展…' → '完善农产品质量安全追溯体系'.
    """
    line = text.split("\n", 1)[0]
    m = re.search(r"[。！？；]", line)
    sentence = line[: m.start()] if m else line
    sentence = re.sub(r"（[^（）]*）$", "", sentence)
    return sentence.strip()
