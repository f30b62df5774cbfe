"""A link's evidence, as an auditor checks it: the lower task and the higher measure side by side, the phrases the
aligner found in both marked where it found them, the scores, and every review decision on the pair.

The marks come from the link's evidence spans (``key_phrases[].source_spans`` / ``target_spans``: offsets into
each measure's text, recorded by the aligner), not from matching the phrases again: what is marked is what the
score was computed from. ``next_unreviewed`` walks the queue of links still only inferred, in link-id order,
narrowed by plan, scope and score band.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import NotFound
from policygraph.graph.store import Store
from policygraph.queries.models import MeasureView
from policygraph.queries.refs import resolve_plan
from policygraph.queries.review import LinkView, find_link, link_view
from policygraph.queries.snapshot import snapshot

#: Links read per step while looking for the next one to review.
QUEUE_STEP = 500


class TextPiece(BaseModel):
    """A run of a measure's text, marked when the aligner matched it in the other measure."""

    model_config = ConfigDict(extra="forbid")
    text: str
    marked: bool = False


class ReviewEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: str = Field(examples=["confirmed"])
    reviewer: str = Field(examples=["auditor"])
    at: str = Field(examples=["2026-12-02T08:00:00+00:00"])
    note: str = ""


class LinkEvidence(BaseModel):
    """One DERIVES_FROM link with both measures, their marked texts, the aligner's figures and the review history."""

    model_config = ConfigDict(extra="forbid")
    link: LinkView
    lower: MeasureView = Field(description="the task that implements (the link's source)")
    higher: MeasureView = Field(description="the measure implemented (the link's target)")
    lower_text: list[TextPiece]
    higher_text: list[TextPiece]
    phrases: list[str] = Field(description="the key phrases found in both texts, in the aligner's order")
    subscores: dict[str, float] = Field(default_factory=dict)
    history: list[ReviewEntry] = Field(default_factory=list, description="every decision on this pair, oldest first")


def link_evidence(store: Store, link_id: str) -> LinkEvidence:
    """The evidence view of ``link_id`` (NotFound when there is no such measure-level link)."""
    snap = snapshot(store)
    edge = find_link(store, link_id)
    snap.prefetch_measures([edge.source, edge.target])
    lower, higher = snap.measure(edge.source), snap.measure(edge.target)
    if lower is None or higher is None:
        raise NotFound(f"link {link_id!r} joins a measure that is no longer stored", listing="links")
    evidence = edge.link.evidence
    found = [p for p in evidence.get("key_phrases") or [] if isinstance(p, dict)]
    lower_view, higher_view = snap.measure_view(lower), snap.measure_view(higher)
    history = [ReviewEntry(decision=r.decision, reviewer=r.reviewer, at=r.at, note=r.note)
               for r in store.reviews() if (r.source, r.target) == (edge.source, edge.target)]
    subscores = {str(k): float(v) for k, v in (evidence.get("subscores") or {}).items() if _number(v)}
    return LinkEvidence(
        link=link_view(snap, edge), lower=lower_view, higher=higher_view,
        lower_text=pieces(lower_view.text, [s for p in found for s in p.get("source_spans") or []]),
        higher_text=pieces(higher_view.text, [s for p in found for s in p.get("target_spans") or []]),
        phrases=[str(p.get("phrase", "")) for p in found if p.get("phrase")], subscores=subscores, history=history)


def pieces(text: str, spans: list[Any]) -> list[TextPiece]:
    """``text`` cut into unmarked and marked runs; spans are ``[start, end)``, clipped to the text, merged where
    they overlap or touch, and ignored when malformed."""
    ranges = sorted((max(0, int(s[0])), min(len(text), int(s[1]))) for s in spans
                    if isinstance(s, (list, tuple)) and len(s) == 2 and all(isinstance(x, int) for x in s))
    merged: list[list[int]] = []
    for start, end in ranges:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[TextPiece] = []
    at = 0
    for start, end in merged:
        if start > at:
            out.append(TextPiece(text=text[at:start]))
        out.append(TextPiece(text=text[start:end], marked=True))
        at = end
    if at < len(text) or not out:
        out.append(TextPiece(text=text[at:]))
    return out


def next_unreviewed(store: Store, after: str | None = None, plan: str | None = None, scope: str | None = None,
                    min_score: float | None = None, max_score: float | None = None) -> str | None:
    """The id of the first link after ``after`` (in link-id order) still only inferred, touching ``plan`` and with
    ``scope`` and a score in ``[min_score, max_score)`` when given; None when the queue is done."""
    pid = resolve_plan(snapshot(store), plan) if plan else None
    cursor = after
    while True:
        edges, _ = store.link_page("inferred", pid, cursor, QUEUE_STEP)
        for e in edges:
            k = e.link
            score = k.score if k.score is not None else 1.0
            if ((scope is None or k.scope == scope) and (min_score is None or score >= min_score)
                    and (max_score is None or score < max_score)):
                return e.id
        if len(edges) < QUEUE_STEP:
            return None
        cursor = edges[-1].id


def _number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
