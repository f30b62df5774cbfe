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
    """
    return Readers(
        is_responsibility=agencies.is_responsibility,
        leading_clause=lambda text, pos: _leading_clause(text, pos, plan),
        agency_subject=lambda text, pos: bool(_subject(text, pos, plan)),
        agency_heading=lambda line: agencies.parse_agency_heading(line, 0, plan) is not None,
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


def read_statement(text: str, node: RawNode, plan: Jurisdiction) -> list[AgencyRef]:
    """The bodies named by a task unit's statement, in the plan's jurisdiction (offsets into ``text``)."""
    if node.resp is None:
        return []
    a, b = node.resp
    if node.resp_kind == "leading":
        found = agencies.parse_leading_clause(text[a:b], a, plan)
        return [] if found is None else found[0]
    if node.resp_kind == "heading":
        return agencies.parse_agency_heading(text[a:b], a, plan) or []
    return agencies.parse_responsibility(text[a:b], a, plan) or []


def read_subject(text: str, node: RawNode, plan: Jurisdiction) -> list[AgencyRef]:
    """The body a subject-led sentence names, responsible ("省农业厅做好…")."""
    return _subject(text, node.start, plan)
