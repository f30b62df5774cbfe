"""Tie the loaders together: file → decoded text → normalised text → header → tree → enriched PlanTree.

Each step lives in its own module; this one only orders them, maps normalised offsets back to the
decoded source, and derives stable ids from content so that loading the same document twice gives the
same ids (and a measure whose text did not change keeps its id across a new version of its plan).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import TypeVar

from policygraph.errors import InputError
from policygraph.loaders.citations import extract_citations
from policygraph.loaders.decoding import Decoded, decode_bytes, decode_file
from policygraph.loaders.indicators import extract_indicators
from policygraph.loaders.model import AgencyRef, Citation, Indicator, Jurisdiction, Measure, Plan, PlanTree
from policygraph.loaders.normalising import NormalisedText, normalise
from policygraph.loaders.plan_header import detect_header
from policygraph.loaders.statements import StatementReader
from policygraph.loaders.structure import RawNode, find_structure, first_sentence

_Spanned = TypeVar("_Spanned", AgencyRef, Indicator, Citation)


def parse_file(path: str | Path) -> PlanTree:
    """Parse one document of any supported format into a plan tree (raises InputError on bad input)."""
    return parse_decoded(decode_file(path))


def parse_upload(data: bytes, name: str) -> PlanTree:
    """Parse bytes received over HTTP; ``name`` gives the format by its suffix and names the file in errors."""
    return parse_decoded(decode_bytes(data, name))


def parse_decoded(decoded: Decoded) -> PlanTree:
    """Parse already-decoded text; the span of every measure points into ``decoded.text``."""
    norm = normalise(decoded.text, markdown=True if decoded.source_format == "markdown" else None)
    header = detect_header(norm, decoded.text)
    # A closing signature block ("…人民政府办公厅" / date) is neither a unit nor a per-agency heading.
    body = norm.text if header.body_end is None else norm.text[: header.body_end]
    statements = StatementReader(header.jurisdiction)
    roots = find_structure(body, header.body_start, statements.readers())
    if not roots and header.title_span[1] < header.body_start:
        # A scrape that lost its line breaks: the "title line" is the whole plan. Its body starts where the title ends.
        roots = find_structure(body, header.title_span[1], statements.readers())
    if not roots:
        raise InputError(
            decoded.path,
            "no recognisable structure: expected numbered sections (一、) or items (1. / （一）); "
            "is this a policy plan?",
        )
    jurisdiction = header.jurisdiction
    plan_id = plan_identity(jurisdiction, header.year, header.title)
    plan = Plan(
        id=plan_id,
        title=header.title,
        kind=header.kind,
        year=header.year,
        jurisdiction=jurisdiction,
        issuer=header.issuer,
        source=Path(decoded.path).name,
        source_format=decoded.source_format,
        content_hash=hashlib.sha256(decoded.text.encode("utf-8")).hexdigest(),
        title_span=norm.to_source(*header.title_span),
    )
    builder = _TreeBuilder(norm, plan_id, statements, header.title)
    for order, root in enumerate(roots):
        builder.add(root, None, (), order)
    return PlanTree(plan=plan, measures=builder.measures, text=decoded.text)


def plan_identity(jurisdiction: Jurisdiction, year: int | None, title: str) -> str:
    """A plan's id: its jurisdiction (with parents, so two anonymised XX县 differ), year and title."""
    key = "|".join([jurisdiction.name, *jurisdiction.parents, str(year or ""), title])
    return "p-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


class _TreeBuilder:
    """Turns RawNodes into Measures with ids, titles, source spans, agencies, indicators and citations."""

    def __init__(self, norm: NormalisedText, plan_id: str, statements: StatementReader, title: str) -> None:
        self.norm = norm
        self.title = title
        self.statements = statements
        jurisdiction = statements.plan
        self.plan_id = plan_id
        self.jurisdiction = jurisdiction
        self.places = [jurisdiction.name, *jurisdiction.parents]
        self.measures: list[Measure] = []
        self._seen: Counter[str] = Counter()

    def add(self, node: RawNode, parent_id: str | None, path: tuple[str, ...], order: int) -> None:
        text = self.norm.text[node.start : node.end]
        label = node.number or "task"  # not the order: inserting a task must not change its siblings' ids
        mid = self._measure_id(node.kind, (*path, label), text)
        agencies: list[AgencyRef] = []
        indicators: list[Indicator] = []
        citations: list[Citation] = []
        if node.kind == "task":
            closing = node.resp is not None and node.resp_kind in ("bracket", "label")
            body_end = node.resp[0] - 1 if closing and node.resp else node.end
            found = self.statements.read(self.norm.text, node)
            agencies = [self._place_agency(a) for a in found]
            body = self.norm.text[node.start : body_end]
            indicators = [self._remap(i) for i in extract_indicators(body, node.start)]
            citations = [self._remap(c) for c in extract_citations(body, node.start, self.places, own_title=self.title)]
        self.measures.append(
            Measure(
                id=mid,
                parent_id=parent_id,
                kind=node.kind,  # type: ignore[arg-type]
                number=node.number,
                title=first_sentence(self.norm.text[node.start : node.title_end or node.end]),
                text=text,
                span=self.norm.to_source(node.start, node.end),
                order=order,
                agencies=agencies,
                indicators=indicators,
                citations=citations,
            )
        )
        for child_order, child in enumerate(node.children):
            self.add(child, mid, (*path, label), child_order)

    def _measure_id(self, kind: str, path: tuple[str, ...], text: str) -> str:
        """Content-derived: same plan, same place in the tree, same text → same id; duplicates get a suffix."""
        key = "|".join([self.plan_id, kind, *path, text])
        self._seen[key] += 1
        if self._seen[key] > 1:
            key += f"|{self._seen[key]}"
        return "m-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def _place_agency(self, a: AgencyRef) -> AgencyRef:
        """Span into the source and, for a plan converted from Traditional characters, ``as_written`` in the
        script the document used (one copy per agency: a national load copies millions of them)."""
        update: dict[str, object] = {"span": self.norm.to_source(*a.span)}
        if self.norm.written is not None:
            update["as_written"] = "".join(self.norm.as_written(*a.span).split())
        return a.model_copy(update=update)

    def _remap(self, item: _Spanned) -> _Spanned:
        """Move a span from normalised offsets to offsets into the decoded source."""
        return item.model_copy(update={"span": self.norm.to_source(*item.span)})
