"""Chinese-aware full-text search over measures, agencies, indicators and laws.

The store's full-text index (``Store.search_text``: FTS5 over character bigrams in the embedded store, the
``cjk`` analyzer in Neo4j — see ``graph/textindex.py``) gives candidates; every hit is then checked here as an
exact substring, with its offsets, so both stores give the same hits. Terms are separated by spaces and all
must match. Ranking is BM25 over the exact occurrences among the hits. Nothing is built or cached in memory:
a query costs one index read and a batch of lookups for the hits' plans.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import InputError
from policygraph.graph.model import Node
from policygraph.graph.store import Store
from policygraph.graph.textindex import KINDS, contains_all, fold, searched_text
from policygraph.queries.models import Listing, PlanRef
from policygraph.queries.snapshot import Snapshot, snapshot

SNIPPET_RADIUS = 30
#: Candidates asked of the store's index per query (its best first); hits are at most this many. A common word
#: matches tens of thousands of measures at national scale; nobody reads past the first few hundred, and every
#: candidate costs a check and a snippet.
CANDIDATES = 500
_K1, _B = 1.2, 0.75
_KIND_OF = {label: kind for kind, label in KINDS.items()}


class SearchHit(BaseModel):
    """A matching node, its score, where the query matched (offsets into ``text``) and a marked snippet."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "measure", "id": "m-47e9788474d8e142", "title": "完善农产品质量安全追溯体系", "ref": "河北省#24",
        "plan": None, "score": 3.2, "matches": [[9, 11]],
        "snippet": "完善农产品质量安全<mark>追溯</mark>体系。深入开展…"}]})
    kind: str = Field(description="measure | agency | indicator | law")
    id: str
    title: str
    ref: str | None = None
    plan: PlanRef | None = None
    score: float
    matches: list[list[int]] = Field(description="[start, end) offsets of every match in the searched text")
    snippet: str = Field(description="HTML-escaped text around the first match, matches wrapped in <mark></mark>")


class SearchResults(Listing):
    query: str = Field(examples=["追溯"])
    items: list[SearchHit] = Field(default_factory=list)
    complete: bool = Field(default=True, description="false when the index had more candidates than the "
                           f"{CANDIDATES} best it was asked for: narrow the query or filter by level or place")


@dataclass
class _Doc:
    kind: str
    id: str
    title: str
    text: str
    ref: str | None
    plan: PlanRef | None
    contexts: list[tuple[str, str, int | None]]  # (level, jurisdiction, year) of the plans it appears in


def search(store: Store, q: str, level: str | None = None, jurisdiction: str | None = None,
           year: int | None = None, kind: str | None = None) -> SearchResults:
    """Ranked hits for ``q`` (space-separated terms, all must match), optionally filtered by plan context.

    >>> search(store, "追溯").items[0].snippet                  # doctest: +SKIP
    '…农产品质量安全<mark>追溯</mark>体系…'
    """
    terms = [fold(t) for t in q.split()]
    if not terms:
        raise InputError("q", "the search query is empty; give one or more words, e.g. q=追溯")
    if kind is not None and kind not in KINDS:
        raise InputError("kind", f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    snap = snapshot(store)
    candidates = store.search_text(terms, [kind] if kind else None, CANDIDATES)
    found = [n for n in candidates if contains_all(n, terms)]
    # A task unit's reference is its item's number: read the items in one batch, not one by one.
    snap.prefetch_nodes(str(n.measure.parent_id) for n in found if n.label == "Measure" and n.measure.parent_id)
    filtered = level is not None or jurisdiction is not None or year is not None
    docs = [d for n in found if _passes(d := _doc(snap, n, filtered), level, jurisdiction, year)]
    avg_len = sum(len(d.text) for d in docs) / max(1, len(docs))
    hits = [_hit(len(docs), avg_len, d, _find_all(fold(d.text), terms)) for d in docs]
    hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    return SearchResults(query=q, items=hits, total=len(hits), complete=len(candidates) < CANDIDATES)


def _doc(snap: Snapshot, n: Node, with_contexts: bool) -> _Doc:
    """A hit with what it shows and, when a filter asks, the plans it appears in."""
    text = searched_text(n) or ""
    plan_id = n.measure.plan_id if n.label == "Measure" else n.indicator.plan_id if n.label == "Indicator" else None
    plans: set[str] = set()
    if plan_id is not None:
        plans = {plan_id}
    elif with_contexts and n.label == "Agency":
        plans = {t.measure.plan_id for e in snap.out("RESPONSIBLE_FOR", n.id) if (t := snap.measure(e.target))}
    elif with_contexts and n.label == "Law":
        plans = {t.measure.plan_id for e in snap.into("CITES", n.id) if (t := snap.measure(e.source))}
    contexts = [(pl.plan.level, pl.plan.jurisdiction, pl.plan.year)
                for pid in sorted(plans) if (pl := snap.plan(pid)) is not None]
    if n.label == "Agency":  # an agency's level and place are its own, the year its plans'
        contexts = [(n.agency.level, str(n.agency.jurisdiction), c[2]) for c in contexts]
    kind = _KIND_OF[n.label]
    title = n.measure.title if kind == "measure" else text
    return _Doc(kind, n.id, title, text, snap.measure_ref(n) if kind == "measure" else None,
                snap.plan_ref(plan_id) if plan_id else None, contexts)


def _passes(doc: _Doc, level: str | None, jurisdiction: str | None, year: int | None) -> bool:
    if level is None and jurisdiction is None and year is None:
        return True
    return any((level is None or c[0] == level) and (jurisdiction is None or c[1] == jurisdiction)
               and (year is None or c[2] == year) for c in doc.contexts)


def _find_all(text: str, terms: list[str]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for t in terms:
        spans, start = [], text.find(t)
        while start >= 0:
            spans.append((start, start + len(t)))
            start = text.find(t, start + len(t))
        if spans:
            out[t] = spans
    return out


def _hit(n: int, avg_len: float, doc: _Doc, spans: dict[str, list[tuple[int, int]]]) -> SearchHit:
    """BM25 over the hits: every hit holds every term, so the order is by occurrences and text length."""
    idf = math.log(1 + 0.5 / (n + 0.5)) + 1.0
    score = 0.0
    for occ in spans.values():
        tf = len(occ)
        score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * len(doc.text) / max(avg_len, 1.0)))
    flat = sorted(s for occ in spans.values() for s in occ)
    return SearchHit(kind=doc.kind, id=doc.id, title=doc.title, ref=doc.ref, plan=doc.plan, score=round(score, 4),
                     matches=[list(s) for s in flat], snippet=_snippet(doc.text, flat))


def _snippet(text: str, spans: list[tuple[int, int]]) -> str:
    """Text around the first match, every match inside the window marked; ``…`` where the text was cut."""
    lo = max(0, spans[0][0] - SNIPPET_RADIUS)
    hi = min(len(text), spans[0][1] + SNIPPET_RADIUS)
    out, pos = [], lo
    for s, e in spans:
        if s < pos or e > hi:
            continue
        out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        pos = e
    out.append(html.escape(text[pos:hi]))
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")
