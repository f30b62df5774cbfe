"""The steps of a benchmark run, each run in a process of its own so that its peak memory is its own.

``python -m policygraph.benchmark.steps STEP ARGS_JSON`` runs one step and prints one JSON object on its last
line of stdout: the step's raw timings (lists of seconds, so the harness takes medians and p99s), its counts,
``maxrss_mb`` (``ru_maxrss`` of this process) and, when the step's time budget ran out, ``stopped`` naming the
figure it was measuring. Steps: ``parse`` (every document of a generated corpus, the plan trees kept in a pickle
stream for the loads), ``load`` (those trees into one store), ``align`` (the whole store, then scored against
the generator's truth), ``open`` (a fresh process's first answer), ``queries`` (cold and warm) and ``api_load``
(the load generator for a running server).
"""
from __future__ import annotations

import gc
import json
import pickle
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from policygraph.benchmark.scoring import candidate_recall, score_alignment, task_map
from policygraph.graph.store import Store, open_store

Args = dict[str, Any]


def maxrss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ``ru_maxrss`` in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def open_fresh(url: str) -> Store:
    """The store, emptied: a new SQLite file, or a Neo4j database cleared of every node."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
    store = open_store(url, create=True)
    clear: Callable[[], None] | None = getattr(store, "clear", None)
    if clear is not None:
        clear()
    return store


def step_parse(a: Args) -> Args:
    """Parse every document; per-document seconds, bytes, and the trees in ``a["trees"]`` for the loads."""
    from policygraph.ingest import collect_files
    from policygraph.loaders.parse import parse_file

    corpus = Path(a["corpus"])
    files = collect_files([corpus / "docs"])
    if a.get("max_plans"):
        # In file order: the nation, then the first province with its cities and counties (a cut chain).
        files = files[: a["max_plans"]]
    times: list[float] = []
    size = 0
    tasks: dict[str, Any] = {}
    units = 0
    deadline = time.monotonic() + a["budget"]
    stopped = None
    with open(a["trees"], "wb") as out:
        for f in files:
            if time.monotonic() > deadline:
                stopped = f"parse throughput after {len(times):,} of {len(files):,} documents"
                break
            t = time.perf_counter()
            tree = parse_file(f)
            times.append(time.perf_counter() - t)
            size += f.stat().st_size
            pickle.dump(tree, out, protocol=pickle.HIGHEST_PROTOCOL)
            tasks.update(task_map([(f.relative_to(corpus).as_posix(), tree)]))  # not the trees: memory
            units += sum(1 for m in tree.measures if m.kind == "task")
    Path(a["tasks"]).write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return {"times": times, "documents": len(times), "bytes": size, "task_units": units, "stopped": stopped}


def _trees(path: str) -> Iterator[Any]:
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def step_load(a: Args) -> Args:
    """Write the parsed documents into an emptied store as ``policygraph load`` does (``ingest.BATCH`` per
    commit); a document's time is its batch's time shared out evenly."""
    from policygraph.ingest import BATCH, write_trees

    store = open_fresh(a["url"])
    times: list[float] = []
    units = 0
    deadline = time.monotonic() + a["budget"]
    stopped = None
    batch: list[Any] = []

    def write() -> None:
        t = time.perf_counter()
        write_trees(store, batch)
        times.extend([(time.perf_counter() - t) / len(batch)] * len(batch))

    for tree in _trees(a["trees"]):
        if time.monotonic() > deadline:
            stopped = f"load throughput after {len(times):,} documents"
            break
        batch.append(tree)
        units += sum(1 for m in tree.measures if m.kind == "task")
        if len(batch) == BATCH:
            write()
            batch = []
    if batch and stopped is None:
        write()
    elif stopped is not None:
        units -= sum(1 for t in batch for m in t.measures if m.kind == "task")
    store.close()
    return {"times": times, "documents": len(times), "task_units": units, "stopped": stopped}


def step_align(a: Args) -> Args:
    """Align the whole store in the default scope, then score its links against the generator's truth."""
    from policygraph.align.run import align_plans

    store = open_store(a["url"], create=False)
    marks: list[float] = [time.perf_counter()]
    deadline = time.monotonic() + a["budget"]

    def progress(_: str) -> None:
        marks.append(time.perf_counter())
        if time.monotonic() > deadline:
            raise _OutOfTime(f"alignment after {len(marks) - 2:,} plan pairs")

    stopped = None
    t = time.perf_counter()
    try:
        result = align_plans(store, progress=progress)
        pairs, links = result.pairs, result.links
    except _OutOfTime as exc:
        stopped, pairs, links = str(exc), len(marks) - 2, 0
    seconds = time.perf_counter() - t
    marks.append(time.perf_counter())
    per_pair = [b - a_ for a_, b in zip(marks[1:-1], marks[2:])]
    tasks = json.loads(Path(a["tasks"]).read_text(encoding="utf-8"))
    scores = score_alignment(store.links(), tasks, Path(a["corpus"]))
    if a.get("recall_sample", 30):
        from policygraph.align.run import plan_pairs, plan_places

        scores |= candidate_recall(store, plan_pairs(plan_places(store), None), a.get("recall_sample", 30))
    store.close()
    return {"seconds": seconds, "times": per_pair, "pairs": pairs, "links": links, **scores, "stopped": stopped}


class _OutOfTime(Exception):
    """The step's time budget ran out (caught in this module only, turned into ``stopped``)."""


def step_open(a: Args) -> Args:
    """Open the store and answer the headline query (a provincial measure's cascade), as a new process would."""
    from policygraph import queries as q

    t = time.perf_counter()
    store = open_store(a["url"], create=False)
    opened = time.perf_counter() - t
    q.implementations(store, a["ref"])
    first = time.perf_counter() - t
    store.close()
    return {"open": opened, "first_answer": first}


def step_queries(a: Args) -> Args:
    """Each query cold ``a["cold"]`` times (a store opened for each), then every query warm ``a["warm"]`` times on
    one open store, each kind after its first (untimed) answer, rotating over the references the harness chose.

    One store is alive at a time: at M an opened embedded store holds 15 GB, and two alive at once were killed
    by the kernel's OOM killer."""
    from policygraph.benchmark.queryset import QUERIES

    out: Args = {"cold": {}, "warm": {}, "stopped": None}
    deadline = time.monotonic() + a["budget"]

    def out_of_time(name: str, mode: str, i: int, n: int) -> bool:
        if time.monotonic() > deadline:
            out["stopped"] = f"{name} ({mode}) after {i:,} of {n:,} queries"
            return True
        return False

    for name, run in QUERIES.items():
        refs, n = a["refs"][name], a["cold"]
        times: list[float] = out["cold"].setdefault(name, [])
        for i in range(n):
            if out_of_time(name, "cold", i, n):
                return out
            s = open_store(a["url"], create=False)
            t = time.perf_counter()
            run(s, refs[i % len(refs)])
            times.append(time.perf_counter() - t)
            s.close()
            del s
            gc.collect()
    store = open_store(a["url"], create=False)
    try:
        for name, run in QUERIES.items():
            refs, n = a["refs"][name], a["warm"]
            times = out["warm"].setdefault(name, [])
            run(store, refs[0])  # warm means after the first answer (that one is the cold figure)
            for i in range(n):
                if out_of_time(name, "warm", i, n):
                    return out
                t = time.perf_counter()
                run(store, refs[i % len(refs)])
                times.append(time.perf_counter() - t)
    finally:
        store.close()
    return out


def step_refs(a: Args) -> Args:
    """The references each query rotates over, chosen from the loaded store (the same for every store)."""
    from policygraph.benchmark.queryset import choose_refs

    store = open_store(a["url"], create=False)
    refs = choose_refs(store, a.get("n", 20))
    store.close()
    return {"refs": refs}


def step_api_load(a: Args) -> Args:
    """``a["clients"]`` threads, each its own HTTP client, asking ``a["path"]`` of the server on 127.0.0.1
    until ``a["seconds"]`` have passed; per-request latencies and errors."""
    import threading

    import httpx

    stop = time.monotonic() + a["seconds"]
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    paths = a["paths"]

    def client(k: int) -> None:
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=a["base"], timeout=a.get("timeout", 60)) as c:
            i = k
            while time.monotonic() < stop:
                t = time.perf_counter()
                try:
                    ok = c.get(paths[i % len(paths)]).status_code == 200
                except httpx.HTTPError:
                    ok = False
                mine.append(time.perf_counter() - t)
                bad += 0 if ok else 1
                i += 1
        with lock:
            lat.extend(mine)
            errors[0] += bad

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(a["clients"])]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"times": lat, "errors": errors[0], "wall": time.perf_counter() - t0}


STEPS: dict[str, Callable[[Args], Args]] = {
    "parse": step_parse, "load": step_load, "align": step_align, "open": step_open, "queries": step_queries,
    "refs": step_refs, "api_load": step_api_load,
}


def main(argv: list[str]) -> None:
    from policygraph.runtime import tune_gc

    tune_gc()  # as the CLI and the server run: the figures are theirs
    name, args = argv[0], json.loads(argv[1])
    result = STEPS[name](args)
    result["maxrss_mb"] = maxrss_mb()
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
