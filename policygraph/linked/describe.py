"""The description of one node: what ``GET /id/{kind}/{id}`` answers.

A node's own triples, the triples of every edge touching it (structure, responsibilities, targets, citations,
places) and of every link where it is the lower or the higher end, with their qualified derivations: a bounded
description, read with a handful of store calls (``get_node``, ``edges``), never the whole graph.
"""
from __future__ import annotations

from rdflib import Graph

from policygraph.errors import NotFound
from policygraph.graph.model import LINK_TYPES
from policygraph.graph.store import Store
from policygraph.linked.iris import ELI, LABELS, LINK_KIND, PG, PREFIXES, node_iri
from policygraph.linked.mapping import Triple, edge_triples, function_triples, link_triples, node_triples

#: What an unknown kind is told.
KIND_LIST = ", ".join([*LABELS, LINK_KIND])


def describe(store: Store, base: str, kind: str, node_id: str) -> list[Triple]:
    """The triples describing the node (or link) ``node_id`` of ``kind``; NotFound when there is none.

    >>> len(describe(store, "http://127.0.0.1:8000", "measure", "m-…")) > 0   # doctest: +SKIP
    True
    """
    if kind == LINK_KIND:
        link = store.get_edge(node_id)
        if link is None or link.type not in LINK_TYPES:
            raise NotFound(f"no link {node_id!r}", listing="links")
        return link_triples(base, link)
    label = LABELS.get(kind)
    if label is None:
        raise NotFound(f"no kind {kind!r} of resource: use one of {KIND_LIST}")
    node = store.get_node(node_id)
    if node is None or node.label != label:
        raise NotFound(f"no {kind} {node_id!r}", listing=f"{kind}s" if kind in ("plan", "agency", "law") else None)
    out = node_triples(base, node)
    here = node_iri(base, label, node.id)
    for e in [*store.edges(source=node.id), *store.edges(target=node.id)]:
        if e.type == "PART_OF" and e.target == node.id:  # a child: named by its own fields, so named here
            child = node_iri(base, "Measure", e.source)
            out += [(here, ELI["has_part"], child), (child, ELI["is_part_of"], here)]
        elif e.type == "HAS_MEASURE" and e.source == node.id:
            out.append((node_iri(base, "Measure", e.target), PG["inPlan"], here))
        else:
            out += edge_triples(base, e)
    if node.label == "Agency":
        out += [t for f in node.agency.functions for t in function_triples(f)]
    return out


def as_graph(triples: list[Triple]) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for t in triples:
        g.add(t)
    return g


