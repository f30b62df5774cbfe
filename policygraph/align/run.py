"""Run the aligner over a store: which plan pairs to compare, scope, and writing the links.

Pairs: every (higher, lower) plan where the higher plan's level is above the lower one's. ``scope`` is
``within`` when the lower plan's jurisdiction lies inside the higher plan's (XX县 under 河北省) and ``cross``
otherwise (西平县 against 河北省: a comparison between places). Incremental: aligning a set of plans touches
only the pairs that include one of them. Only ``inferred`` links are ever replaced; reviewed links stay, a
pair whose latest review is a rejection is never re-created, and a confirmed one comes back confirmed (the store
enforces all three; links a reviewer added by hand are proposed again here, from the review log).

Resumable: each pair's links are written in one transaction together with the document versions the pair was
aligned at (``Store.aligned_versions``), so ``pending_only`` aligns exactly the pairs that a killed run (or a
load of a new version) left undone, and ``policygraph load`` run again finishes what a killed one left.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from policygraph.align.scorer import Aligner, Proposal
from policygraph.align.units import higher_units, lower_units
from policygraph.graph.model import Edge, edge_id, manual_link
from policygraph.graph.readback import plan_tree
from policygraph.graph.store import ReviewRecord, Store
from policygraph.loaders.model import LEVEL_RANK, PlanTree


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


def scope_of(higher: PlanTree, lower: PlanTree) -> str:
    """``within`` when the lower plan's place is the higher plan's place or lies inside it."""
    hj, lj = higher.plan.jurisdiction, lower.plan.jurisdiction
    chain = [lj.name, *lj.parents]
    return "within" if hj.name in chain else "cross"


def plan_pairs(levels: dict[str, str], plan_ids: Sequence[str] | None) -> list[tuple[str, str]]:
    """(higher, lower) pairs to align; with ``plan_ids`` only the pairs touching one of them."""
    ids = sorted(levels)
    wanted = set(plan_ids) if plan_ids is not None else None
    pairs = []
    for h in ids:
        for lo in ids:
            if LEVEL_RANK[levels[h]] < LEVEL_RANK[levels[lo]] and (wanted is None or h in wanted or lo in wanted):
                pairs.append((h, lo))
    return pairs


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
                progress: Callable[[str], None] | None = None, pending_only: bool = False) -> AlignResult:
    """Align the given plans against the graph (all plans when None) and write the links.

    With ``pending_only`` only the pairs not yet aligned at the current document versions (``pending_pairs``).
    Inferred links carry no timestamp, so the same input always gives identical links.
    """
    levels = {p.id: str(p.props.get("level")) for p in store.plans() if p.props.get("level") in LEVEL_RANK}
    pairs = plan_pairs(levels, plan_ids)
    if pending_only:
        pairs = pending_pairs(store, pairs)
    trees: dict[str, PlanTree] = {}
    aligners: dict[str, Aligner] = {}
    added = _hand_added(store.reviews()) if pairs else {}
    result = AlignResult(pairs=len(pairs))
    for h, lo in pairs:
        if progress:
            progress(f"{h} ← {lo}")
        higher = trees.setdefault(h, plan_tree(store, h))
        lower = trees.setdefault(lo, plan_tree(store, lo))
        aligner = aligners.get(h)
        if aligner is None:
            aligner = aligners[h] = Aligner(higher_units(higher), threshold=threshold)
        scope = scope_of(higher, lower)
        proposals = aligner.align(lower_units(lower))
        links = [_link(p, scope, aligner.method, h, lo) for p in proposals]
        links += _readded(added, lower, higher, scope, {(e.source, e.target) for e in links})
        plan_link = _plan_link(higher, lower, scope, aligner.method)
        if plan_link is not None:
            links.append(plan_link)
            result.plan_links += 1
        versions = {h: higher.plan.content_hash, lo: lower.plan.content_hash}
        written = store.replace_inferred_links([lo], [h], links, versions)
        result.links += written - (1 if plan_link is not None else 0)
        if scope == "within":
            result.within += len(proposals)
        else:
            result.cross += len(proposals)
        result.per_pair.append((h, lo, written))
    return result


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
        props={"score": round(float(p.score), 4), "label": p.label, "status": "inferred", "method": method,
               "scope": scope, "evidence": p.evidence, "source_plan": lower_id, "target_plan": higher_id},
    )


def _plan_link(higher: PlanTree, lower: PlanTree, scope: str, method: str) -> Edge | None:
    """Plan-level DERIVES_FROM: for places within the higher plan's, or when the lower plan cites it by title."""
    cited = any(c.title == higher.plan.title for m in lower.measures for c in m.citations)
    if scope != "within" and not cited:
        return None
    basis = "citation" if cited else "jurisdiction"
    return Edge(
        id=edge_id("DERIVES_FROM", lower.plan.id, higher.plan.id), type="DERIVES_FROM", source=lower.plan.id,
        target=higher.plan.id, doc=None,
        props={"level": "plan", "status": "inferred", "scope": scope, "basis": basis, "method": method,
               "source_plan": lower.plan.id, "target_plan": higher.plan.id},
    )
