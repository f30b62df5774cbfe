"""Benchmark: load national-scale data into the embedded store, then reopen it.

One domain-year is ~3,200 plans and ~200,000 task units. The sample corpus (5 plans, 233 task units) is parsed
once and replicated under generated jurisdiction names and plan ids until the target number of task units is
reached; each replica is written as its own document (one transaction each), as a real load would.

Reports: parse throughput, load throughput (task units/s and documents/s), the time to open the store (rebuilding
the in-memory graph from SQLite), and peak memory (max RSS) of the loading and the opening processes.

    .venv/bin/python bench/load_bench.py --tasks 200000 --db /tmp/bench.db
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policygraph.graph.model import build_fragment  # noqa: E402
from policygraph.graph.sqlite_store import SqliteStore  # noqa: E402
from policygraph.loaders.model import PlanTree  # noqa: E402
from policygraph.loaders.parse import parse_file  # noqa: E402


def replicate(tree: PlanTree, n: int) -> PlanTree:
    """A copy of ``tree`` under a generated place name, with ids that cannot collide with other copies."""
    tag = f"r{n}"
    j = tree.plan.jurisdiction
    juris = j.model_copy(update={"name": f"样本{n}{j.name[-1]}", "code": None})
    plan = tree.plan.model_copy(update={"id": f"{tree.plan.id}-{tag}", "jurisdiction": juris,
                                        "content_hash": f"{tree.plan.content_hash}-{tag}"})
    measures = [m.model_copy(update={"id": f"{m.id}-{tag}", "parent_id": m.parent_id and f"{m.parent_id}-{tag}",
                                     "agencies": [a.model_copy(update={"name": f"{tag}{a.name}",
                                                                       "jurisdiction": juris.name})
                                                  for a in m.agencies]})
                for m in tree.measures]
    return PlanTree(plan=plan, measures=measures, text=tree.text)


def measure_open(db: Path) -> dict[str, float]:
    """Open the store in a fresh process so its memory and time are the opening's alone."""
    code = ("import time,resource,sys; sys.path.insert(0, %r); t=time.perf_counter();"
            "from policygraph.graph.sqlite_store import SqliteStore; s=SqliteStore(%r);"
            "c=s.counts(); d=time.perf_counter()-t;"
            "print(d, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024, sum(c['nodes'].values()),"
            " sum(c['edges'].values()))") % (str(ROOT), str(db))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"open_s": float(out[0]), "open_peak_mib": float(out[1]), "nodes": float(out[2]), "edges": float(out[3])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=200_000, help="task units to load (default 200000)")
    ap.add_argument("--db", type=Path, default=Path("/tmp/policygraph-bench.db"))
    args = ap.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)

    t0 = time.perf_counter()
    trees = [parse_file(f) for f in sorted((ROOT / "data" / "corpus").glob("*.txt"))]
    parse_s = time.perf_counter() - t0
    per_round = sum(1 for t in trees for m in t.measures if m.kind == "task")

    store = SqliteStore(args.db)
    tasks = docs = 0
    t0 = time.perf_counter()
    n = 0
    while tasks < args.tasks:
        for tree in trees:
            rep = replicate(tree, n)
            store.write_fragment(build_fragment(rep))
            docs += 1
            tasks += sum(1 for m in rep.measures if m.kind == "task")
        n += 1
    load_s = time.perf_counter() - t0
    load_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    opened = measure_open(args.db)
    result = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "parse_docs_per_s": round(len(trees) / parse_s, 1),
        "tasks_per_parse_round": per_round,
        "documents": docs, "task_units": tasks,
        "load_s": round(load_s, 1), "load_tasks_per_s": round(tasks / load_s), "load_docs_per_s": round(docs / load_s, 1),
        "load_peak_mib": round(load_peak),
        "open_s": round(opened["open_s"], 1), "open_peak_mib": round(opened["open_peak_mib"]),
        "nodes": int(opened["nodes"]), "edges": int(opened["edges"]),
        "db_mib": round(args.db.stat().st_size / 2**20),
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
