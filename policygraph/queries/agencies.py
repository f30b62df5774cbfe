"""Agency obligations: every task a body leads, supports or is responsible for, across plans and levels.

Functions (市场监管, 农业农村, …) come from ``data/functions.toml`` and link the bodies of different places
that do the same job, so "what does 市场监管 carry at each level" is one question over many bodies.
"""
from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import InputError
from policygraph.graph.model import Node
from policygraph.graph.store import Store
from policygraph.loaders.model import LEVEL_RANK
from policygraph.queries.browse import place_provinces
from policygraph.queries.cache import answer
from policygraph.queries.models import Listing, MeasureView, _example
from policygraph.queries.refs import resolve_agency
from policygraph.queries.snapshot import Snapshot, snapshot

ROLES = ("lead", "support", "responsible")


class AgencySummary(BaseModel):
    """A body, its place, its functions and how many tasks it carries in each role."""

    model_config = _example(id="a-1f0c8a2b3c4d", name="XX县市场监督管理局", functions=["市场监管"], level="county",
                            jurisdiction="XX县", collective=False, tasks=12,
                            by_role={"lead": 9, "support": 3, "responsible": 0})
    id: str
    name: str
    functions: list[str]
    level: str
    jurisdiction: str | None = None
    province: str | None = Field(default=None, description="the province of its place (none: national, or a place "
                                 "name two provinces share)")
    collective: bool = False
    tasks: int
    by_role: dict[str, int]


class LevelSpread(BaseModel):
    """Obligations of the listed bodies at one level, by role."""

    model_config = _example(level="county", agencies=3, tasks=40, by_role={"lead": 30, "support": 10, "responsible": 0})
    level: str
    agencies: int
    tasks: int
    by_role: dict[str, int]


class AgencyList(Listing):
    """Bodies matching the filters, most obligations first, and how their obligations spread over levels."""

    items: list[AgencySummary] = Field(default_factory=list)
    spread: list[LevelSpread]


class Obligation(BaseModel):
    """One task a body carries, with its role as written."""

    model_config = ConfigDict(extra="forbid")
    role: str = Field(examples=["lead"])
    as_written: str = Field(examples=["县市场监管局"])
    task: MeasureView


class Obligations(Listing):
    """Every task of one body across plans and levels, with counts by role."""

    agency: AgencySummary
    items: list[Obligation] = Field(default_factory=list)


#: How the agency list can be ordered: most tasks first (the default), by name, or most in one role first.
AGENCY_SORTS = ("tasks", "name", "lead", "support", "responsible")


def list_agencies(store: Store, function: str | None = None, jurisdiction: str | None = None,
                  level: str | None = None, q: str | None = None, province: str | None = None,
                  sort: str = "tasks") -> AgencyList:
    """Bodies by function, place, level or part of their name, with task counts and the spread over levels.

    >>> [a.name for a in list_agencies(store, function="市场监管", jurisdiction="XX县").items]  # doctest: +SKIP
    ['XX县市场监督管理局']
    """
    if sort not in AGENCY_SORTS:
        raise InputError("sort", f"sort by one of {', '.join(AGENCY_SORTS)}, not {sort!r}")
    return answer(store, _list_agencies, function, jurisdiction, level, q, province, sort)


def _list_agencies(store: Store, function: str | None, jurisdiction: str | None, level: str | None,
                   q: str | None, province: str | None, sort: str) -> AgencyList:
    snap = snapshot(store)
    provinces = place_provinces(store)
    agencies = [a for a in snap.nodes("Agency").values()
                if (function is None or function in a.agency.functions)
                and (jurisdiction is None or a.agency.jurisdiction == jurisdiction)
                and (level is None or a.agency.level == level)
                and (not q or q in a.agency.name)
                and (province is None or provinces.get(a.agency.jurisdiction or "") == province)]
    counts = role_counts(store)
    items = [_summary(snap, a, counts.get(a.id, {}), provinces) for a in agencies]
    if sort == "name":
        items.sort(key=lambda s: (s.name, s.id))
    elif sort in ROLES:
        items.sort(key=lambda s: (-s.by_role.get(sort, 0), -s.tasks, s.name))
    else:
        items.sort(key=lambda s: (-s.tasks, s.name))
    return AgencyList(items=items, total=len(items), spread=_spread(items))


def obligations(store: Store, agency: str, role: str | None = None) -> Obligations:
    """Every task the body ``agency`` (id or full name) carries, optionally only in one ``role``.

    >>> obligations(store, "XX县市场监督管理局").agency.by_role["lead"] > 0   # doctest: +SKIP
    True
    """
    snap = snapshot(store)
    a = resolve_agency(snap, agency)
    items = []
    edges = snap.out("RESPONSIBLE_FOR", a.id)
    snap.prefetch_measures(e.target for e in edges)
    for e in edges:
        m = snap.measure(e.target)
        if m is not None and (role is None or e.responsible.role == role):
            items.append(Obligation(role=e.responsible.role, as_written=e.responsible.as_written,
                                    task=snap.measure_view(m)))
    items.sort(key=lambda o: (o.task.plan.id, o.task.span[:1], o.task.id))
    return Obligations(agency=_summary(snap, a), items=items, total=len(items))


def role_counts(store: Store) -> dict[str, dict[str, int]]:
    """``Store.role_counts`` (each body's tasks by role), kept until the graph changes: the agency index counts
    every body's roles from it, with one grouped query instead of one read per body."""
    return answer(store, _role_counts)


def _role_counts(store: Store) -> dict[str, dict[str, int]]:
    return store.role_counts()


def _summary(snap: Snapshot, a: Node, counted: dict[str, int] | None = None,
             provinces: dict[str, str | None] | None = None) -> AgencySummary:
    roles: Counter[str] = (Counter(counted) if counted is not None
                           else Counter(e.responsible.role for e in snap.out("RESPONSIBLE_FOR", a.id)))
    p = a.agency
    return AgencySummary(id=a.id, name=p.name, functions=list(p.functions), level=p.level,
                         jurisdiction=p.jurisdiction, collective=p.collective, tasks=sum(roles.values()),
                         province=(provinces if provinces is not None else place_provinces(snap.store))
                         .get(p.jurisdiction or ""),
                         by_role={r: roles.get(r, 0) for r in ROLES})


def _spread(items: list[AgencySummary]) -> list[LevelSpread]:
    """Bodies, tasks and roles per level, in one pass (one pass per level and role took a second at 49,000 bodies)."""
    bodies: Counter[str] = Counter()
    tasks: Counter[str] = Counter()
    roles: dict[str, Counter[str]] = {}
    for a in items:
        bodies[a.level] += 1
        tasks[a.level] += a.tasks
        roles.setdefault(a.level, Counter()).update(a.by_role)
    levels = sorted(bodies, key=lambda lv: (LEVEL_RANK.get(lv, 9), lv))
    return [LevelSpread(level=lv, agencies=bodies[lv], tasks=tasks[lv], by_role={r: roles[lv][r] for r in ROLES})
            for lv in levels]
