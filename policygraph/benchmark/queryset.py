"""The queries a benchmark run times, through the one read path (``policygraph.queries``), and the references
they rotate over.

References are chosen once, from the first store loaded, and used on every store (ids are the same on every
store: they come from the documents' content). A cascade asks from a measure that has links into it, so the
figure is the cost of a real answer, not of an empty one.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policygraph import queries as q
from policygraph.errors import InputError
from policygraph.graph.store import Store

#: Query name → how it is asked with one reference; the headline query (the API's) is ``cascade_province``.
QUERIES: dict[str, Callable[[Store, str], Any]] = {
    "cascade_national": lambda s, ref: q.implementations(s, ref),
    "cascade_province": lambda s, ref: q.implementations(s, ref),
    "sources_county": lambda s, ref: q.sources(s, ref),
    "plan_tree": lambda s, ref: q.plan_tree(s, ref),
    "coverage_province": lambda s, ref: q.coverage_matrix(s, ref, "county"),
    "compare_targets": lambda s, ref: q.compare_targets(s, ref, child_level="county"),
    "search": lambda s, ref: q.search(s, ref),
    "obligations": lambda s, ref: q.obligations(s, ref),
}
HEADLINE = "cascade_province"
SEARCH_TERMS = ["追溯", "校园 食堂", "抽检", "农药", "冷链", "网络餐饮"]


def choose_refs(store: Store, n: int = 20) -> dict[str, list[str]]:
    """Up to ``n`` references per query: linked national and provincial measures, linked county tasks, county
    plans, provincial plans, search terms and county market regulators."""
    level = {p.id: p.plan.level for p in store.plans()}
    by_level: dict[str, list[str]] = {}
    for pid, lv in sorted(level.items()):
        by_level.setdefault(lv, []).append(pid)
    links = store.edges("DERIVES_FROM")
    into = {lv: sorted({e.target for e in links if level.get(e.link.target_plan) == lv})
            for lv in ("national", "province")}
    county_tasks = sorted({e.source for e in links if level.get(e.link.source_plan) == "county"})
    agencies = sorted(a.id for a in store.find_nodes("Agency", level="county") if "市场监" in a.agency.name)
    provinces = by_level.get("province") or by_level.get("national") or []
    refs = {
        "cascade_national": _spread(into["national"] or _measures(store, by_level.get("national", [])), n),
        "cascade_province": _spread(into["province"] or _measures(store, provinces), n),
        "sources_county": _spread(county_tasks or _measures(store, by_level.get("county", [])), n),
        "plan_tree": _spread(by_level.get("county", []) or sorted(level), n),
        "coverage_province": _spread(provinces, n),
        "compare_targets": _spread(provinces, n),
        "search": SEARCH_TERMS[:n],
        "obligations": _spread(agencies or sorted(a.id for a in store.find_nodes("Agency")), n),
    }
    empty = [k for k, v in refs.items() if not v]
    if empty:
        raise InputError("store", f"the store has nothing to ask {', '.join(empty)} about")
    return refs


def _measures(store: Store, plans: list[str]) -> list[str]:
    return sorted(m.id for p in plans[:3] for m in store.find_nodes("Measure", plan_id=p, kind="task"))


def _spread(ids: list[str], n: int) -> list[str]:
    """``n`` ids spread evenly over the sorted list (not the first ``n``: those cluster in one plan)."""
    if len(ids) <= n:
        return ids
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]
