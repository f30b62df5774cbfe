"""The analysis endpoints: cascades, coverage, agency obligations, target comparison, search."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from policygraph import queries as q
from policygraph.api.deps import Backend, backend
from policygraph.api.paging import CSV_CONTENT, Paging, page
from policygraph.api.problems import responses
from policygraph.queries.agencies import AgencyList, Obligations
from policygraph.queries.bodies import CoResponsibility
from policygraph.queries.cascade import MAX_DEPTH, Cascade
from policygraph.queries.coverage import Coverage, CoverageMatrix
from policygraph.queries.models import Level, Verdict
from policygraph.queries.search import SearchResults
from policygraph.queries.tabular import flatten
from policygraph.queries.targets import TargetComparison

router = APIRouter(prefix="/api/v1", responses=responses(400, 404, 409, 422))
LIST: dict[int | str, dict[str, Any]] = {200: {"content": CSV_CONTENT}}

MeasureRef = Path(description="measure id, or <plan>#<number> (URL-encode # as %23)", examples=["河北省#24"])
PlanParam = Query(description="plan id, or jurisdiction name with optional year", examples=["河北省"])
ScopeQ = Query(default=None, description="only paths whose every hop has this scope")
StatusQ = Query(default=None, description="only paths whose every hop has this status (rejected links never count)")
MinScoreQ = Query(default=None, ge=0.0, le=1.0, description="only paths whose every hop scores at least this")
DepthQ = Query(MAX_DEPTH, ge=1, le=MAX_DEPTH, description="most DERIVES_FROM hops to follow")


def _filter(scope: str | None, status: str | None, min_score: float | None) -> q.LinkFilter:
    return q.LinkFilter(scope=scope, status=status, min_score=min_score)


@router.get("/measures/{ref}/implementations", response_model=Cascade, responses=LIST, tags=["cascade"])
def implementations(ref: str = MeasureRef, level: Level | None = Query(default=None, examples=["county"]),
                    scope: Literal["within", "cross"] | None = ScopeQ,
                    status: Literal["inferred", "confirmed"] | None = StatusQ, min_score: float | None = MinScoreQ,
                    depth: int = DepthQ, paging: Paging = Depends(), b: Backend = Depends(backend)) -> Cascade | Response:
    """Cascade down: every lower-level task deriving from the measure, directly or through intermediate levels,
    grouped by plan and ordered by score, each with agencies, indicators, the path of links and the evidence."""
    result = b.read(q.implementations, ref, level=level, links=_filter(scope, status, min_score), depth=depth)
    return page(result, paging, "implementations")


@router.get("/measures/{ref}/sources", response_model=Cascade, responses=LIST, tags=["cascade"])
def sources(ref: str = Path(description="measure id or <plan>#<number>", examples=["西平县2020#（十七）"]),
            scope: Literal["within", "cross"] | None = ScopeQ,
            status: Literal["inferred", "confirmed"] | None = StatusQ, min_score: float | None = MinScoreQ,
            depth: int = DepthQ, paging: Paging = Depends(), b: Backend = Depends(backend)) -> Cascade | Response:
    """Cascade up: the chain of higher measures the task (or item) implements, to the top."""
    result = b.read(q.sources, ref, links=_filter(scope, status, min_score), depth=depth)
    return page(result, paging, "sources")


@router.get("/co-responsibility", response_model=CoResponsibility, responses=LIST, tags=["agencies"])
def co_responsibility(plan: str | None = Query(default=None, description="one plan", examples=["XX县"]),
                      province: str | None = Query(default=None, description="every plan issued in this province",
                                                   examples=["河北省"]),
                      min_shared: int = Query(1, ge=1, description="only pairs sharing at least this many tasks"),
                      paging: Paging = Depends(), b: Backend = Depends(backend)) -> CoResponsibility | Response:
    """Bodies that share obligations (named for the same task units) in one plan or a province's plans, each
    with its degree and betweenness centrality in that network; the pairs with how many tasks they share."""
    return page(b.read(q.co_responsibility, plan=plan, province=province, min_shared=min_shared), paging,
                "co-responsibility")


@router.get("/coverage", response_model=Coverage | CoverageMatrix, responses=LIST, tags=["coverage"])
def coverage(parent: str = PlanParam,
             child: str | None = Query(default=None, description="one child plan", examples=["XX县"]),
             child_level: Level | None = Query(default=None, description="every plan of this level: a measure × plan matrix"),
             province: str | None = Query(default=None, max_length=100, examples=["河北省"],
                                          description="the matrix's plans of this province only"),
             paging: Paging = Depends(), b: Backend = Depends(backend)) -> Coverage | CoverageMatrix | Response:
    """For each measure of the parent plan, the child tasks implementing it (or none: a gap), the child's local
    additions and the share covered; with ``child_level``, a measure × plan matrix over all plans of that level."""
    if child is None:
        matrix = b.read(q.coverage_matrix, parent, child_level or "county", q.LinkFilter(), province)
        return page(matrix, paging, "coverage-matrix", lambda m: [_matrix_row(m, r) for r in m.items])
    return page(b.read(q.coverage, parent, child), paging, "coverage")


def _matrix_row(m: CoverageMatrix, row: object) -> dict[str, str]:
    out = flatten(row)
    cells = getattr(row, "cells", [])
    base = {k: v for k, v in out.items() if not k.startswith("cells.")}
    return {**base, **{next(p.ref for p in m.plans if p.id == c.plan_id): str(c.tasks) for c in cells}}


@router.get("/indicators/compare", response_model=TargetComparison, responses=LIST, tags=["targets"])
def compare(parent: str = PlanParam, child: str | None = Query(default=None, examples=["XX县"]),
            child_level: Level | None = Query(default=None, description="compare against every plan of this level"),
            verdict: Verdict | None = Query(None),
            paging: Paging = Depends(), b: Backend = Depends(backend)) -> TargetComparison | Response:
    """Parent target vs child target for every derived measure sharing a metric, with a verdict and deadlines."""
    result = b.read(q.compare_targets, parent, child, child_level)
    if verdict is not None:
        kept = [p for p in result.items if p.verdict == verdict]
        result = result.model_copy(update={"items": kept, "total": len(kept)})
    return page(result, paging, "targets")


@router.get("/agencies", response_model=AgencyList, responses=LIST, tags=["agencies"])
def agencies(function: str | None = Query(default=None, examples=["市场监管"]), jurisdiction: str | None = Query(None),
             level: Level | None = Query(None), name: str | None = Query(default=None, description="part of the name"),
             province: str | None = Query(default=None, max_length=100, examples=["河北省"]),
             sort: Literal["tasks", "name", "lead", "support", "responsible"] = Query(
                 "tasks", description="most tasks first, by name, or most in one role first"),
             paging: Paging = Depends(), b: Backend = Depends(backend)) -> AgencyList | Response:
    """Bodies by function, place, level and province with their task counts by role, and the spread over levels."""
    return page(b.read(q.list_agencies, function, jurisdiction, level, name, province, sort), paging, "agencies")


@router.get("/agencies/{agency}/obligations", response_model=Obligations, responses=LIST, tags=["agencies"])
def obligations(agency: str = Path(description="agency id or full name", examples=["XX县市场监督管理局"]),
                role: Literal["lead", "support", "responsible"] | None = Query(None),
                paging: Paging = Depends(), b: Backend = Depends(backend)) -> Obligations | Response:
    """Every task a body leads, supports or is responsible for, across plans and levels."""
    return page(b.read(q.obligations, agency, role), paging, "obligations")


@router.get("/search", response_model=SearchResults, responses=LIST, tags=["search"])
def search(text: str = Query(alias="q", min_length=1, max_length=200, examples=["追溯"]),
           level: Level | None = Query(None), jurisdiction: str | None = Query(None),
           year: int | None = Query(default=None, ge=1949, le=2100),
           kind: Literal["measure", "agency", "indicator", "law"] | None = Query(None),
           paging: Paging = Depends(), b: Backend = Depends(backend)) -> SearchResults | Response:
    """Full-text search (character bigrams) over measures, agencies, indicators and laws, ranked, with offsets
    of every match and a snippet with the matches marked."""
    return page(b.read(q.search, text, level, jurisdiction, year, kind), paging, "search")
