"""Benchmark corpora: a generated national cascade of plans with known truth (``corpus.generate``).

``policygraph bench generate`` (``cli_bench``) and ``bench/corpus.py`` call :func:`generate`; the truth file's
records are read back with :func:`read_truth`.
"""
from __future__ import annotations

from policygraph.benchmark.corpus import Summary, generate
from policygraph.benchmark.truth import TruthPlan, TruthTask, read_truth

__all__ = ["Summary", "TruthPlan", "TruthTask", "generate", "read_truth"]
