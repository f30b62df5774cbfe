"""The whole store as RDF, a small chunk at a time, and writers that never hold the whole graph.

Chunks come in this order: each plan (its ``document_graph``: the nodes it owns and the edges touching them);
the shared nodes (agencies, laws, places, a thousand at a time), the facts between them (BELONGS_TO, WITHIN)
and the government functions the agencies carry; the plan-level links; then the measure-level links in keyset
pages (``link_page``). A shared node is written once, in its own phase, so no set of ids written is kept: what is
held is the current chunk, or the nodes of one shared label (size M: 49,000 agencies), and the function names.

Writers: N-Triples and N-Quads are a line per triple (rdflib's row writer); Turtle writes the prefixes once, then
each chunk by subject (``s p o ; p o .``); JSON-LD writes ``{"@context": …, "@graph": [`` then one node object per
subject and chunk (a subject met in two chunks, a measure and its links, is two objects with one ``@id``, which
JSON-LD merges). N-Quads puts every triple in one named graph, ``{base}/graph``. The tests parse every format back
and compare it with the graph built in one piece (``whole_graph``).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal as Format, TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import Node as Term

from policygraph.graph.store import Store
from policygraph.linked.iris import PREFIXES, graph_iri
from policygraph.linked.mapping import Triple, edge_triples, function_triples, link_triples, node_triples

RdfFormat = Format["turtle", "jsonld", "nt", "nq"]
RDF_FORMATS: tuple[str, ...] = ("turtle", "jsonld", "nt", "nq")
MEDIA_TYPES: dict[str, str] = {"turtle": "text/turtle", "jsonld": "application/ld+json",
                               "nt": "application/n-triples", "nq": "application/n-quads"}
SUFFIXES: dict[str, str] = {"turtle": "ttl", "jsonld": "jsonld", "nt": "nt", "nq": "nq"}
SHARED_PAGE = 1000
LINK_PAGE = 5000  # links per page: link_page counts every match per call, so few large pages
T = TypeVar("T")


def chunks(store: Store, base: str, link_page: int = LINK_PAGE) -> Iterator[list[Triple]]:
    """The store's triples in chunks of one plan, a page of shared nodes or a page of links."""
    for plan in sorted(store.plans(), key=lambda p: p.id):
        nodes, edges = store.document_graph(plan.id)
        out = [t for n in nodes if n.doc == plan.id for t in node_triples(base, n)]
        out += [t for e in edges for t in edge_triples(base, e)]
        yield out
    functions: set[str] = set()
    for label in ("Jurisdiction", "Agency", "Law"):
        found = store.find_nodes(label)
        for page in _pages(found, SHARED_PAGE):
            functions.update(f for n in page if n.label == "Agency" for f in n.agency.functions)
            yield [t for n in page for t in node_triples(base, n)]
        del found
    for kind in ("WITHIN", "BELONGS_TO"):
        yield [t for e in store.edges(kind) for t in edge_triples(base, e)]
    yield [t for f in sorted(functions) for t in function_triples(f)]
    yield [t for e in store.edges("PLAN_DERIVES_FROM") for t in link_triples(base, e)]
    after: str | None = None
    while True:
        links, _ = store.link_page(after=after, limit=link_page)
        if not links:
            return
        yield [t for e in links for t in link_triples(base, e)]
        after = links[-1].id


def _pages(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def whole_graph(parts: Iterable[list[Triple]]) -> Graph:
    """Every chunk in one rdflib Graph (small stores: the SPARQL endpoint, tests)."""
    g = _bound(Graph())
    for part in parts:
        for t in part:
            g.add(t)
    return g


def write(parts: Iterable[list[Triple]], fmt: RdfFormat, base: str) -> Iterator[bytes]:
    """The chunks serialised in ``fmt``, as UTF-8 pieces to write or stream one after another."""
    writer: Callable[[Iterable[list[Triple]], str], Iterator[str]] = _WRITERS[fmt]
    for text in writer(parts, base):
        if text:
            yield text.encode("utf-8")


def _ntriples(parts: Iterable[list[Triple]], base: str) -> Iterator[str]:
    for part in parts:
        yield "".join(_nt_row(t) for t in part)


def _nquads(parts: Iterable[list[Triple]], base: str) -> Iterator[str]:
    context = f" {graph_iri(base).n3()} .\n"
    for part in parts:
        # an N-Triples row ends in " .\n" and holds no other line break (literals escape theirs)
        yield "".join(_nt_row(t)[:-3] + context for t in part)


def _turtle(parts: Iterable[list[Triple]], base: str) -> Iterator[str]:
    """Turtle by subject (``s p o ; p o .``): rdflib's own serialiser sorts and nests, ~20,000 triples a second,
    an hour at size M; this writes the same graph twenty times faster."""
    names = _Names()
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"
    for part in parts:
        out = []
        for subject, pairs in _by_subject(part).items():
            body = " ;\n    ".join(f"{names.turtle(p)} {names.turtle(o)}" for p, o in pairs)
            out.append(f"{names.turtle(subject)}\n    {body} .\n")
        yield "".join(out)


def _by_subject(part: list[Triple]) -> dict[Term, list[tuple[Term, Term]]]:
    """A chunk's triples grouped by subject, each pair once, in the order met."""
    found: dict[Term, dict[tuple[Term, Term], None]] = {}
    for s, p, o in part:
        found.setdefault(s, {})[(p, o)] = None
    return {s: list(pairs) for s, pairs in found.items()}


class _Names:
    """Terms as Turtle: vocabulary IRIs as prefixed names (``eli:title``), ours in full, literals as rdflib
    writes them (with the datatype as a prefixed name)."""

    def __init__(self) -> None:
        self.graph = _bound(Graph())
        self.cache: dict[URIRef, str] = {RDF.type: "a"}

    def turtle(self, term: Term) -> str:
        if isinstance(term, URIRef):
            known = self.cache.get(term)
            if known is None:
                known = self._name(term)
                if not known.startswith("<"):  # only the vocabulary is remembered: a node's IRI comes once or twice,
                    self.cache[term] = known   # and remembering them all held 500 MB more at size M
            return known
        if isinstance(term, Literal):
            return term.n3(self.graph.namespace_manager)
        return term.n3()

    def _name(self, term: URIRef) -> str:
        for prefix, ns in PREFIXES.items():
            local = str(term)[len(ns):]
            if str(term).startswith(ns) and _LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
        return term.n3()

    def jsonld(self, term: URIRef) -> str:
        name = self.turtle(term)
        return name if not name.startswith("<") else str(term)


_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def jsonld_context() -> dict[str, str]:
    return {p: str(ns) for p, ns in PREFIXES.items()}


def _jsonld(parts: Iterable[list[Triple]], base: str) -> Iterator[str]:
    """``{"@context": …, "@graph": [`` then one node object per subject and chunk, compacted by hand."""
    names = _Names()
    yield '{"@context": ' + json.dumps(jsonld_context()) + ',\n "@graph": ['
    first = True
    for part in parts:
        out = []
        for subject, pairs in _by_subject(part).items():
            obj: dict[str, Any] = {"@id": _jsonld_id(names, subject)}
            for p, o in pairs:
                if p == RDF.type and isinstance(o, URIRef):
                    obj.setdefault("@type", []).append(names.jsonld(o))
                else:
                    obj.setdefault(names.jsonld(p) if isinstance(p, URIRef) else str(p), []).append(
                        _jsonld_value(names, o))
            out.append(("\n  " if first else ",\n  ") + json.dumps(obj, ensure_ascii=False))
            first = False
        yield "".join(out)
    yield "\n]}\n"


def _jsonld_id(names: _Names, term: Term) -> str:
    return names.jsonld(term) if isinstance(term, URIRef) else f"_:{term}"


def _jsonld_value(names: _Names, o: Term) -> dict[str, Any]:
    if isinstance(o, Literal):
        if o.language:
            return {"@value": str(o), "@language": o.language}
        if o.datatype is not None:
            return {"@value": str(o), "@type": names.jsonld(o.datatype)}
        return {"@value": str(o)}
    return {"@id": _jsonld_id(names, o)}


def _bound(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


_WRITERS: dict[str, Callable[[Iterable[list[Triple]], str], Iterator[str]]] = {
    "nt": _ntriples, "nq": _nquads, "turtle": _turtle, "jsonld": _jsonld}


