"""Reviewing DERIVES_FROM links: confirm or reject what the aligner inferred, add what it missed, list them.

A decision is written on the link itself (status, reviewed_by, reviewed_at, note) and appended to the review
log in one transaction (``store.put_reviewed_link``). The store never lets an alignment run replace a
reviewed link or re-create a rejected pair, and it re-applies confirmations from the log, so a decision
outlives reloads, re-alignment, and deleting and uploading a document again.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import Conflict, InputError, NotFound
from policygraph.graph.model import Edge, manual_link
from policygraph.graph.store import ReviewRecord, Store
from policygraph.loaders.model import LEVEL_RANK
from policygraph.queries.models import Hop, Listing, PlanRef
from policygraph.queries.refs import resolve_measure, resolve_plan
from policygraph.queries.snapshot import hop, Snapshot, snapshot



class LinkView(BaseModel):
    """A measure-level DERIVES_FROM link with both ends named."""

    model_config = ConfigDict(extra="forbid")
    link: Hop
    source_ref: str | None = Field(default=None, examples=["XX县2024#八"])
    target_ref: str | None = Field(default=None, examples=["河北省#24"])
    source_plan: PlanRef | None = None
    target_plan: PlanRef | None = None
    reviewed_at: str | None = Field(default=None, examples=["2024-05-01T08:00:00+00:00"])


class LinkList(Listing):
    items: list[LinkView] = Field(default_factory=list)


#: Links per page when the caller does not say (``limit``); at most ``MAX_PAGE``.
PAGE = 50
MAX_PAGE = 100_000


def list_links(store: Store, status: str | None = None, plan: str | None = None, after: str | None = None,
               limit: int | None = PAGE) -> LinkList:
    """A page of measure-level links in id order, optionally with one status or touching one plan: the links
    after the link id ``after`` (the previous page's ``next_cursor``), at most ``limit`` (None: up to MAX_PAGE).

    >>> {l.link.status for l in list_links(store, status="confirmed").items}   # doctest: +SKIP
    {'confirmed'}
    """
    snap = snapshot(store)
    pid = resolve_plan(snap, plan) if plan else None
    size = MAX_PAGE if limit is None else max(1, min(limit, MAX_PAGE))
    edges, total = store.link_page(status, pid, after, size + 1)  # one more tells whether a next page exists
    page = edges[:size]
    snap.prefetch_measures(x for e in page for x in (e.source, e.target))
    nxt = page[-1].id if len(edges) > size else None
    return LinkList(items=[link_view(snap, e) for e in page], total=total, next_cursor=nxt)


def get_link(store: Store, link_id: str) -> LinkView:
    snap = snapshot(store)
    return link_view(snap, find_link(store, link_id))


def review_link(store: Store, link_id: str, decision: Literal["confirm", "reject"], reviewer: str,
                note: str = "") -> LinkView:
    """Confirm or reject a link; records who and when on the link and in the review log.

    >>> review_link(store, "e-e5cf7fd40e3f2b06", "reject", "auditor").link.status   # doctest: +SKIP
    'rejected'
    """
    link = find_link(store, link_id)
    status: Literal["confirmed", "rejected"] = "confirmed" if decision == "confirm" else "rejected"
    at = _now()
    updated = link.with_fields(status=status, reviewed_by=reviewer, reviewed_at=at, note=note)
    store.put_reviewed_link(updated, ReviewRecord(source=link.source, target=link.target, decision=status,
                                                  reviewer=reviewer, at=at, note=note))
    return link_view(snapshot(store), updated)


def add_link(store: Store, source: str, target: str, reviewer: str, note: str = "") -> LinkView:
    """Add a link the aligner missed: ``source`` (lower task) implements ``target`` (higher measure); confirmed."""
    snap = snapshot(store)
    src, tgt = resolve_measure(snap, source), resolve_measure(snap, target)
    sp, tp = snap.plan(src.measure.plan_id), snap.plan(tgt.measure.plan_id)
    if sp is None or tp is None or sp.id == tp.id:
        raise InputError(f"{source} → {target}", "a link joins measures of two different plans")
    if LEVEL_RANK.get(sp.plan.level, 9) <= LEVEL_RANK.get(tp.plan.level, 9):
        raise InputError(f"{source} → {target}", "the source must be a lower-level plan's measure than the target")
    existing = [e for e in store.edges("DERIVES_FROM", source=src.id, target=tgt.id)]
    if existing:
        raise Conflict(f"link {existing[0].id} already joins these measures; review it instead",
                       link_id=existing[0].id)
    at = _now()
    link = manual_link(src.id, tgt.id, sp.id, tp.id, _scope(snap, sp.id, tp.id), reviewer, at, note)
    store.put_reviewed_link(link, ReviewRecord(source=src.id, target=tgt.id, decision="added", reviewer=reviewer,
                                               at=at, note=note))
    return link_view(snap, link)


def find_link(store: Store, link_id: str) -> Edge:
    """A measure-level link by id, looked up in the store's index (``Store.get_edge``)."""
    e = store.get_edge(link_id)
    if e is None or e.type != "DERIVES_FROM":
        raise NotFound(f"no DERIVES_FROM link {link_id!r}", listing="links")
    return e


def _scope(snap: Snapshot, lower: str, higher: str) -> str:
    """``within`` when the lower plan's place is the higher plan's place or inside it (as the aligner does)."""
    place = snap.plan_ref(higher).jurisdiction
    chain = [snap.plan_ref(lower).jurisdiction]
    for e in snap.out("ISSUED_BY", lower):
        j = snap.nodes("Jurisdiction").get(e.target)
        chain += list(j.place.parents) if j else []
    return "within" if place in chain else "cross"


def _plan_of(snap: Snapshot, measure_id: str) -> str | None:
    m = snap.measure(measure_id)
    return m.measure.plan_id if m else None


def link_view(snap: Snapshot, e: Edge) -> LinkView:
    src, tgt = snap.measure(e.source), snap.measure(e.target)
    sp, tp = _plan_of(snap, e.source), _plan_of(snap, e.target)
    return LinkView(link=hop(e), source_ref=snap.measure_ref(src) if src else None,
                    target_ref=snap.measure_ref(tgt) if tgt else None,
                    source_plan=snap.plan_ref(sp) if sp else None, target_plan=snap.plan_ref(tp) if tp else None,
                    reviewed_at=e.link.reviewed_at)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
