"""Precision, recall, F1 and hits@k of proposed DERIVES_FROM links against ``alignment_dev.json``.

Scoring follows the gold file's own "about" header exactly: a predicted link (unit → measure) is correct
when the gold lists that measure for the unit as direct *or* partial; recall counts only the gold *direct*
links that were predicted; hits@k is the share of units with a direct parent whose k best-scored parents
include one. Gold units are found by snippet (the task whose text starts with it, else contains it);
gold measures are the province items' numbers ("24"), and a proposal's target maps to its item number.
Measure 2 (the goals above the first section of 001) is not a measure the loader creates: its gold links
stay in the denominator and show up as misses.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.align.scorer import Aligner, Proposal
from policygraph.align.units import AlignUnit, higher_units, lower_units
from policygraph.errors import InputError
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file


@dataclass(frozen=True)
class GoldUnit:
    """One annotated task unit: where it is, which task it is, and its parents by measure number."""

    doc: str
    item: str
    snippet: str
    task_id: str | None
    parents: dict[int, str]  # measure number → "direct" | "partial"

    @property
    def where(self) -> str:
        return f"{self.doc[:3]} {self.item} {self.snippet[:12]}…"


@dataclass
class AlignmentScores:
    """The figures of the gold header, the counts behind them, and readable misses and false links."""

    precision: float
    recall: float
    f1: float
    hits1: float
    hits3: float
    predicted: int
    correct: int
    direct: int
    direct_found: int
    misses: list[str] = field(default_factory=list)
    false_links: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"hits@1 {self.hits1:.3f}  hits@3 {self.hits3:.3f}  "
                f"({self.correct}/{self.predicted} correct, {self.direct_found}/{self.direct} direct found)")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def measure_number(number: str | None) -> int | None:
    """'24' → 24; province measures are numbered with Arabic digits."""
    m = re.fullmatch(r"\D*(\d+)\D*", number or "")
    return int(m.group(1)) if m else None


def load_gold(gold_path: Path, trees: Mapping[str, PlanTree]) -> list[GoldUnit]:
    """The gold units with the id of the task each snippet names (None when no task matches)."""
    try:
        data = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(gold_path), f"cannot read the alignment gold file ({exc})") from exc
    units: list[GoldUnit] = []
    for g in data["units"]:
        tree = trees.get(g["doc"])
        tasks = [m for m in tree.measures if m.kind == "task"] if tree else []
        snip = _compact(g["snippet"])
        texts = [(m.id, _compact(m.text)) for m in tasks]
        match = next((i for i, t in texts if t.startswith(snip)), None) or next(
            (i for i, t in texts if snip in t), None)
        parents = {int(p["measure"]): p["label"] for p in g["parents"]}
        units.append(GoldUnit(g["doc"], g.get("item") or "", g["snippet"], match, parents))
    return units


def _numbers(props: Sequence[Proposal], target_number: Mapping[str, int | None]) -> list[int]:
    """Measure numbers of proposals in order, each once (two tasks of one item are one measure)."""
    seen: list[int] = []
    for p in props:
        n = target_number.get(p.target)
        if n is not None and n not in seen:
            seen.append(n)
    return seen


def evaluate(proposals: Sequence[Proposal], ranked: Mapping[str, Sequence[Proposal]], gold: Sequence[GoldUnit],
             higher: Sequence[AlignUnit]) -> AlignmentScores:
    """Score thresholded ``proposals`` (and per-task ``ranked`` lists, best first) against ``gold``."""
    target_number = {u.id: measure_number(u.number) for u in higher}
    by_source: dict[str, list[Proposal]] = {}
    for prop in proposals:
        by_source.setdefault(prop.source, []).append(prop)
    predicted = correct = direct = found = hit1 = hit3 = with_direct = 0
    misses: list[str] = []
    false_links: list[str] = []
    for g in gold:
        props = by_source.get(g.task_id, []) if g.task_id else []
        scores = {target_number.get(p.target): p.score for p in props}
        got = _numbers(props, target_number)
        directs = {n for n, lab in g.parents.items() if lab == "direct"}
        predicted += len(got)
        for n in got:
            if n in g.parents:
                correct += 1
            else:
                false_links.append(f"{g.where}: false link to {n} (score {scores[n]:.2f})")
        direct += len(directs)
        found += len(directs & set(got))
        for n in sorted(directs - set(got)):
            why = "" if g.task_id else " (unit not found in the parsed document)"
            misses.append(f"{g.where}: missed {n} (direct){why}")
        if directs:
            with_direct += 1
            top = _numbers(ranked.get(g.task_id, []), target_number) if g.task_id else []
            hit1 += bool(directs & set(top[:1]))
            hit3 += bool(directs & set(top[:3]))
    p = correct / predicted if predicted else 1.0
    r = found / direct if direct else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return AlignmentScores(p, r, f1, hit1 / max(1, with_direct), hit3 / max(1, with_direct), predicted, correct,
                           direct, found, misses, false_links)


def dev_trees(gold_path: Path, corpus_dir: Path) -> tuple[PlanTree, dict[str, PlanTree]]:
    """Parse the province document and the lower documents the gold file names."""
    data = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    province = parse_file(Path(corpus_dir) / data["province_doc"])
    docs = sorted({u["doc"] for u in data["units"]})
    return province, {d: parse_file(Path(corpus_dir) / d) for d in docs}


def run_dev_eval(gold_path: Path, corpus_dir: Path, aligner: Aligner | None = None) -> AlignmentScores:
    """Parse, align every task of the annotated lower plans with the shipped model, and score."""
    province, lower_trees = dev_trees(gold_path, corpus_dir)
    higher = higher_units(province)
    aligner = aligner or Aligner(higher)
    lower = [u for t in lower_trees.values() for u in lower_units(t)]
    proposals = aligner.align(lower)
    ranked = aligner.rank_all(lower, 3)
    return evaluate(proposals, ranked, load_gold(gold_path, lower_trees), higher)
