"""The read-only SPARQL 1.1 endpoint: an in-memory rdflib copy of the graph, and queries with limits.

The copy is built from the store (``stream.chunks``), kept while ``store.version()`` stays the same and built
again after a load or a review; past ``max_triples`` it is not built (503): the endpoint is meant for small and
medium graphs. rdflib's memory store takes ~1.1 KB a triple (the first million triples of size M: 1,090 MiB, built
in 43 s) and the sample corpus is ~15,000 triples (0.3 s), so the default limit, 2,000,000 triples, is ~2 GiB; a
national store (size M: 29.6 million triples, ~32 GiB as one rdflib graph) belongs in a triple store loaded from
``policygraph export``.

Limits, each one answer:
- the query text: at most ``max_query_chars`` characters (413);
- not a query (an update: INSERT, DELETE, LOAD, CLEAR, …) or a query reaching outside (SERVICE, FROM, FROM
  NAMED: rdflib would fetch those IRIs): refused, 403, since the endpoint understood it and will not do it; a
  text that parses as neither query nor update is 400;
- time: rdflib evaluates in the caller's thread and cannot be interrupted from outside it, so the copy's
  store checks a deadline each time a triple pattern is matched and every 1,024 triples it yields, and stops
  the query there (422). Every step of a SPARQL evaluation, a cartesian product's inner loop, an aggregate, a
  property path, reads triples, so none runs past the deadline by more than one batch; a worker process would
  stop even a query stuck outside the triples, but would need its own copy of the graph;
- size: at most ``max_rows`` rows (SELECT) or triples (CONSTRUCT, DESCRIBE); a longer answer is cut and says
  so in the ``PolicyGraph-Truncated`` header.
"""
from __future__ import annotations

import io
import threading
import time
from collections.abc import Generator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from typing import Any, cast

from rdflib import Graph, Literal, Variable
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import CompValue
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query, SPARQLError
from rdflib.plugins.stores.memory import Memory
from rdflib.query import Result, ResultRow

from policygraph.errors import BadRequest, Refused, StoreError, TooExpensive, TooLarge
from policygraph.graph.store import Store
from policygraph.linked.iris import PREFIXES
from policygraph.linked.stream import chunks

SELECT_FORMATS: dict[str, str] = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                                  "csv": "text/csv", "tsv": "text/tab-separated-values"}
ASK_FORMATS: dict[str, str] = {k: SELECT_FORMATS[k] for k in ("json", "xml")}
GRAPH_FORMATS: dict[str, str] = {"turtle": "text/turtle", "jsonld": "application/ld+json",
                                 "nt": "application/n-triples"}
_RDFLIB_FORMAT = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}
INIT_NS = {p: str(ns) for p, ns in PREFIXES.items()}


@dataclass(frozen=True)
class SparqlLimits:
    """How long, how big and how many (see the module docstring); ``ApiSettings`` carries them."""

    timeout_s: float = 10.0
    max_query_chars: int = 10_000
    max_rows: int = 10_000
    max_triples: int = 2_000_000


class GraphTooLarge(StoreError):
    """The store holds more triples than the in-memory endpoint takes (503)."""


# ---- the graph ----------------------------------------------------------------------------------------------
_deadline: ContextVar[float | None] = ContextVar("sparql_deadline", default=None)


class _TimedMemory(Memory):
    """rdflib's memory store, stopping the query of the calling context at its deadline (``_deadline``)."""

    def triples(self, triple_pattern: Any, context: Any = None) -> Generator[Any, None, None]:
        deadline = _deadline.get()
        if deadline is None:
            yield from super().triples(triple_pattern, context)
            return
        _check(deadline)
        for i, found in enumerate(super().triples(triple_pattern, context), start=1):
            if not i & 1023:
                _check(deadline)
            yield found


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise TooExpensive("the query ran past its time limit and was stopped; narrow it (fewer unbound "
                           "patterns, a LIMIT) or export the graph into a triple store")


def build_graph(store: Store, base: str, max_triples: int) -> Graph:
    """The store's triples in one rdflib graph whose queries can be stopped (GraphTooLarge past the limit,
    told from the store's counts when they already say so, before anything is read)."""
    if (least := fewest_triples(store.counts())) > max_triples:
        raise _too_large(max_triples, f"at least {least:,}")
    g = Graph(store=_TimedMemory())
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for part in chunks(store, base):
        for t in part:
            g.add(t)
        if len(g) > max_triples:
            raise _too_large(max_triples, "more")
    return g


def fewest_triples(counts: dict[str, dict[str, int]]) -> int:
    """A lower bound of the triples ``mapping`` writes for a store of these counts: every node has at least
    three (its types and a label, or its place in a plan), a measure-level link five, a responsibility six."""
    edges = counts["edges"]
    return 3 * sum(counts["nodes"].values()) + 5 * edges.get("DERIVES_FROM", 0) + 6 * edges.get("RESPONSIBLE_FOR", 0)


def _too_large(max_triples: int, found: str) -> GraphTooLarge:
    return GraphTooLarge(f"the graph has {found} triples than the {max_triples:,} the in-memory SPARQL endpoint "
                         "holds; export it (policygraph export --format nt) into a triple store")


class GraphCache:
    """One graph per store version, built when first asked after a change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str] | None = None
        self._graph: Graph | None = None
        self._refused: tuple[tuple[str, str], GraphTooLarge] | None = None

    def get(self, store: Store, base: str, limits: SparqlLimits, store_lock: Any) -> Graph:
        """The current graph; ``store_lock`` is held while the store is read (the stores are not thread-safe).
        A graph found too large is not tried again until the store changes."""
        with self._lock:
            with store_lock:
                version = store.version()
                key = (base, version) if version is not None else None
                if self._refused is not None and key == self._refused[0]:
                    raise self._refused[1]
                if self._graph is None or key is None or key != self._key:
                    self._graph = None  # the old copy goes before the new one is built
                    try:
                        self._graph = build_graph(store, base, limits.max_triples)
                    except GraphTooLarge as exc:
                        self._refused = (key, exc) if key is not None else None
                        raise
                    self._key = key
            return self._graph


# ---- queries ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prepared:
    """A parsed query and its form: SELECT, ASK, CONSTRUCT or DESCRIBE."""

    query: Query
    form: str

    def formats(self) -> dict[str, str]:
        """Result format name → media type, the first the default."""
        return {"SELECT": SELECT_FORMATS, "ASK": ASK_FORMATS}.get(self.form, GRAPH_FORMATS)


_parse_lock = threading.Lock()  # pyparsing's packrat cache is shared by every thread


def prepare(text: str, limits: SparqlLimits) -> Prepared:
    """Parse a query, refusing what the endpoint does not run (see the module docstring)."""
    if len(text) > limits.max_query_chars:
        raise TooLarge("query", f"is {len(text):,} characters, over the {limits.max_query_chars:,}-character limit")
    if not text.strip():
        raise BadRequest("no query: send one as query= (GET or a form) or as an application/sparql-query body")
    with _parse_lock:
        try:
            query = prepareQuery(text, initNs=INIT_NS)
        except Exception as exc:  # pyparsing's ParseException, and rdflib's bare Exception for an unknown prefix
            if _is_update(text):
                raise Refused("this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, …) are "
                              "refused") from exc
            raise BadRequest(f"the query does not parse: {' '.join(str(exc).split())}") from exc
    if query.algebra.get("datasetClause"):
        raise Refused("FROM and FROM NAMED are refused: the endpoint queries the PolicyGraph graph only")
    if _uses_service(query.algebra):
        raise Refused("SERVICE (federated query) is refused: the endpoint queries the PolicyGraph graph only")
    form = query.algebra.name.removesuffix("Query").upper()
    return Prepared(query=query, form=form)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # not an update either: the caller reports the query's own parse error
        return False
    return True


def _uses_service(part: object) -> bool:
    if isinstance(part, CompValue):
        return part.name == "ServiceGraphPattern" or any(_uses_service(v) for v in part.values())
    if isinstance(part, (list, tuple)):
        return any(_uses_service(v) for v in part)
    return False


@dataclass(frozen=True)
class Answer:
    """A serialised result: the bytes, their media type, and whether rows or triples were cut."""

    body: bytes
    media_type: str
    truncated: bool


def execute(graph: Graph, prepared: Prepared, fmt: str, limits: SparqlLimits,
            bindings: Mapping[str, Any] | None = None) -> Answer:
    """Run a prepared query within the limits and serialise it in ``fmt`` (one of ``prepared.formats()``).

    ``bindings`` are passed as rdflib's ``initBindings``: callers give values that way, never in the text."""
    token = _deadline.set(time.monotonic() + limits.timeout_s)
    try:
        try:
            result = graph.query(prepared.query, initBindings=dict(bindings or {}))
            body, truncated = _serialise(result, prepared.form, fmt, limits.max_rows)
        except SPARQLError as exc:
            raise BadRequest(f"the query cannot be evaluated: {' '.join(str(exc).split())}") from exc
    finally:
        _deadline.reset(token)
    return Answer(body=body, media_type=prepared.formats()[fmt], truncated=truncated)


def _serialise(result: Result, form: str, fmt: str, max_rows: int) -> tuple[bytes, bool]:
    if form == "ASK":
        return _bytes(result, fmt), False
    if form == "SELECT":
        rows = cast(list[ResultRow], list(islice(iter(result), max_rows + 1)))
        cut = Result("SELECT")
        cut.vars = result.vars
        names = result.vars or []
        cut.bindings = [{Variable(v): row[i] for i, v in enumerate(names) if row[i] is not None}
                        for row in rows[:max_rows]]
        return _bytes(cut, fmt), len(rows) > max_rows
    triples = list(islice(iter(result), max_rows + 1))
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for t in triples[:max_rows]:
        g.add(t)  # type: ignore[arg-type]
    return g.serialize(format=_RDFLIB_FORMAT[fmt], encoding="utf-8"), len(triples) > max_rows


def _bytes(result: Result, fmt: str) -> bytes:
    if fmt == "tsv":
        return _tsv(result)
    out = io.BytesIO()
    result.serialize(out, format=fmt, encoding="utf-8")
    return out.getvalue()


def _tsv(result: Result) -> bytes:
    """SPARQL 1.1 TSV results (rdflib parses them but does not write them): a ``?var`` header, then each row's
    terms in N-Triples syntax (a literal's tabs and line breaks escaped), unbound ones empty."""
    names = [str(v) for v in result.vars or []]
    lines = ["\t".join(f"?{n}" for n in names)]
    for row in cast(list[ResultRow], list(result)):
        lines.append("\t".join("" if t is None else _quoteLiteral(t) if isinstance(t, Literal) else t.n3()
                                for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")
