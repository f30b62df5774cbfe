"""Run the aligner over a store: which plan pairs to compare, scope, and writing the links.

Pairs: a lower plan is compared with the higher plans of its own chain, its city's, its province's and the
nation's (``within``: XX县 under 河北省). Only a plan whose chain has no higher plan in the store is compared
with every higher plan (``cross``: 西平县 against 河北省, since no 河南省 or 驻马店市 plan is loaded). That is the
default scope, ``auto``; ``within`` never crosses, ``cross`` compares every lower plan with every higher one
(at 1,000 plans that made 136,749 of 146,275 links cross-province, and cascades of thousands of rows).
Pairs the scope leaves out lose their inferred links (a 天津市 plan loaded later ends 河北区's cross links to
河北省). Incremental: aligning a set of plans touches only the pairs that include one of them. Only
``inferred`` links are ever replaced; reviewed links stay, a pair whose latest review is a rejection is never
re-created, and a confirmed one comes back confirmed (the store enforces all three; links a reviewer added by
hand are proposed again here, from the review log).

Resumable: each pair's links are written in one transaction together with the document versions the pair was
aligned at (``Store.aligned_versions``), so ``pending_only`` aligns exactly the pairs that a killed run (or a
load of a new version) left undone, and ``policygraph load`` run again finishes what a killed one left.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from policygraph.align.scorer import Aligner, Proposal
from policygraph.align.units import higher_units, lower_units
from policygraph.errors import InputError
from policygraph.graph.model import Edge, edge_id, manual_link
from policygraph.graph.readback import plan_tree
from policygraph.graph.records import LinkRecord
from policygraph.graph.places import PlanPlace, contains, plan_places, scope_of
from policygraph.graph.store import ReviewRecord, Store
from policygraph.loaders.model import LEVEL_RANK, Jurisdiction, PlanTree


@dataclass
class AlignResult:
    """What an alignment run did, for the CLI summary."""

    pairs: int = 0
    links: int = 0
    within: int = 0
    cross: int = 0
    plan_links: int = 0
    per_pair: list[tuple[str, str, int]] = field(default_factory=list)

    def line(self) -> str:
        return (f"aligned {self.pairs} plan pairs: {self.links} DERIVES_FROM links "
                f"({self.within} within, {self.cross} cross), {self.plan_links} plan-level links")


SCOPES = ("auto", "within", "cross")
Scope = Literal["auto", "within", "cross"]
#: Recorded as the versions of a pair its scope left out, so a later run in a wider scope aligns it again.
_OUT_OF_SCOPE = ""


def plan_pairs(places: dict[str, PlanPlace], plan_ids: Sequence[str] | None,
               scope: Scope = "auto") -> list[tuple[str, str]]:
    """(higher, lower) pairs to align in ``scope`` (see the module); with ``plan_ids`` only the pairs touching
    one of them."""
    ids = sorted(places)
    wanted = set(plan_ids) if plan_ids is not None else None
    rank = {pid: LEVEL_RANK[p.level] for pid, p in places.items()}
    by_name: dict[str, list[str]] = {}
    for pid in ids:
        by_name.setdefault(places[pid].name, []).append(pid)
    nations = [pid for pid in ids if places[pid].level == "national"]
    pairs = []
    for lo in ids:
        low = places[lo]
        # Plans of the chain by place name (not every plan against every plan: 3,210 plans are 10 million pairs).
        own = {h for name in (low.name, *low.parents) for h in by_name.get(name, [])} | set(nations)
        own = {h for h in own if rank[h] < rank[lo]}
        if scope == "cross" or (scope == "auto" and not own):
            chosen = [h for h in ids if rank[h] < rank[lo]]
        else:
            chosen = sorted(own)
        pairs += [(h, lo) for h in chosen if wanted is None or h in wanted or lo in wanted]
    return sorted(pairs)


def pending_pairs(store: Store, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (higher, lower) pairs not yet aligned at the documents' current versions."""
    hashes = store.document_hashes()
    done = store.aligned_versions()
    out = []
    for h, lo in pairs:
        v = done.get((lo, h))
        if v is None or (v.source_hash, v.target_hash) != (hashes.get(lo), hashes.get(h)):
            out.append((h, lo))
    return out


def align_plans(store: Store, plan_ids: Sequence[str] | None = None, threshold: float | None = None,
                progress: Callable[[str], None] | None = None, pending_only: bool = False,
                scope: Scope = "auto") -> AlignResult:
    """Align the given plans against the graph (all plans when None) in ``scope`` and write the links.

    With ``pending_only`` only the pairs not yet aligned at the current document versions (``pending_pairs``).
    Inferred links carry no timestamp, so the same input always gives identical links.

    >>> align_plans(store).line()  # doctest: +SKIP
    'aligned 4 plan pairs: 181 DERIVES_FROM links (36 within, 145 cross), 1 plan-level links'
    """
    if scope not in SCOPES:
        raise InputError("scope", f"unknown alignment scope {scope!r}: use one of {', '.join(SCOPES)}")
    places = plan_places(store)
    all_pairs = plan_pairs(places, plan_ids, scope)
    _drop_out_of_scope(store, places, plan_ids, set(all_pairs))
    pairs = pending_pairs(store, all_pairs) if pending_only else all_pairs
    # Each lower plan's pairs in a row, so that its tree is read once and dropped after them; only the trees of
    # higher plans (a few hundred in a national corpus) stay, with their aligners (keeping every county's tree
    # took a 3,200-plan alignment past 5 GB).
    pairs = sorted(pairs, key=lambda p: (p[1], p[0]))
    highers = {h for h, _ in pairs}
    trees: dict[str, PlanTree] = {}
    aligners: dict[str, Aligner] = {}
    added = _hand_added(store.reviews()) if pairs else {}
    result = AlignResult(pairs=len(pairs))
    lower: PlanTree | None = None
    for h, lo in pairs:
        if progress:
            progress(f"{h} ← {lo}")
        higher = trees.get(h)
        if higher is None:
            higher = trees[h] = plan_tree(store, h)
        if lower is None or lower.plan.id != lo:
            lower = trees[lo] if lo in trees else plan_tree(store, lo)
            if lo in highers:
                trees[lo] = lower
        aligner = aligners.get(h)
        if aligner is None:
            aligner = aligners[h] = Aligner(higher_units(higher), threshold=threshold)
        pair_scope = scope_of(higher, lower)
        proposals = aligner.align(lower_units(lower))
        links = [_link(p, pair_scope, aligner.method, h, lo) for p in proposals]
        links += _readded(added, lower, higher, pair_scope, {(e.source, e.target) for e in links})
        plan_link = _plan_link(higher, lower, pair_scope, aligner.method)
        if plan_link is not None:
            links.append(plan_link)
            result.plan_links += 1
        versions = {h: higher.plan.content_hash, lo: lower.plan.content_hash}
        written = store.replace_inferred_links([lo], [h], links, versions)
        result.links += written - (1 if plan_link is not None else 0)
        if pair_scope == "within":
            result.within += len(proposals)
        else:
            result.cross += len(proposals)
        result.per_pair.append((h, lo, written))
    return result


def _drop_out_of_scope(store: Store, places: dict[str, PlanPlace], plan_ids: Sequence[str] | None,
                       in_scope: set[tuple[str, str]]) -> None:
    """Remove the inferred links of pairs aligned before that this scope leaves out, and mark them aligned at no
    version (the store has no "forget"), so that a run whose scope takes them in again re-aligns them."""
    wanted = set(plan_ids) if plan_ids is not None else None
    for (lo, h), v in sorted(store.aligned_versions().items()):
        if (h, lo) in in_scope or lo not in places or h not in places or v.source_hash == _OUT_OF_SCOPE:
            continue
        if wanted is not None and h not in wanted and lo not in wanted:
            continue
        store.replace_inferred_links([lo], [h], [], {lo: _OUT_OF_SCOPE, h: _OUT_OF_SCOPE})


def _hand_added(log: list[ReviewRecord]) -> dict[tuple[str, str], ReviewRecord]:
    """Pairs whose latest decision in the review log is a link a reviewer added by hand."""
    latest: dict[tuple[str, str], ReviewRecord] = {}
    for r in log:
        latest[(r.source, r.target)] = r
    return {pair: r for pair, r in latest.items() if r.decision == "added"}


def _readded(added: dict[tuple[str, str], ReviewRecord], lower: PlanTree, higher: PlanTree, scope: str,
             proposed: set[tuple[str, str]]) -> list[Edge]:
    """Hand-added links between these two plans that the aligner did not propose, as the reviewer added them
    (a document deleted and uploaded again gets them back; the store applies the log's reviewer and time)."""
    if not added:
        return []
    low, high = {m.id for m in lower.measures}, {m.id for m in higher.measures}
    return [manual_link(s, t, lower.plan.id, higher.plan.id, scope, r.reviewer, r.at, r.note)
            for (s, t), r in sorted(added.items()) if s in low and t in high and (s, t) not in proposed]


def _link(p: Proposal, scope: str, method: str, higher_id: str, lower_id: str) -> Edge:
    return Edge(
        id=edge_id("DERIVES_FROM", p.source, p.target), type="DERIVES_FROM", source=p.source, target=p.target,
        doc=None,
        props=LinkRecord(score=round(float(p.score), 4), label=p.label, status="inferred", method=method,
                         scope=scope, evidence=p.evidence, source_plan=lower_id, target_plan=higher_id).fields(),
    )


def _plan_link(higher: PlanTree, lower: PlanTree, scope: str, method: str) -> Edge | None:
    """A plan-level link (PLAN_DERIVES_FROM): for places within the higher plan's, or when the lower plan cites
    it by title."""
    cited = any(c.title == higher.plan.title for m in lower.measures for c in m.citations)
    if scope != "within" and not cited:
        return None
    basis = "citation" if cited else "jurisdiction"
    return Edge(
        id=edge_id("PLAN_DERIVES_FROM", lower.plan.id, higher.plan.id), type="PLAN_DERIVES_FROM",
        source=lower.plan.id, target=higher.plan.id, doc=None,
        props=LinkRecord(status="inferred", scope=scope, basis=basis, method=method, source_plan=lower.plan.id,
                         target_plan=higher.plan.id).fields(),
    )
