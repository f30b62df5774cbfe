"""Alignment scored against a generated corpus's truth: precision, recall and hits@3 of the stored links.

The truth names a task by its plan's file and its position (the n-th task unit the parser returns is the n-th
of the truth), so the parse step keeps, per file, the ids of its task units in order with their enclosing
items and sections (``task_map``). A link counts as right when it points at the task's parent measure or at an
item or section enclosing it (the aligner may cite "河北省 measure 24" rather than its first task unit), or at
a measure further up the truth's chain (a county task linked to the national measure its city's task re-words
implements it too, through the chain). Recall and hits@3 ask for the direct parent only.
"""
from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from policygraph.benchmark.truth import TruthPlan, TruthTask, read_truth
from policygraph.graph.model import Edge
from policygraph.graph.store import Store
from policygraph.loaders.model import PlanTree

TaskMap = dict[str, dict[str, Any]]


def task_map(trees: Iterable[tuple[str, PlanTree]]) -> TaskMap:
    """file → ``{"plan": id, "tasks": [[task id, enclosing item id, section id …], …]}`` in document order."""
    out: TaskMap = {}
    for file, tree in trees:
        parent = {m.id: m.parent_id for m in tree.measures}
        chains = []
        for m in tree.measures:
            if m.kind != "task":
                continue
            chain, up = [m.id], m.parent_id
            while up is not None:
                chain.append(up)
                up = parent.get(up)
            chains.append(chain)
        out[file] = {"plan": tree.plan.id, "tasks": chains}
    return out


def score_alignment(links: Iterable[Edge], tasks: TaskMap, corpus: Path) -> dict[str, Any]:
    """Precision, recall and hits@3 of ``links`` against ``corpus``'s truth.jsonl (see the module)."""
    files: dict[str, str] = {}
    direct: dict[str, list[list[str]]] = {}
    unmatched = 0
    records = list(read_truth(corpus))
    for r in records:
        if isinstance(r, TruthPlan):
            files[r.id] = r.file
            if r.file in tasks and len(tasks[r.file]["tasks"]) != r.tasks:
                unmatched += 1
    for r in records:
        if not isinstance(r, TruthTask) or not r.derives_from:
            continue
        low = _task(tasks, files.get(r.plan), r.task)
        parents = [c for ref in r.derives_from if (c := _task(tasks, ref.file, ref.task)) is not None]
        if low is not None and parents:
            direct[low[0]] = parents
    right_of: dict[str, set[str]] = {}

    def accepted(task: str) -> set[str]:
        """Every measure up the truth's chain from ``task``: parents, their items, their own parents …"""
        if task not in right_of:
            right_of[task] = set()
            out = set()
            for chain in direct.get(task, []):
                out |= set(chain) | accepted(chain[0])
            right_of[task] = out
        return right_of[task]

    known = {c[0] for entry in tasks.values() for c in entry["tasks"]}
    by_source: dict[str, list[Edge]] = defaultdict(list)
    for e in links:
        by_source[e.source].append(e)
    predicted = correct = 0
    for source, es in by_source.items():
        if source in known:
            predicted += len(es)
            correct += sum(1 for e in es if e.target in accepted(source))
    expected = sum(len(p) for p in direct.values())
    found = hits3 = 0
    for source, parents in direct.items():
        es = sorted(by_source.get(source, []), key=lambda e: -float(e.link.score or 0))
        targets = {e.target for e in es}
        found += sum(1 for chain in parents if targets & set(chain))
        top = {e.target for e in es[:3]}
        hits3 += any(top & set(chain) for chain in parents)
    return {"precision": correct / predicted if predicted else 0.0, "recall": found / expected if expected else 0.0,
            "hits_at_3": hits3 / len(direct) if direct else 0.0, "truth_links": expected, "scored_links": predicted,
            "plans_not_matching_truth": unmatched}


def _task(tasks: TaskMap, file: str | None, position: int) -> list[str] | None:
    entry = tasks.get(file or "")
    if entry is None or not 0 < position <= len(entry["tasks"]):
        return None
    chain: list[str] = entry["tasks"][position - 1]
    return chain


def candidate_recall(store: Store, pairs: Sequence[tuple[str, str]], sample: int = 30, seed: int = 0) -> dict[str, Any]:
    """How many of the links all-pairs scoring proposes the aligner's candidate retrieval also finds, over a
    seeded sample of (higher, lower) plan pairs: the aligner scores only each task's top-``candidates``
    measures by text cosine, and this is what that shortcut costs. Both sides use the shipped model and
    threshold; all-pairs scores every measure of the higher plan for every task."""
    from policygraph.align.scorer import Aligner, load_model
    from policygraph.align.units import higher_units, lower_units
    from policygraph.graph.readback import plan_tree

    chosen = sorted(random.Random(seed).sample(list(pairs), min(sample, len(pairs))))
    model = load_model()
    found = total = 0
    for h, lo in chosen:
        high, low = higher_units(plan_tree(store, h)), lower_units(plan_tree(store, lo))
        every = Aligner(high, model=dataclasses.replace(model, candidates=max(1, len(high))))
        top = Aligner(high, model=model)
        wanted = {(p.source, p.target) for p in every.align(low)}
        got = {(p.source, p.target) for p in top.align(low)}
        found += len(wanted & got)
        total += len(wanted)
    return {"candidate_recall": found / total if total else 1.0, "candidate_pairs": len(chosen),
            "candidate_links": total, "candidates": model.candidates}
