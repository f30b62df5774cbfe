"""Chinese-aware full-text search over measures, agencies, indicators and laws.

Chinese has no spaces, so the index is over characters: a posting list per character bigram (and per single
character, for one-character queries). A query term's candidates are the documents holding all its bigrams;
each candidate is then checked with ``str.find`` so every hit is an exact substring with its offsets. Terms
are separated by spaces and all must match. Ranking is BM25 over the exact occurrences.

The index is built from the store's public methods once per *store version* — the set of (plan id, content
hash) pairs — and cached per store object, so a request costs one ``plans()`` call plus the lookups.
"""
from __future__ import annotations

import html
import math
import weakref
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import InputError
from policygraph.graph.store import Store
from policygraph.queries.models import Listing, PlanRef
from policygraph.queries.snapshot import Snapshot, snapshot

SNIPPET_RADIUS = 30
_K1, _B = 1.2, 0.75


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


@dataclass
class _Doc:
    kind: str
    id: str
    title: str
    text: str
    ref: str | None
    plan: PlanRef | None
    contexts: list[tuple[str, str, int | None]]  # (level, jurisdiction, year) of the plans it appears in


@dataclass
class SearchIndex:
    """Documents and their character-bigram postings."""

    docs: list[_Doc] = field(default_factory=list)
    postings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    avg_len: float = 1.0

    def add(self, doc: _Doc) -> None:
        i = len(self.docs)
        self.docs.append(doc)
        text = _fold(doc.text)
        for k in range(len(text)):
            self.postings[text[k]].add(i)
            if k + 1 < len(text):
                self.postings[text[k:k + 2]].add(i)

    def candidates(self, term: str) -> set[int]:
        keys = [term] if len(term) == 1 else [term[k:k + 2] for k in range(len(term) - 1)]
        sets = [self.postings.get(k, set()) for k in keys]
        return set.intersection(*sets) if sets else set()


_CACHE: weakref.WeakKeyDictionary[Store, tuple[tuple[tuple[str, str], ...], SearchIndex]] = \
    weakref.WeakKeyDictionary()


def search(store: Store, q: str, level: str | None = None, jurisdiction: str | None = None,
           year: int | None = None, kind: str | None = None) -> SearchResults:
    """Ranked hits for ``q`` (space-separated terms, all must match), optionally filtered by plan context.

    >>> search(store, "追溯").items[0].snippet                  # doctest: +SKIP
    '…农产品质量安全<mark>追溯</mark>体系…'
    """
    terms = [_fold(t) for t in q.split()]
    if not terms:
        raise InputError("q", "the search query is empty; give one or more words, e.g. q=追溯")
    index = search_index(store)
    hits = []
    for i in set.intersection(*(index.candidates(t) for t in terms)):
        doc = index.docs[i]
        if not _passes(doc, level, jurisdiction, year, kind):
            continue
        spans = _find_all(_fold(doc.text), terms)
        if len(spans) == len(terms):
            hits.append(_hit(index, doc, spans))
    hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    return SearchResults(query=q, items=hits, total=len(hits))


def search_index(store: Store) -> SearchIndex:
    """The cached index for the store's current version, rebuilt when a document was added or changed."""
    version = tuple(sorted((p.id, str(p.props.get("content_hash"))) for p in store.plans()))
    cached = _CACHE.get(store)
    if cached is not None and cached[0] == version:
        return cached[1]
    index = _build(snapshot(store))
    _CACHE[store] = (version, index)
    return index


def _build(snap: Snapshot) -> SearchIndex:
    index = SearchIndex()
    ctx = {pid: (str(p.props.get("level")), str(p.props.get("jurisdiction")), p.props.get("year"))
           for pid, p in snap.nodes("Plan").items()}
    for m in snap.nodes("Measure").values():
        pid = str(m.props.get("plan_id"))
        parent = snap.measure(str(m.props.get("parent_id")))
        if parent is not None and parent.props.get("text") == m.props.get("text"):
            continue  # an item's only task unit repeats the item's text: one hit is enough
        index.add(_Doc("measure", m.id, m.props.get("title", ""), m.props.get("text", ""), snap.measure_ref(m),
                       snap.plan_ref(pid), [ctx[pid]] if pid in ctx else []))
    for a in snap.nodes("Agency").values():
        plans = {str(t.props.get("plan_id")) for e in snap.out("RESPONSIBLE_FOR", a.id) if (t := snap.measure(e.target))}
        contexts = [(str(a.props.get("level")), str(a.props.get("jurisdiction")), ctx[p][2]) for p in plans if p in ctx]
        index.add(_Doc("agency", a.id, a.props["name"], a.props["name"], None, None, contexts))
    for i in snap.nodes("Indicator").values():
        pid = str(i.props.get("plan_id"))
        index.add(_Doc("indicator", i.id, i.props["metric"], i.props["metric"], None, snap.plan_ref(pid),
                       [ctx[pid]] if pid in ctx else []))
    for law in snap.nodes("Law").values():
        plans = {str(t.props.get("plan_id")) for e in snap.into("CITES", law.id) if (t := snap.measure(e.source))}
        index.add(_Doc("law", law.id, law.props["title"], law.props["title"], None, None,
                       [ctx[p] for p in plans if p in ctx]))
    index.avg_len = sum(len(d.text) for d in index.docs) / max(1, len(index.docs))
    return index


def _passes(doc: _Doc, level: str | None, jurisdiction: str | None, year: int | None, kind: str | None) -> bool:
    if kind is not None and doc.kind != kind:
        return False
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


def _hit(index: SearchIndex, doc: _Doc, spans: dict[str, list[tuple[int, int]]]) -> SearchHit:
    n = len(index.docs)
    score = 0.0
    for t, occ in spans.items():
        df = len(index.candidates(t)) or 1
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        tf = len(occ)
        score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * len(doc.text) / index.avg_len))
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


def _fold(text: str) -> str:
    """Lower-case ASCII only, so offsets into the folded text are offsets into the original."""
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)
