"""Find the plan tree in normalised text: sections, items at any depth, and task units.

Works on the normaliser's output from the body start the header detector found. Headings come from
``headings`` (at line starts, or inside a line when a scrape lost its breaks); the task units of each leaf come
from ``units``. Three layouts need more than "a leaf holds units":

- a heading that carries its own statement (or a numeric target) before its children is a unit of its own
  ("（一）深化审批改革。（市政务服务局牵头）具体措施：1．…");
- a per-agency list names the body once, as a heading ("上海市区级人民政府", "一、市农业农村委"), for every task below;
- a plan with paragraphs but no numbering is a list of section-less task units.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.loaders.headings import Heading, find_headings
from policygraph.loaders.units import RawNode, Readers, split_units

__all__ = ["RawNode", "Readers", "find_structure", "first_sentence"]

# Numbering styles that make a top-level heading a *section* rather than an item.
_SECTION_STYLES = {"cn-comma", "cn-ordinal"}
# A plan with no numbering must still read as a plan: this many paragraphs of full sentences, this much text.
_MIN_PARAGRAPHS = 3
_MIN_CJK = 100
_MAX_AGENCY_HEADING = 40


@dataclass(frozen=True)
class _AgencyHeading:
    """A per-agency list's heading line, and the depth of the heading it sits in (None when unnumbered)."""

    start: int
    end: int
    depth: int | None


def find_structure(text: str, body_start: int, readers: Readers) -> list[RawNode]:
    """The top-level measures of the body of ``text`` with their subtrees; empty when it reads as no plan."""
    headings, body_end = find_headings(text, body_start)
    if not headings:
        return _sectionless(text, body_start, body_end, readers)
    roots = _tree(text, headings, body_end)
    agency_lines = _agency_headings(text, body_start, body_end, roots, readers)
    for root in roots:
        _extend_ends(root, text)
        _add_tasks(root, text, readers)
    if agency_lines:
        _inherit(roots, agency_lines, text)
    return roots


def _tree(text: str, headings: list[Heading], body_end: int) -> list[RawNode]:
    top_style = min(headings, key=lambda h: h.depth).numbering.style
    roots: list[RawNode] = []
    stack: list[RawNode] = []
    ends = [h.start for h in headings[1:]] + [body_end]
    for h, next_start in zip(headings, ends):
        kind = "section" if h.depth == 0 and top_style in _SECTION_STYLES else "item"
        node = RawNode(kind, h.numbering.label, h.start + h.numbering.length, next_start, h.depth, at=h.start,
                       inline=h.inline)
        while stack and stack[-1].depth >= h.depth:
            stack.pop()
        parent = stack[-1] if stack else None
        if parent is not None and parent.title_end is None:
            parent.title_end = h.start
        (parent.children if parent else roots).append(node)
        stack.append(node)
    return roots


def _extend_ends(node: RawNode, text: str) -> None:
    """Trim trailing whitespace so spans hug the text."""
    for child in node.children:
        _extend_ends(child, text)
    while node.end > node.start and text[node.end - 1] in "\n \t":
        node.end -= 1


def _add_tasks(node: RawNode, text: str, readers: Readers) -> None:
    """Give every leaf its task units, and a heading with its own statement or target its own unit."""
    items = [c for c in node.children if c.kind != "task"]
    for child in items:
        _add_tasks(child, text, readers)
    if items:
        _share_enumeration_statement(items, text)
        node.children = _heading_units(node, items[0].at, text, readers) + node.children
        return
    start = node.start
    if node.kind == "section":
        # The section heading line is the section's title, not part of its tasks (000 has no items) — unless the
        # line runs on into the body ("一、支持企业参与…。健全…（责任单位：…）"): then it is read like an item.
        nl = text.find("\n", node.start, node.end)
        line_end = node.end if nl < 0 else nl
        if "。" not in text[node.start:line_end].rstrip("。"):
            if nl < 0:
                return
            start = nl + 1
    node.children = split_units(text, start, node.end, node.depth + 1, readers)


def _share_enumeration_statement(items: list[RawNode], text: str) -> None:
    """An enumeration inside one paragraph closed by one statement ("一是…；二是…；三是…。（县农业农村局负责）"):
    the statement after the last member names the bodies of every member."""
    for i, item in enumerate(items):
        if not item.inline or any(t.resp for t in item.children if t.kind == "task"):
            continue
        for later in items[i + 1:]:
            if "\n" in text[item.at:later.at] or not later.inline:
                break
            closing = [t for t in later.children if t.kind == "task" and t.resp]
            if closing:
                for t in item.children:
                    if t.kind == "task" and t.resp is None:
                        t.resp, t.resp_kind = closing[-1].resp, closing[-1].resp_kind
                break


def _heading_units(node: RawNode, first_child: int, text: str, readers: Readers) -> list[RawNode]:
    """The units of a heading's own text before its first child: only those that name bodies or set targets."""
    units = split_units(text, node.start, first_child, node.depth + 1, readers)
    return [u for u in units if u.resp is not None or readers.has_target(text[u.start:u.end])]


def _sectionless(text: str, start: int, end: int, readers: Readers) -> list[RawNode]:
    """A plan of paragraphs without numbering: its units as roots, or nothing if it does not read as a plan."""
    body = text[start:end]
    paragraphs = [p for p in body.split("\n") if re.search(r"[。；]$", p.strip())]
    cjk = sum(1 for ch in body if "\u4e00" <= ch <= "\u9fff")
    units = split_units(text, start, end, 0, readers)
    named = sum(1 for u in units if u.resp is not None)
    if cjk < _MIN_CJK or (len(paragraphs) < _MIN_PARAGRAPHS and not named):
        return []
    if not named:
        units = []
        pos = start
        for line in body.split("\n"):
            if line.strip():
                units.append(RawNode("task", None, pos, pos + len(line.rstrip()), 0, at=pos))
            pos += len(line) + 1
    return units


def _agency_headings(text: str, start: int, end: int, roots: list[RawNode], readers: Readers) -> list[_AgencyHeading]:
    """Headings of a per-agency list: unnumbered lines that are only a body's name, and numbered headings whose
    whole title is one ("一、市农业农村委")."""
    found: list[_AgencyHeading] = []
    numbered = {n.at: n for n in _walk(roots) if n.kind != "task"}
    pos = start
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        node = numbered.get(pos)
        if node is not None:
            title = text[node.start:pos + len(line)].strip()
            if title and len(title) <= _MAX_AGENCY_HEADING and readers.agency_heading(title):
                found.append(_AgencyHeading(node.start, pos + len(line), node.depth))
        elif stripped and len(stripped) <= _MAX_AGENCY_HEADING and not re.search(r"[。；，：:]", stripped) \
                and readers.agency_heading(stripped):
            found.append(_AgencyHeading(pos, pos + len(line), None))
        pos += len(line) + 1
    return found


def _inherit(roots: list[RawNode], headings: list[_AgencyHeading], text: str) -> None:
    """Give each task with no statement of its own the per-agency heading above it.

    A numbered heading governs its own subtree; an unnumbered one holds until the next one.
    """
    def visit(node: RawNode, numbered: _AgencyHeading | None) -> None:
        own = next((h for h in headings if h.depth is not None and h.start == node.start), None)
        numbered = own or numbered
        for child in node.children:
            if child.kind == "task":
                if child.resp is None:
                    heading = numbered or _preceding(headings, child.start)
                    if heading is not None:
                        child.resp, child.resp_kind = (heading.start, heading.end), "heading"
                _cut_before_headings(child, headings, text)
            else:
                visit(child, numbered)

    for root in roots:
        visit(root, None)


def _preceding(headings: list[_AgencyHeading], pos: int) -> _AgencyHeading | None:
    before = [h for h in headings if h.depth is None and h.end <= pos]
    return before[-1] if before else None


def _cut_before_headings(task: RawNode, headings: list[_AgencyHeading], text: str) -> None:
    """A unit ends before the next agency's heading line ("…抽检工作。\\n区教育局")."""
    for h in headings:
        if h.depth is None and task.start < h.start < task.end:
            task.end = h.start
            while task.end > task.start and text[task.end - 1] in "\n \t":
                task.end -= 1


def _walk(nodes: list[RawNode]) -> list[RawNode]:
    out: list[RawNode] = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.children))
    return out


def first_sentence(text: str) -> str:
    """The measure's title: its first sentence, without a trailing responsibility parenthesis.

    '完善农产品质量安全追溯体系。深入开展…' → '完善农产品质量安全追溯体系'.
    """
    line = text.split("\n", 1)[0]
    m = re.search(r"[。！？；]", line)
    sentence = line[: m.start()] if m else line
    sentence = re.sub(r"（[^（）]*）$", "", sentence)
    return sentence.strip()
