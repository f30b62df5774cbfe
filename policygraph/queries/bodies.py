"""Bodies that share obligations: the co-responsibility network of one plan or of a province's plans, and how
central each body is in it (networkx, on the part of the graph the question is about).

Two bodies are joined when both are named for the same task unit; the weight is the number of such tasks.
Degree centrality says how many other bodies one works with (as a share of all); betweenness how often it
lies on the shortest path between two others — the coordinating bodies a province's work runs through.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from policygraph.graph.places import plan_places
from policygraph.errors import InputError, NotFound
from policygraph.graph.store import Store
from policygraph.queries.models import Listing, PlanRef
from policygraph.queries.refs import resolve_plan
from policygraph.queries.snapshot import snapshot

if TYPE_CHECKING:
    import networkx as nx

#: Betweenness is estimated from this many sampled sources on larger networks (exact below it), seeded.
BETWEENNESS_SAMPLE = 300


class BodyCentrality(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "a-3e1f0c2b9d7a", "name": "XX县市场监督管理局", "level": "county", "jurisdiction": "XX县",
        "collective": False, "tasks": 31, "partners": 18, "degree": 0.62, "betweenness": 0.41}]})
    id: str
    name: str
    level: str
    jurisdiction: str | None = None
    collective: bool = False
    tasks: int = Field(description="task units it is named for in these plans")
    partners: int = Field(description="other bodies it shares at least one task with")
    degree: float = Field(description="degree centrality in the co-responsibility network")
    betweenness: float = Field(description="betweenness centrality (sampled when the network is large)")


class SharedObligations(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "a": "a-3e1f0c2b9d7a", "b": "a-77c0d1e2f3a4", "tasks": 7}]})
    a: str
    b: str
    tasks: int = Field(description="task units both are named for")


class CoResponsibility(Listing):
    """Bodies (``items``, most connected first) and the pairs that share tasks (``pairs``, most shared first)."""

    plans: list[PlanRef]
    items: list[BodyCentrality] = Field(default_factory=list)
    pairs: list[SharedObligations] = Field(default_factory=list)


def co_responsibility(store: Store, plan: str | None = None, province: str | None = None,
                      min_shared: int = 1) -> CoResponsibility:
    """The co-responsibility network of ``plan``, or of every plan issued in ``province`` (its own, its
    cities' and counties'), with each body's centrality.

    >>> co_responsibility(store, plan="XX县").items[0].name        # doctest: +SKIP
    'XX县市场监督管理局'
    """
    if (plan is None) == (province is None):
        raise InputError("plan/province", "give a plan or a province, e.g. plan=XX县 or province=河北省")
    import networkx as nx  # imported here: every other query answers without it

    from policygraph.graph.networkx_view import to_networkx

    snap = snapshot(store)
    if plan is not None:
        plans = [resolve_plan(snap, plan)]
    else:
        places = plan_places(store)
        plans = sorted(pid for pid, p in places.items() if province in (p.name, *p.parents))
        if not plans:
            raise NotFound(f"no plan issued in {province!r}", listing="plans")
    bipartite: nx.Graph = nx.Graph()
    bodies: dict[str, dict[str, object]] = {}
    for pid in plans:
        g = to_networkx(store, plan=pid, kind="responsibility")
        for a, t in g.edges():  # RESPONSIBLE_FOR: a body → a task
            bodies[a] = g.nodes[a]
            bipartite.add_edge(a, t)
    if not bodies:  # plans that name no body (a province's measures often do not): no network to project
        return CoResponsibility(plans=[snap.plan_ref(p) for p in plans], items=[], pairs=[], total=0)
    graph = _projection(bipartite, bodies)
    shared = [SharedObligations(a=min(a, b), b=max(a, b), tasks=int(w)) for a, b, w in graph.edges(data="weight")
              if w >= min_shared]
    shared.sort(key=lambda s: (-s.tasks, s.a, s.b))
    degree = nx.degree_centrality(graph) if len(graph) > 1 else {n: 0.0 for n in graph}
    k = BETWEENNESS_SAMPLE if len(graph) > BETWEENNESS_SAMPLE else None
    between = nx.betweenness_centrality(graph, k=k, seed=0) if len(graph) > 2 else {n: 0.0 for n in graph}
    items = [BodyCentrality(id=n, name=str(d.get("name", "")), level=str(d.get("level", "")),
                            jurisdiction=d.get("jurisdiction"), collective=bool(d.get("collective")),
                            tasks=int(d["tasks"]), partners=graph.degree(n), degree=round(degree[n], 4),
                            betweenness=round(between[n], 4))
             for n, d in graph.nodes(data=True)]
    items.sort(key=lambda b: (-b.degree, -b.tasks, b.name, b.id))
    return CoResponsibility(plans=[snap.plan_ref(p) for p in plans], items=items, pairs=shared, total=len(items))


def _projection(bipartite: nx.Graph, bodies: dict[str, dict[str, object]]) -> nx.Graph:
    """Bodies joined by the number of tasks they share (networkx's weighted bipartite projection)."""
    import networkx as nx

    graph: nx.Graph = nx.bipartite.weighted_projected_graph(bipartite, sorted(bodies))
    for aid, fields in bodies.items():
        graph.nodes[aid].update({k: fields.get(k) for k in ("name", "level", "jurisdiction", "collective")},
                                tasks=bipartite.degree(aid))
    return graph
