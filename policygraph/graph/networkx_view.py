"""The graph, or one plan's part of it, as a networkx MultiDiGraph: for researchers' own analysis, the pyvis
networks and the queries that need graph algorithms (centrality of bodies, co-responsibility).

Built from the store's reads (``document_graph``, ``cascade_links``), never kept: the stores answer the
questions the graph exists for, and networkx is where an algorithm is wanted on a part of it.
"""
from __future__ import annotations

from typing import Literal

import networkx as nx

from policygraph.graph.model import EDGE_TYPES, NODE_LABELS, Edge, Node
from policygraph.graph.store import LinkFilter, Store

Kind = Literal["all", "structure", "responsibility", "cascade"]
#: Edge types each kind keeps (cascade: the plan's live DERIVES_FROM links, both ways).
KIND_TYPES: dict[str, frozenset[str]] = {
    "all": frozenset(EDGE_TYPES),
    "structure": frozenset({"HAS_MEASURE", "PART_OF"}),
    "responsibility": frozenset({"RESPONSIBLE_FOR"}),
    "cascade": frozenset({"DERIVES_FROM"}),
}


def to_networkx(store: Store, plan: str | None = None, kind: Kind = "all") -> nx.MultiDiGraph:
    """A MultiDiGraph of ``plan``'s part of the graph (its nodes, the bodies, places, laws its edges reach, and
    the live links touching its measures), or of the whole store when ``plan`` is None (small stores only:
    everything is read). Nodes carry ``label`` and their fields; edges are keyed by edge id and carry ``type``
    and their fields. ``kind`` keeps one family of edges and the nodes they join.

    >>> g = to_networkx(store, plan="p-76e4e6bda031", kind="responsibility")   # doctest: +SKIP
    >>> sorted(g.nodes[n]["label"] for n in g)[:1]                             # doctest: +SKIP
    ['Agency']
    """
    if kind not in KIND_TYPES:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KIND_TYPES)}")
    types = KIND_TYPES[kind]
    if plan is None:
        nodes = [n for label in NODE_LABELS for n in store.find_nodes(label)]
        edges = [e for t in sorted(types) for e in store.edges(t)
                 if t != "DERIVES_FROM" or LinkFilter().passes(e)]
    else:
        owned, structural = store.document_graph(plan)
        measures = [n.id for n in owned if n.label == "Measure"]
        # The links only when kept: a province's plan holds ~11,000 at 1,000 plans, and the responsibility network
        # (each plan page's panel) read and dropped them all.
        links = ([*store.cascade_links(measures, "down", 1), *store.cascade_links(measures, "up", 1)]
                 if "DERIVES_FROM" in types else [])
        far = store.get_nodes({x for e in links for x in (e.source, e.target)} - {n.id for n in owned})
        nodes = [*owned, *far.values()]
        edges = [e for e in [*structural, *links] if e.type in types]
    return _graph(nodes, edges, keep_isolated=kind == "all")


def _graph(nodes: list[Node], edges: list[Edge], keep_isolated: bool) -> nx.MultiDiGraph:
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    by_id = {n.id: n for n in nodes}
    used = {x for e in edges for x in (e.source, e.target)}
    for n in nodes:
        if keep_isolated or n.id in used:
            g.add_node(n.id, **{**n.props, "label": n.label, "doc": n.doc})
    for e in edges:
        if e.source in by_id and e.target in by_id:
            g.add_edge(e.source, e.target, key=e.id, **{**e.props, "type": e.type, "doc": e.doc})
    return g
