"""Linked data over HTTP: the RDF export, dereferenceable IRIs (``/id/{kind}/{id}``) and ``/sparql``.

- ``GET /api/v1/export?format=turtle|jsonld|nt|nq`` streams the whole graph (``linked.stream``), taking the store
  lock for each chunk it reads rather than for the whole export, so other requests are answered meanwhile (an
  export running across a write may show some plans before it and some after). An error once streaming has
  begun can only cut the response short.
- ``GET /id/{kind}/{id}``: Turtle, JSON-LD or N-Triples by ``Accept``; a browser (``text/html`` preferred) is sent
  to the node's page with 303 See Other; an unknown node is 404 and an Accept it cannot meet 406, as problem+json.
- ``GET|POST /sparql``: the SPARQL 1.1 protocol (``query=`` in the URL or a form, or an
  ``application/sparql-query`` body), read-only, with the limits of ``linked.sparql`` (``ApiSettings.sparql``).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Literal
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor

from policygraph.api.deps import Backend, backend, settings
from policygraph.api.negotiation import choose
from policygraph.api.problems import responses
from policygraph.api.settings import ApiSettings
from policygraph.errors import BadRequest, NotAcceptable, Refused, TooLarge
from policygraph.graph.store import Store
from policygraph.linked import sparql
from policygraph.linked.describe import as_graph, describe
from policygraph.linked.iris import LABELS, LINK_KIND, PREFIXES
from policygraph.linked.mapping import Triple
from policygraph.linked.stream import MEDIA_TYPES, SUFFIXES, chunks, write

router = APIRouter(tags=["linked data"])
RDF_CONTENT: dict[str, Any] = {MEDIA_TYPES[f]: {} for f in ("turtle", "jsonld", "nt")}
SPARQL_CONTENT: dict[str, Any] = {m: {} for m in [*sparql.SELECT_FORMATS.values(), *sparql.GRAPH_FORMATS.values()]}
#: A node's page (``viz/pages.py``) by kind; an indicator's is its measure's, a place's the list of places.
PAGES = {"plan": "/plans/", "measure": "/measures/", "agency": "/agencies/", "law": "/laws/", "link": "/links/"}
#: Media types /id answers, the first the default; text/html is the browser's redirect.
DESCRIPTION_TYPES = {"text/turtle": "turtle", "application/ld+json": "jsonld", "application/n-triples": "nt",
                     "application/json": "jsonld", "text/html": "html"}


@router.get("/api/v1/export", response_class=Response, responses={200: {"content": {
    m: {} for m in MEDIA_TYPES.values()}}, **responses(422, 503)})
def export(format: Literal["turtle", "jsonld", "nt", "nq"] = Query("turtle", description="RDF serialisation"),
           b: Backend = Depends(backend), config: ApiSettings = Depends(settings)) -> StreamingResponse:
    """The whole graph as RDF (ELI, PROV, ORG and SKOS terms; ours in the ``pg:`` namespace), streamed; N-Quads
    put every triple in the named graph ``{base}/graph``."""
    base = config.base_iri
    pieces = write(_locked(chunks(b.store, base), b.lock), format, base)
    return StreamingResponse(pieces, media_type=MEDIA_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="policygraph.{SUFFIXES[format]}"'})


def _locked(parts: Iterable[list[Triple]], lock: AbstractContextManager[Any]) -> Iterator[list[Triple]]:
    """The chunks, each read from the store under ``lock`` and serialised outside it."""
    it = iter(parts)
    while True:
        with lock:
            part = next(it, None)
        if part is None:
            return
        yield part


class _NodeId(Convertor[str]):
    """A node id in a path: any characters, line breaks too (``path``'s ``.*`` stops at ``%0A``)."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("node_id", _NodeId())


@router.get("/id/{kind}/{node_id:node_id}", response_class=Response,
            responses={200: {"content": RDF_CONTENT, "description": "the node's description"},
                       303: {"description": "a browser: the node's page"}, **responses(404, 406)})
def dereference(request: Request, kind: str = Path(examples=["measure"], description=", ".join([*LABELS, LINK_KIND])),
                node_id: str = Path(examples=["m-0123456789ab"]), b: Backend = Depends(backend),
                config: ApiSettings = Depends(settings)) -> Response:
    """A node (or a link) as RDF: its triples and those of the links and edges touching it, as Turtle, JSON-LD
    or N-Triples by ``Accept``; a browser is redirected (303) to its page."""
    chosen = choose(request.headers.get("accept"), list(DESCRIPTION_TYPES))
    with b.lock:
        triples = describe(b.store, config.base_iri, kind, node_id)  # NotFound before NotAcceptable
        page = _page(b.store, kind, node_id) if chosen == "text/html" else None
    if chosen is None:
        raise NotAcceptable(f"cannot answer {request.headers.get('accept')!r}: ask for "
                            + ", ".join(m for m in DESCRIPTION_TYPES if m != "application/json"))
    if page is not None:
        return RedirectResponse(page, status_code=303, headers={"Vary": "Accept"})
    fmt = DESCRIPTION_TYPES[chosen]
    g = as_graph(triples)
    if fmt == "jsonld":
        body = g.serialize(format="json-ld", context={p: str(ns) for p, ns in PREFIXES.items()}, auto_compact=True,
                           encoding="utf-8")
    else:
        body = g.serialize(format=fmt, encoding="utf-8")
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"Vary": "Accept"})


def _page(store: Store, kind: str, node_id: str) -> str:
    if kind == "indicator":
        node = store.get_node(node_id)
        return PAGES["measure"] + quote(node.indicator.measure_id if node else "", safe="")
    if kind == "jurisdiction":
        return "/jurisdictions"
    return PAGES[kind] + quote(node_id, safe="")


# ---- SPARQL ---------------------------------------------------------------------------------------------------
_cache_lock = threading.Lock()
QueryParam = Query(default=None, description="a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)",
                   examples=["SELECT ?plan ?title WHERE { ?plan a pg:Plan ; eli:title ?title }"])
FormatParam = Query(default=None, description="result format instead of Accept: json, xml, csv, tsv (SELECT, "
                                              "ASK); turtle, jsonld, nt (CONSTRUCT, DESCRIBE)")
SPARQL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": SPARQL_CONTENT, "description": "the results; a PolicyGraph-Truncated header when cut"},
    **responses(400, 403, 406, 413, 422, 503)}


def graph_cache(request: Request) -> sparql.GraphCache:
    with _cache_lock:
        cache: sparql.GraphCache | None = getattr(request.app.state, "linked_graph", None)
        if cache is None:
            cache = request.app.state.linked_graph = sparql.GraphCache()
        return cache


@router.get("/sparql", response_class=Response, responses=SPARQL_RESPONSES)
def sparql_get(request: Request, query: str | None = QueryParam, format: str | None = FormatParam,
               b: Backend = Depends(backend), config: ApiSettings = Depends(settings),
               cache: sparql.GraphCache = Depends(graph_cache)) -> Response:
    """Read-only SPARQL 1.1 over the current graph (prefixes eli, prov, org, skos, pg, pgf, rdf, rdfs, xsd, owl
    are predeclared). Updates, SERVICE and FROM are refused (403); limits: query length (413), time (422), rows
    (cut, with a ``PolicyGraph-Truncated`` header)."""
    return _answer(request, query, format, b, config, cache)


@router.post("/sparql", response_class=Response, responses=SPARQL_RESPONSES,
             openapi_extra={"requestBody": {"content": {
                 "application/sparql-query": {"schema": {"type": "string"}},
                 "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                     "query": {"type": "string"}, "format": {"type": "string"}}}}}}})
async def sparql_post(request: Request, b: Backend = Depends(backend), config: ApiSettings = Depends(settings),
                      cache: sparql.GraphCache = Depends(graph_cache)) -> Response:
    """The same, with the query in the body: ``application/sparql-query``, or a form with ``query=`` (a form
    with ``update=``, or an ``application/sparql-update`` body, is refused: 403)."""
    limit = config.sparql.max_query_chars * 4 + 1024  # characters of UTF-8, and a form's percent-encoding
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit * 3:
        raise TooLarge("query", f"is over the {config.sparql.max_query_chars:,}-character limit")
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = request.query_params.get("format")
    if kind == "application/sparql-update":
        raise Refused("this endpoint is read-only: SPARQL updates are refused")
    if kind == "application/sparql-query":
        text = body.decode("utf-8", errors="replace")
    elif kind == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        if "update" in form:
            raise Refused("this endpoint is read-only: SPARQL updates are refused")
        if len(form.get("query", [])) != 1:
            raise BadRequest("send exactly one query= field")
        text = form["query"][0]
        fmt = form["format"][0] if form.get("format") else fmt
    else:
        raise BadRequest("send the query as application/sparql-query or as a form (query=…)")
    return await run_in_threadpool(_answer, request, text, fmt, b, config, cache)


def _answer(request: Request, text: str | None, fmt: str | None, b: Backend, config: ApiSettings,
            cache: sparql.GraphCache) -> Response:
    limits = config.sparql
    if text is None:
        raise BadRequest("no query: send one as query= (GET or a form) or as an application/sparql-query body")
    prepared = sparql.prepare(text, limits)
    formats = prepared.formats()
    if fmt is not None and fmt not in formats:
        raise NotAcceptable(f"format {fmt!r} is not one for a {prepared.form} answer: use {', '.join(formats)}")
    if fmt is None:
        by_type = {**{m: f for f, m in formats.items()}, **_ALIASES.get(prepared.form, {})}
        chosen = choose(request.headers.get("accept"), list(by_type))
        if chosen is None:
            raise NotAcceptable(f"cannot answer {request.headers.get('accept')!r} for a {prepared.form} query: ask "
                                f"for {', '.join(formats.values())}")
        fmt = by_type[chosen]
    graph = cache.get(b.store, config.base_iri, limits, b.lock)
    answer = sparql.execute(graph, prepared, fmt, limits)
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["PolicyGraph-Truncated"] = f"only the first {limits.max_rows} rows or triples are given"
    return Response(answer.body, media_type=answer.media_type, headers=headers)


_ALIASES = {"SELECT": {"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
            "ASK": {"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
            "CONSTRUCT": {"application/json": "jsonld"}, "DESCRIBE": {"application/json": "jsonld"}}
