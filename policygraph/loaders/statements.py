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

_PLACEHOLDER = Jurisdiction(name="XX县", level="county", parents=[], anonymised=True)
# How far into a sentence its subject (a body's name) may reach: "福建出入境检验检疫局" is ten characters.
_MAX_SUBJECT = 24


def _leading_clause(text: str, pos: int) -> int | None:
    if not hasattr(agencies, "parse_leading_clause"):  # TEMP until the agency reader has it
        return None
    found = agencies.parse_leading_clause(text[pos:pos + agencies.MAX_INNER], 0, _PLACEHOLDER)
    return None if found is None else pos + found[1]


def _agency_subject(text: str, pos: int) -> bool:
    """A sentence that opens with a known body as its subject ("省农业厅做好全省…")."""
    window = text[pos:pos + _MAX_SUBJECT]
    if not hasattr(agencies, "parse_agency_heading"):  # TEMP
        return False
    for end in range(len(window), 1, -1):
        if window[end - 1] in "局厅委办部院会府" and agencies.parse_agency_heading(window[:end], 0, _PLACEHOLDER):
            return True
    return False


def _agency_heading(line: str) -> bool:
    if not hasattr(agencies, "parse_agency_heading"):  # TEMP
        return False
    return agencies.parse_agency_heading(line, 0, _PLACEHOLDER) is not None


def _has_target(text: str) -> bool:
    return bool(extract_indicators(text, 0))


READERS = Readers(
    is_responsibility=agencies.is_responsibility,
    leading_clause=_leading_clause,
    agency_subject=_agency_subject,
    agency_heading=_agency_heading,
    has_target=_has_target,
)


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
    window = text[node.start:node.start + _MAX_SUBJECT]
    for end in range(len(window), 1, -1):
        if window[end - 1] in "局厅委办部院会府":
            found = agencies.parse_agency_heading(window[:end], node.start, plan)
            if found:
                return found
    return []
