"""Propose DERIVES_FROM links: which higher-level measures each lower-level task unit implements.

Two stages so that 100,000 tasks against 5,000 measures take minutes: a sparse TF-IDF index gives each
task its best ``candidates`` measures, then a logistic model over a handful of readable features
(see ``features.py``) scores those pairs. The weights and cut-offs come from data/align_model.toml,
fitted on the annotated dev file by bench/fit_alignment.py with the threshold chosen by cross-validation.
"""
from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from policygraph.align.features import FEATURES, FeatureIndex, concepts_in
from policygraph.align.units import DATA_DIR, AlignUnit
from policygraph.errors import ConfigError

#: Tasks encoded at once: bounds memory to batch × measures dense similarities.
BATCH = 2048


@dataclass(frozen=True)
class Proposal:
    """A proposed link from a lower task (``source``) to the higher measure it implements (``target``)."""

    source: str
    target: str
    score: float
    label: str  # "direct" | "partial"
    evidence: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class AlignModel:
    """Fitted weights and cut-offs (data/align_model.toml)."""

    method: str
    weights: dict[str, float]
    intercept: float
    threshold: float
    direct_threshold: float
    margin: float
    max_per_task: int
    candidates: int

    def score(self, x: np.ndarray) -> np.ndarray:
        """Probability-like score in [0, 1] for rows of FEATURES."""
        w = np.array([self.weights.get(f, 0.0) for f in FEATURES])
        z = x @ w + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@lru_cache(maxsize=1)
def load_model() -> AlignModel:
    """Read the fitted model shipped in data/align_model.toml."""
    path = DATA_DIR / "align_model.toml"
    try:
        with open(path, "rb") as fh:
            d = tomllib.load(fh)
        return AlignModel(
            method=d["method"], weights={k: float(v) for k, v in d["weights"].items()},
            intercept=float(d["intercept"]), threshold=float(d["threshold"]),
            direct_threshold=float(d["direct_threshold"]), margin=float(d["margin"]),
            max_per_task=int(d["max_per_task"]), candidates=int(d["candidates"]),
        )
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the alignment model ({exc})") from exc


class Aligner:
    """Scores lower task units against the measures of a higher plan.

    >>> aligner = Aligner(higher_units(province_tree))           # doctest: +SKIP
    >>> [p.target for p in aligner.align(lower_units(county_tree))]  # doctest: +SKIP
    """

    def __init__(self, higher: Sequence[AlignUnit], threshold: float | None = None,
                 model: AlignModel | None = None) -> None:
        self.model = model or load_model()
        self.method = self.model.method
        self.threshold = self.model.threshold if threshold is None else threshold
        self.higher = list(higher)
        self.index = FeatureIndex(self.higher) if self.higher else None

    def features(self, lower: Sequence[AlignUnit], k: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate pairs and their FEATURES: (task positions, measure positions, matrix). For fitting."""
        k = k or self.model.candidates
        rows_all, cols_all, xs = [], [], []
        if self.index is None:
            return np.zeros(0, int), np.zeros(0, int), np.zeros((0, len(FEATURES)))
        for start in range(0, len(lower), BATCH):
            batch = self.index.encode(lower[start : start + BATCH])
            rows, cols, _ = self.index.candidates(batch, k)
            xs.append(self.index.pair_features(batch, rows, cols))
            rows_all.append(rows + start)
            cols_all.append(cols)
        if not xs:
            return np.zeros(0, int), np.zeros(0, int), np.zeros((0, len(FEATURES)))
        return np.concatenate(rows_all), np.concatenate(cols_all), np.vstack(xs)

    def _ranked(self, lower: Sequence[AlignUnit]) -> list[list[tuple[int, float, np.ndarray]]]:
        """Per task, its candidates as (measure position, score, features), best first, ties by position."""
        rows, cols, x = self.features(lower)
        scores = self.model.score(x) if len(x) else np.zeros(0)
        ranked: list[list[tuple[int, float, np.ndarray]]] = [[] for _ in lower]
        for p in np.lexsort((cols, -scores, rows)):
            ranked[rows[p]].append((int(cols[p]), float(scores[p]), x[p]))
        return ranked

    def _concepts_of(self, unit: AlignUnit) -> frozenset[int]:
        return concepts_in(unit.text)

    def align(self, lower: Sequence[AlignUnit]) -> list[Proposal]:
        """Links above the threshold, within ``margin`` of each task's best, at most ``max_per_task`` each."""
        m = self.model
        out: list[Proposal] = []
        for unit, cands in zip(lower, self._ranked(lower)):
            if not cands:
                continue
            best = cands[0][1]
            kept = [c for c in cands if c[1] >= self.threshold and c[1] >= best - m.margin][: m.max_per_task]
            mine = self._concepts_of(unit)
            out.extend(self._proposal(unit, c, s, x, mine) for c, s, x in kept)
        return out

    def rank(self, lower: AlignUnit, k: int) -> list[Proposal]:
        """The ``k`` best-scored measures for one task, whatever the threshold (for hits@k)."""
        mine = self._concepts_of(lower)
        return [self._proposal(lower, c, s, x, mine) for c, s, x in self._ranked([lower])[0][:k]]

    def rank_all(self, lower: Sequence[AlignUnit], k: int) -> dict[str, list[Proposal]]:
        """``rank`` for many tasks at once, keyed by task id."""
        return {u.id: [self._proposal(u, c, s, x, self._concepts_of(u)) for c, s, x in cands[:k]]
                for u, cands in zip(lower, self._ranked(lower))}

    def _proposal(self, unit: AlignUnit, c: int, score: float, x: np.ndarray, mine: frozenset[int]) -> Proposal:
        assert self.index is not None
        h = self.higher[c]
        evidence = {
            "key_phrases": self.index.shared_evidence(unit, c, mine),
            "functions": sorted(set(unit.functions) & set(h.functions)),
            "metrics": sorted(set(unit.metrics) & set(h.metrics)),
            "citations": sorted(set(unit.citations) & set(h.citations)),
            "subscores": {f: round(float(v), 4) for f, v in zip(FEATURES, x)},
        }
        label = "direct" if score >= self.model.direct_threshold else "partial"
        return Proposal(unit.id, h.id, round(score, 6), label, evidence)
