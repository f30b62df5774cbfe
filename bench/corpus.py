"""Generate a benchmark corpus: a national cascade of plans with ground truth (issue 10).

A thin script over ``policygraph.benchmark.corpus.generate``, the same as ``policygraph bench generate``:

    .venv/bin/python bench/corpus.py --size M --seed 1 /tmp/pg-corpus-M
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policygraph.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["bench", "generate", *sys.argv[1:]])
