"""Benchmark: how long the auditor's pages take to answer on a loaded, aligned store (size S or M of the generator).

Each page is asked ``--rounds`` times through the app in-process (FastAPI's test client: the server's work, no
network), on a store opened once; the first answer of each page is reported apart (cold: nothing of that page's
reads kept yet), then the median and p99 of the rest. Pages: the home page, a provincial plan, its coverage heat
map and target comparison over its counties, its busiest measure (most implementing tasks), a link's evidence, the
agency index, a search, the links list (first and second page), the places tree and the laws index. Timings are figures for BENCHMARKS.md, never test assertions.

    .venv/bin/python bench/pages_bench.py sqlite:////tmp/bM/graph.db --rounds 10
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from urllib.parse import quote

from fastapi.testclient import TestClient

from policygraph import queries as q
from policygraph.api import ApiSettings, create_app
from policygraph.graph.store import open_store
from policygraph.runtime import tune_gc


def pages(store_url: str) -> tuple[TestClient, dict[str, str]]:
    store = open_store(store_url, create=False)
    client = TestClient(create_app(store, ApiSettings()))
    plans = q.list_plans(store, level="province").items or q.list_plans(store).items
    province = plans[len(plans) // 2]
    items = [n for n in store.find_nodes("Measure", plan_id=province.id, kind="item")][:40]
    busiest = max(items, key=lambda m: q.implementations(store, m.id).total) if items else None
    link = store.link_page("inferred", province.id, None, 1)[0]
    out = {"home": "/", "plan": f"/plans/{province.id}", "coverage": f"/plans/{province.id}/coverage",
           "targets": f"/plans/{province.id}/targets", "agencies": "/agencies", "search": "/search?q=" + quote("追溯"),
           "links": "/links", "places": "/jurisdictions", "laws": "/laws"}
    first = store.link_page(None, None, None, 50)[0]
    out["links-p2"] = f"/links?cursor={first[-1].id}" if first else "/links"
    if busiest is not None:
        out["measure"] = f"/measures/{busiest.id}"
    if link:
        out["evidence"] = f"/links/{link[0].id}"
    return client, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated page names (home,plan,coverage,…): only these")
    args = parser.parse_args()
    tune_gc()  # as `policygraph serve` runs
    client, paths = pages(args.store)
    report = {}
    for name, path in paths.items():
        if args.only and name not in args.only.split(","):
            continue
        times = []
        size = 0
        for _ in range(args.rounds + 1):
            t = time.perf_counter()
            r = client.get(path)
            times.append(time.perf_counter() - t)
            assert r.status_code == 200, (path, r.status_code)
            size = len(r.content)
        cold, warm = times[0], sorted(times[1:])
        report[name] = {"path": path, "cold_s": round(cold, 3), "median_s": round(statistics.median(warm), 3),
                        "p99_s": round(warm[min(len(warm) - 1, int(0.99 * len(warm)))], 3), "kB": round(size / 1024)}
        print(f"{name:10} cold {cold:7.3f} s  median {statistics.median(warm):7.3f} s  "
              f"p99 {report[name]['p99_s']:7.3f} s  {size / 1024:8.0f} kB  {path}", flush=True)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
