"""Run the benchmark (issue 10): both stores side by side on one generated corpus.

A thin script over ``policygraph.benchmark.run.run_benchmark``, the same as ``policygraph bench run``:

    .venv/bin/python bench/run.py --size M --stores sqlite,neo4j --out BENCHMARKS.md
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policygraph.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["bench", "run", *sys.argv[1:]])
