"""``policygraph eval alignment``: the dev figures measured the way users get links — through a store.

The documents the gold names are loaded into a temporary embedded store and aligned by the same code path as
``policygraph load``; the links are then read back from the store and scored with the gold header's rules.
hits@k ranks each unit's best-scored predicted parents: the scorer's top candidates for the task, computed on
the trees read back from the store (so a threshold change does not move hits@k, as with plain TF-IDF baselines).
``linked_hits`` gives the stricter variant over the stored, thresholded links only.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from policygraph.align.run import align_plans
from policygraph.align.scorer import Aligner, Proposal
from policygraph.align.units import higher_units, lower_units
from policygraph.errors import InputError
from policygraph.evaluation.alignment import AlignmentScores, evaluate, load_gold
from policygraph.ingest import load_paths
from policygraph.graph.readback import plan_tree
from policygraph.graph.sqlite_store import SqliteStore


def run_store_eval(gold_path: Path, corpus_dir: Path,
                   threshold: float | None = None) -> tuple[AlignmentScores, AlignmentScores]:
    """Load the gold's documents into a temporary store, align, and score the stored links.

    Returns the scores with hits@k over the scorer's ranking, and the same with hits@k over stored links only.
    """
    try:
        gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
        docs = [gold["province_doc"], *sorted({u["doc"] for u in gold["units"]})]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(str(gold_path), f"cannot read the alignment gold file ({exc})") from exc
    missing = [d for d in docs if not (Path(corpus_dir) / d).is_file()]
    if missing:
        raise InputError(str(corpus_dir), f"the gold names documents not in this folder: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "eval.db")
        try:
            summary = load_paths(store, [Path(corpus_dir) / d for d in docs])
            if summary.skipped:
                raise InputError(str(corpus_dir), "; ".join(summary.skipped))
            ids = {Path(t.plan.source).name: t.plan.id for t in summary.trees}
            align_plans(store, threshold=threshold)
            trees = {doc: plan_tree(store, ids[doc]) for doc in docs}
            province = ids[gold["province_doc"]]
            links = [e for e in store.links() if e.link.target_plan == province and e.link.live]
        finally:
            store.close()
    proposals = [Proposal(e.source, e.target, float(e.link.score or 0), str(e.link.label), e.link.evidence)
                 for e in links]
    linked: dict[str, list[Proposal]] = {}
    for p in sorted(proposals, key=lambda p: (-p.score, p.target)):
        linked.setdefault(p.source, []).append(p)
    lower = {d: t for d, t in trees.items() if d != gold["province_doc"]}
    higher = higher_units(trees[gold["province_doc"]])
    ranked = Aligner(higher, threshold=threshold).rank_all([u for t in lower.values() for u in lower_units(t)], 3)
    units = load_gold(gold_path, lower)
    return evaluate(proposals, ranked, units, higher), evaluate(proposals, linked, units, higher)
