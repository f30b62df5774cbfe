"""Benchmark: warm query times of this tree against a baseline commit on one store, in one run.

A figure from another day is not a comparison (the machine is shared), so this script checks the baseline out into
a temporary worktree and times both trees alternately, each round in a fresh subprocess on the same store and the
same references, then prints medians, p99s and the ratio head / baseline per query. Each process answers every
query once untimed (warm means after the first answer), then ``--queries`` times, rotating over the references.
Each tree runs as its own CLI would (the head tunes the garbage collector: ``policygraph/runtime.py``).

    .venv/bin/python bench/query_bench.py sqlite:////tmp/bM/graph.db --baseline 238c64a --rounds 3 --queries 20
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_REFS = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from policygraph.graph.store import open_store
store = open_store(sys.argv[2], create=False)
plans = {p.id: p for p in store.plans()}
def level(lv): return sorted(pid for pid, p in plans.items() if p.props.get("level") == lv)
provinces, counties = level("province"), level("county")
items = [m.id for pid in provinces[:40:2] for m in sorted(store.find_nodes("Measure", plan_id=pid, kind="item"),
                                                         key=lambda m: m.id)[3:4]]
tasks = []
for pid in counties[::max(1, len(counties) // 20)][:20]:
    links = store.link_page(None, pid, None, 5)[0]
    tasks += [e.source for e in links if e.props.get("source_plan") == pid][:1]
agencies = sorted(a.id for a in store.find_nodes("Agency", level="county"))[::500][:20]
print(json.dumps({"cascade_province": items, "sources_county": tasks, "plan_tree": counties[::150][:20],
                  "coverage_province": provinces[:20:2], "compare_targets": provinces[1:20:2],
                  "search": ["追溯", "校园 食堂", "抽检", "农药", "冷链", "网络餐饮"], "obligations": agencies}))
"""

_TIMER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
try:
    from policygraph.runtime import tune_gc
    tune_gc()
except ImportError:
    pass
from policygraph import queries as q
from policygraph.graph.store import open_store
store = open_store(sys.argv[2], create=False)
refs, n = json.loads(sys.argv[3]), int(sys.argv[4])
runs = {"cascade_province": lambda r: q.implementations(store, r), "sources_county": lambda r: q.sources(store, r),
        "plan_tree": lambda r: q.plan_tree(store, r), "coverage_province": lambda r: q.coverage_matrix(store, r, "county"),
        "compare_targets": lambda r: q.compare_targets(store, r, child_level="county"),
        "search": lambda r: q.search(store, r), "obligations": lambda r: q.obligations(store, r)}
out = {}
for name, run in runs.items():
    rs = refs.get(name) or []
    if not rs:
        continue
    run(rs[0])
    times = []
    for i in range(n):
        t = time.perf_counter(); run(rs[i % len(rs)]); times.append(time.perf_counter() - t)
    out[name] = times
import resource
out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _p99(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(0.99 * len(s)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
                       check=True, capture_output=True)
        try:
            refs = subprocess.run([sys.executable, "-c", _REFS, str(ROOT), args.store], check=True,
                                  capture_output=True, text=True).stdout.strip().splitlines()[-1]
            times: dict[str, dict[str, list[float]]] = {"baseline": {}, "head": {}}
            rss: dict[str, list[float]] = {"baseline": [], "head": []}
            for r in range(args.rounds):
                for name, tree in (("baseline", base), ("head", ROOT)):
                    done = subprocess.run([sys.executable, "-c", _TIMER, str(tree), args.store, refs,
                                           str(args.queries)], check=True, capture_output=True, text=True)
                    got = json.loads(done.stdout.strip().splitlines()[-1])
                    rss[name].append(got.pop("maxrss_mb"))
                    for k, v in got.items():
                        times[name].setdefault(k, []).extend(v)
                print(f"round {r + 1} done", file=sys.stderr, flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    print(f"| query | baseline median ms | baseline p99 ms | head median ms | head p99 ms | head / baseline |")
    print("|---|---|---|---|---|---|")
    for k in times["head"]:
        b, h = times["baseline"].get(k, []), times["head"][k]
        if not b:
            continue
        bm, hm = statistics.median(b) * 1000, statistics.median(h) * 1000
        print(f"| {k} | {bm:,.1f} | {_p99(b) * 1000:,.1f} | {hm:,.1f} | {_p99(h) * 1000:,.1f} | {hm / bm:.2f} |")
    print(f"| query process peak | {max(rss['baseline']):,.0f} MB | | {max(rss['head']):,.0f} MB | | "
          f"{max(rss['head']) / max(rss['baseline']):.2f} |")


if __name__ == "__main__":
    main()
