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
    """The questions structure asks, for a plan whose statements are read later by nobody (tests, tools)."""
    return StatementReader(plan).readers()


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
    """One document's statements: whether a bracket or line names bodies, and which, in the plan's jurisdiction.

    Structure asks "does this bracket name bodies?" and the tree builder then asks "which?"; both questions are
    answered by one reading, remembered per wording for this document (a plan repeats "（县市场监管局负责）" many
    times) and moved to each occurrence's offsets. Nothing outlives the parse.
    """

    def __init__(self, plan: Jurisdiction) -> None:
        self.plan = plan
        self._seen: dict[tuple[str, str], list[AgencyRef] | None] = {}

    def readers(self) -> Readers:
        """The structure's view: yes/no questions answered from the same readings the builder uses."""
        plan = self.plan
        return Readers(
            is_responsibility=lambda inner: self._reading("bracket", inner) is not None,
            leading_clause=lambda text, pos: _leading_clause(text, pos, plan),
            agency_subject=lambda text, pos: bool(_subject(text, pos, plan)),
            agency_heading=lambda line: self._reading("heading", line) is not None,
            has_target=lambda text: bool(extract_indicators(text, 0)),
        )

    def read(self, text: str, node: RawNode) -> list[AgencyRef]:
        """The bodies named by a task unit's statement (offsets into ``text``)."""
        if node.resp_kind == "subject":
            return _subject(text, node.start, self.plan)
        if node.resp is None:
            return []
        a, b = node.resp
        kind = "bracket" if node.resp_kind == "label" else node.resp_kind or "bracket"
        found = self._reading(kind, text[a:b]) or []
        return [r.model_copy(update={"span": (r.span[0] + a, r.span[1] + a)}) for r in found]

    def _reading(self, kind: str, statement: str) -> list[AgencyRef] | None:
        key = (kind, statement)
        if key not in self._seen:
            self._seen[key] = _read(statement, kind, self.plan)
        return self._seen[key]


def _read(statement: str, kind: str, plan: Jurisdiction) -> list[AgencyRef] | None:
    if kind == "leading":
        found = agencies.parse_leading_clause(statement, 0, plan)
        return None if found is None else found[0]
    if kind == "heading":
        return agencies.parse_agency_heading(statement, 0, plan)
    return agencies.parse_responsibility(statement, 0, plan)
