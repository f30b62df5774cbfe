"""Responsibility statements, as structure and the tree builder need them: found by position, read by ``agencies``.

Structure asks yes/no questions without knowing the plan's place (a placeholder county is enough to tell whether
a bracket names bodies); the tree builder then reads the statement it found in the plan's own jurisdiction. Keeping
both sides here means the rule for "what counts as a statement" lives in one place.
"""
from __future__ import annotations

from policygraph.loaders import agencies
from policygraph.loaders.indicators import extract_indicators
from policygraph.loaders.model import AgencyRef, Jurisdiction
from policygraph.loaders.units import RawNode, Readers

_BODY_ENDINGS = "局厅委办部院会府"
# How far into a sentence its subject (a body's name) may reach: "福建出入境检验检疫局" is ten characters.
_MAX_SUBJECT = 24


def readers(plan: Jurisdiction) -> Readers:
    """The questions structure asks, answered in the plan's jurisdiction where the answer depends on it.

    Whether a bracket names bodies does not (a placeholder county is enough, and keeps the answer the same for
    every plan); whether a line is only a body's name does: "上海市区级人民政府" is a body in a 上海 plan.
    Answers are remembered for this one document: a plan repeats its statements ("（县市场监管局负责）")
    and its short lines many times, and nothing outlives the parse.
    """
    responsibility: dict[str, bool] = {}
    heading: dict[str, bool] = {}

    def is_responsibility(inner: str) -> bool:
        if inner not in responsibility:
            responsibility[inner] = agencies.is_responsibility(inner)
        return responsibility[inner]

    def agency_heading(line: str) -> bool:
        if line not in heading:
            heading[line] = agencies.parse_agency_heading(line, 0, plan) is not None
        return heading[line]

    return Readers(
        is_responsibility=is_responsibility,
        leading_clause=lambda text, pos: _leading_clause(text, pos, plan),
        agency_subject=lambda text, pos: bool(_subject(text, pos, plan)),
        agency_heading=agency_heading,
        has_target=lambda text: bool(extract_indicators(text, 0)),
    )


def _leading_clause(text: str, pos: int, plan: Jurisdiction) -> int | None:
    found = agencies.parse_leading_clause(text[pos:pos + agencies.MAX_INNER], 0, plan)
    return None if found is None else pos + found[1]


def _subject(text: str, pos: int, plan: Jurisdiction) -> list[AgencyRef]:
    """The body a sentence opens with as its subject ("省农业厅做好全省…"), longest name first."""
    window = text[pos:pos + _MAX_SUBJECT]
    for end in range(len(window), 1, -1):
        if window[end - 1] in _BODY_ENDINGS:
            found = agencies.parse_agency_heading(window[:end], pos, plan)
            if found:
                return found
    return []


class StatementReader:
    """Reads task units' statements in one plan's jurisdiction, remembering each distinct statement's bodies.

    A plan names the same bodies in the same words again and again; the reading is done once per wording and
    its spans moved to each occurrence. One reader per document, so nothing is shared between plans.
    """

    def __init__(self, plan: Jurisdiction) -> None:
        self.plan = plan
        self._seen: dict[tuple[str | None, str], list[AgencyRef]] = {}

    def read(self, text: str, node: RawNode) -> list[AgencyRef]:
        """The bodies named by a task unit's statement (offsets into ``text``)."""
        if node.resp_kind == "subject":
            return _subject(text, node.start, self.plan)
        if node.resp is None:
            return []
        a, b = node.resp
        key = (node.resp_kind, text[a:b])
        if key not in self._seen:
            self._seen[key] = _read(key[1], node.resp_kind, self.plan)
        return [r.model_copy(update={"span": (r.span[0] + a, r.span[1] + a)}) for r in self._seen[key]]


def _read(statement: str, kind: str | None, plan: Jurisdiction) -> list[AgencyRef]:
    if kind == "leading":
        found = agencies.parse_leading_clause(statement, 0, plan)
        return [] if found is None else found[0]
    if kind == "heading":
        return agencies.parse_agency_heading(statement, 0, plan) or []
    return agencies.parse_responsibility(statement, 0, plan) or []
