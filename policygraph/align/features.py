"""Sparse representations of units and the per-pair features the scorer combines.

Everything is built once from the higher plan (the measures are few, the tasks many) and applied to
batches of tasks as sparse matrices, so cost grows linearly with the number of tasks: retrieval is one
sparse product per batch, and every pair feature is a row-wise product of two sparse rows.

Features, each meaningful to an auditor reading the evidence:
  text     TF-IDF cosine (character 2-3-grams and jieba words) of the task to the measure's text
  title    the same, task text against the measure's title (its first sentence: what it asks for)
  section  the same, between the titles of the sections the two sit in
  key      idf-weighted count of shared domain concepts from data/keyphrases.toml (追溯, 明厨亮灶 …)
  func     share of the task's agency functions that the measure's text involves
  rel      text cosine minus the task's best text cosine: how this candidate compares with its rivals
Shared rare words (in at most 2 measures), indicator metrics and citations are shown as evidence but not
scored: as features they did not improve held-out F1 (bench/alignment_methods.md), nor did a coverage
score (share of the task's weight found in the measure).
"""
from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import rjieba
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from policygraph.align.units import DATA_DIR, AlignUnit

FEATURES = ("text", "title", "section", "key", "func", "rel")

# Runs of characters that carry meaning; punctuation and spaces separate n-gram runs.
_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]+")
# Words so common in plans that sharing them says nothing (they also score low idf; this keeps them out
# of the "rare" evidence when a plan is short).
_STOPWORDS = frozenset("加强 开展 推进 落实 完善 建立 健全 提升 强化 食品安全 食品 安全 工作 监管 管理 全面 深入 持续 "
                       "进一步 严格 依法 推动 实施 组织 相关 有关 各级 要求 制度 体系 机制 建设 重点 部门".split())
_MIN_RARE_LEN = 2


@dataclass(frozen=True)
class Concept:
    """One domain concept: the name evidence shows and the ways plans write it."""

    name: str
    variants: tuple[str, ...]


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """The reviewed key-phrase vocabulary of data/keyphrases.toml, each concept's variants longest first.

    Variants of equal length are ordered by their text: ordered by a set's iteration order they followed
    PYTHONHASHSEED, and so did the evidence spans they find (``_spans`` takes the first variant that fits).
    """
    with open(DATA_DIR / "keyphrases.toml", "rb") as fh:
        data = tomllib.load(fh)
    return tuple(Concept(v[0], tuple(sorted(set(v), key=lambda s: (-len(s), s)))) for v in data["phrases"])


def _compact(text: str) -> str:
    """Text without white space: page breaks and PDF spacing split words ("食品安\n全")."""
    return re.sub(r"\s+", "", text)


def analyse(text: str) -> list[str]:
    """Terms for TF-IDF: character 2- and 3-grams within punctuation-free runs, plus jieba words."""
    terms: list[str] = []
    for run in _RUN.findall(_compact(text)):
        terms.extend(run[i : i + 2] for i in range(len(run) - 1))
        terms.extend(run[i : i + 3] for i in range(len(run) - 2))
    terms.extend("w:" + w for w in words(text))
    return terms


@lru_cache(maxsize=65536)
def word_set(text: str) -> frozenset[str]:
    """The distinct content words of a text, cached: evidence asks for them once per proposal."""
    return frozenset(words(text))


def words(text: str) -> list[str]:
    """Content words of a text (jieba segmentation, punctuation and single characters dropped)."""
    return [w for w in rjieba.cut(_compact(text)) if len(w) >= _MIN_RARE_LEN and _RUN.fullmatch(w)]


@lru_cache(maxsize=1)
def _concept_finder() -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """One alternation of every variant (longest first), and for each variant the concepts it shows.

    A variant shows its own concept and that of every variant inside it: "互联网+明厨亮灶" is also 明厨亮灶.
    """
    owner: dict[str, int] = {}
    for j, c in enumerate(concepts()):
        for v in c.variants:
            owner.setdefault(v, j)
    shows = {v: frozenset(j for u, j in owner.items() if u in v) for v in owner}
    pattern = "|".join(re.escape(v) for v in sorted(owner, key=len, reverse=True))
    return re.compile(pattern), shows


@lru_cache(maxsize=65536)
def concepts_in(text: str) -> frozenset[int]:
    """Positions (in ``concepts()``) of the domain concepts a text mentions (cached per text)."""
    finder, shows = _concept_finder()
    found: set[int] = set()
    for m in finder.finditer(_compact(text)):
        found |= shows[m.group(0)]
    return frozenset(found)


def concept_matrix(texts: Sequence[str]) -> sp.csr_matrix:
    """Binary units × concepts matrix: which domain concepts each text mentions."""
    rows, cols = [], []
    for i, t in enumerate(texts):
        for j in concepts_in(t):
            rows.append(i)
            cols.append(j)
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(concepts())))


def rowwise_dot(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """Dot product of row i of ``a`` with row i of ``b`` for every i (both already gathered per pair)."""
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


class FeatureIndex:
    """The higher plan's units as sparse matrices, and feature computation for (task, measure) pairs."""

    def __init__(self, higher: Sequence[AlignUnit]) -> None:
        self.higher = list(higher)
        n = len(self.higher)
        self.vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, dtype=np.float32)
        self.h_text = self.vectorizer.fit_transform([u.text for u in self.higher]).tocsr()
        self.h_title = self.vectorizer.transform([u.title for u in self.higher]).tocsr()
        self.h_section = self.vectorizer.transform([u.section_title for u in self.higher]).tocsr()
        self.h_concepts = concept_matrix([u.text for u in self.higher])
        self.h_concept_sets = [concepts_in(u.text) for u in self.higher]
        df = np.asarray(self.h_concepts.sum(axis=0)).ravel()
        self.concept_idf = np.log((n + 1) / (df + 1)).astype(np.float64)
        # Rare words: in at most 2 measures (or 3% of them in a long plan) and not plan boilerplate.
        word_sets = [word_set(u.text) - _STOPWORDS for u in self.higher]
        counts: dict[str, int] = {}
        for ws in word_sets:
            for w in ws:
                counts[w] = counts.get(w, 0) + 1
        limit = max(2, math.ceil(0.03 * n))
        self.rare_vocab = frozenset(w for w, c in counts.items() if c <= limit)
        self.h_funcs = [frozenset(u.functions) for u in self.higher]

    def encode(self, lower: Sequence[AlignUnit]) -> LowerBatch:
        """Sparse views of a batch of tasks, in the higher plan's vocabulary."""
        return LowerBatch(
            units=list(lower),
            text=self.vectorizer.transform([u.text for u in lower]).tocsr(),
            section=self.vectorizer.transform([u.section_title for u in lower]).tocsr(),
            concepts=concept_matrix([u.text for u in lower]),
        )

    def candidates(self, batch: LowerBatch, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Top-``k`` measures of each task by text cosine: (task rows, measure columns, cosines).

        Ties are broken by measure order so that the result is deterministic.
        """
        sims = (batch.text @ self.h_text.T).toarray()
        k = min(k, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < sims.shape[1] else np.tile(
            np.arange(sims.shape[1]), (sims.shape[0], 1))
        top.sort(axis=1)  # measure order, then a stable sort by score: equal scores keep measure order
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(sims, top, 1), axis=1, kind="stable"), 1)
        rows = np.repeat(np.arange(sims.shape[0]), k)
        cols = order.ravel()
        return rows, cols, sims[rows, cols]

    def pair_features(self, batch: LowerBatch, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The FEATURES matrix (pairs × features) for the pairs (task ``rows[p]``, measure ``cols[p]``)."""
        lt = batch.text[rows]
        text = rowwise_dot(lt, self.h_text[cols])
        title = rowwise_dot(lt, self.h_title[cols])
        section = rowwise_dot(batch.section[rows], self.h_section[cols])
        shared = batch.concepts[rows].multiply(self.h_concepts[cols])
        key = np.log1p(np.asarray(shared @ self.concept_idf).ravel())
        func = np.zeros(len(rows))
        for p, (r, c) in enumerate(zip(rows, cols)):
            fs = batch.units[r].functions
            if fs:
                func[p] = len(self.h_funcs[c].intersection(fs)) / len(fs)
        best = np.zeros(batch.text.shape[0])
        np.maximum.at(best, rows, text)
        rel = text - best[rows]
        return np.column_stack([text, title, section, key, func, rel])

    def shared_evidence(self, lower: AlignUnit, c: int, lower_concepts: frozenset[int]) -> list[dict[str, object]]:
        """Key phrases both texts contain, with their spans: reviewed concepts first, then rare words.

        ``lower_concepts`` are the concept positions the task mentions (a row of ``LowerBatch.concepts``).
        """
        higher = self.higher[c]
        out: list[dict[str, object]] = []
        cs = concepts()
        for j in sorted(lower_concepts & self.h_concept_sets[c]):
            con = cs[j]
            src, tgt = _spans(lower.text, con.variants), _spans(higher.text, con.variants)
            if src and tgt:
                out.append({"phrase": con.name, "source_spans": src, "target_spans": tgt})
        covered = {p["phrase"] for p in out}
        for w in sorted(word_set(lower.text) & word_set(higher.text)):
            if w in self.rare_vocab and not any(w in str(p) for p in covered):
                src, tgt = _spans(lower.text, (w,)), _spans(higher.text, (w,))
                if src and tgt:
                    out.append({"phrase": w, "source_spans": src, "target_spans": tgt})
        return out


@dataclass
class LowerBatch:
    """A batch of tasks encoded against a FeatureIndex."""

    units: list[AlignUnit]
    text: sp.csr_matrix
    section: sp.csr_matrix
    concepts: sp.csr_matrix


@lru_cache(maxsize=8192)
def _spaced(phrase: str) -> re.Pattern[str]:
    """A phrase that white space may split: "追溯" also matches "追\n溯" (hard-wrapped PDF text)."""
    return re.compile(r"\s*".join(re.escape(ch) for ch in phrase))


def _spans(text: str, variants: Sequence[str]) -> list[list[int]]:
    """Non-overlapping spans of the variants (longest first) in ``text``; white space may split a word."""
    taken: list[list[int]] = []
    for v in variants:
        for m in _spaced(v).finditer(text):
            if not any(m.start() < b and a < m.end() for a, b in taken):
                taken.append([m.start(), m.end()])
    return sorted(taken)
