"""Benchmark: alignment time as the number of lower-level tasks grows, against a fixed set of higher measures.

Synthetic but realistic text: sentences of the sample corpus's task units and measures are recombined with a
seeded RNG into new measures and tasks (so vocabulary and lengths match real plans). The aligner indexes the
measures once and aligns the tasks in batches; the report gives seconds per size and tasks per second, which
should stay about constant if the method scales linearly.

    .venv/bin/python bench/align_bench.py --measures 5000 --tasks 10000 20000 50000 100000
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policygraph.align.scorer import Aligner  # noqa: E402
from policygraph.align.units import AlignUnit, higher_units, lower_units  # noqa: E402
from policygraph.loaders.parse import parse_file  # noqa: E402


def corpus_sentences() -> tuple[list[AlignUnit], list[AlignUnit], list[str]]:
    trees = [parse_file(f) for f in sorted((ROOT / "data" / "corpus").glob("*.txt"))]
    highs = [u for t in trees if t.plan.jurisdiction.level == "province" for u in higher_units(t)]
    lows = [u for t in trees if t.plan.jurisdiction.level != "province" for u in lower_units(t)]
    sentences = [s for u in highs + lows for s in re.split(r"(?<=。)", u.text) if len(s) > 8]
    return highs, lows, sentences


def synth(template: AlignUnit, rng: random.Random, sentences: list[str], i: int, kind: str) -> AlignUnit:
    text = "".join(rng.sample(sentences, k=rng.randint(2, 5)))
    return AlignUnit(id=f"{kind}{i}", plan_id=f"p{kind}{i // 50}", number=str(i), text=text,
                     title=text.split("。")[0][:30], section_title=template.section_title,
                     functions=template.functions, metrics=template.metrics, citations=template.citations,
                     span=(0, len(text)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--measures", type=int, default=5000)
    ap.add_argument("--tasks", type=int, nargs="+", default=[10000, 20000, 50000, 100000])
    args = ap.parse_args()
    rng = random.Random(7)
    highs, lows, sentences = corpus_sentences()
    measures = [synth(rng.choice(highs), rng, sentences, i, "m") for i in range(args.measures)]
    t0 = time.perf_counter()
    aligner = Aligner(measures)
    index_s = time.perf_counter() - t0
    rows = []
    for n in args.tasks:
        tasks = [synth(rng.choice(lows), rng, sentences, i, "t") for i in range(n)]
        t0 = time.perf_counter()
        proposals = aligner.align(tasks)
        s = time.perf_counter() - t0
        rows.append({"tasks": n, "seconds": round(s, 1), "tasks_per_s": round(n / s), "links": len(proposals)})
        print(json.dumps(rows[-1]), flush=True)
    print(json.dumps({"measures": args.measures, "index_s": round(index_s, 1), "runs": rows}))


if __name__ == "__main__":
    main()
