"""The browsing endpoints: plans and their trees, measures, laws, jurisdictions, links."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from policygraph import queries as q
from policygraph.api.deps import Backend, backend
from policygraph.api.paging import CSV_CONTENT, KeysetPaging, Paging, keyset_page, page
from policygraph.api.problems import responses
from policygraph.queries.browse import (JurisdictionList, JurisdictionView, LawDetail, LawList, MeasureDetail, PlanList,
                                        PlanSummary, PlanTreeView)
from policygraph.queries.models import Level
from policygraph.queries.review import LinkList, LinkView

router = APIRouter(prefix="/api/v1", responses=responses(400, 404, 409, 422))
LIST: dict[int | str, dict[str, Any]] = {200: {"content": CSV_CONTENT}}
PlanRefPath = Path(description="plan id, or jurisdiction name with optional year", examples=["西平县2020"])


@router.get("/plans", response_model=PlanList, responses=LIST, tags=["browse"])
def plans(level: Level | None = Query(None), jurisdiction: str | None = Query(default=None, examples=["河北省"]),
          year: int | None = Query(default=None, ge=1949, le=2100), kind: str | None = Query(default=None, examples=["工作要点"]),
          province: str | None = Query(default=None, max_length=100, examples=["河北省"],
                                       description="only plans of places in this province (the province's own too)"),
          paging: Paging = Depends(), b: Backend = Depends(backend)) -> PlanList | Response:
    """Plans, filtered by level, jurisdiction, year, kind and province."""
    return page(b.read(q.list_plans, level, jurisdiction, year, kind, province), paging, "plans")


@router.get("/plans/{plan}", response_model=PlanSummary, tags=["browse"])
def plan(plan: str = PlanRefPath, b: Backend = Depends(backend)) -> PlanSummary:
    """One plan: title, kind, year, place, source, size and the plans it derives from."""
    return b.read(q.get_plan, plan)


@router.get("/plans/{plan}/tree", response_model=PlanTreeView, tags=["browse"])
def tree(plan: str = PlanRefPath, b: Backend = Depends(backend)) -> PlanTreeView:
    """A plan's sections, items and task units as a tree in document order (not paged: it is one document)."""
    return b.read(q.plan_tree, plan)


@router.get("/measures/{ref}", response_model=MeasureDetail, tags=["browse"])
def measure(ref: str = Path(description="measure id or <plan>#<number> (# as %23)", examples=["河北省#24"]),
            b: Backend = Depends(backend)) -> MeasureDetail:
    """A measure with its text, span, agencies, indicators, citations, and the measures it derives from and
    that derive from it (one hop)."""
    return b.read(q.get_measure, ref)


@router.get("/laws", response_model=LawList, responses=LIST, tags=["browse"])
def laws(title: str | None = Query(default=None, alias="q", description="part of the title", examples=["食品安全法"]),
         kind: str | None = Query(default=None, max_length=50, description="only this kind (法律, 条例, 标准, …)"),
         sort: Literal["cited", "title"] = Query("cited", description="most cited first, or by title"),
         paging: Paging = Depends(), b: Backend = Depends(backend)) -> LawList | Response:
    """Cited laws and documents, most cited first."""
    return page(b.read(q.list_laws, title, kind, sort), paging, "laws")


@router.get("/laws/{law}", response_model=LawDetail, responses=LIST, tags=["browse"])
def law(law: str = Path(examples=["l-64fde04e2650"]), paging: Paging = Depends(),
        b: Backend = Depends(backend)) -> LawDetail | Response:
    """A law and the measures citing it."""
    return page(b.read(q.get_law, law), paging, "law")


@router.get("/jurisdictions", response_model=JurisdictionList, responses=LIST, tags=["browse"])
def jurisdictions(level: Level | None = Query(None), paging: Paging = Depends(),
                  b: Backend = Depends(backend)) -> JurisdictionList | Response:
    """Places in the graph and the plans each issued."""
    return page(b.read(q.list_jurisdictions, level), paging, "jurisdictions")


@router.get("/jurisdictions/{jurisdiction}", response_model=JurisdictionView, tags=["browse"])
def jurisdiction(jurisdiction: str = Path(description="jurisdiction id or name", examples=["西平县"]),
                 b: Backend = Depends(backend)) -> JurisdictionView:
    """One place, its parents and its plans."""
    return b.read(q.get_jurisdiction, jurisdiction)


@router.get("/links", response_model=LinkList, responses=LIST, tags=["review"])
def links(status: Literal["inferred", "confirmed", "rejected"] | None = Query(default=None, examples=["confirmed"]),
          plan: str | None = Query(default=None, description="only links touching this plan"),
          paging: KeysetPaging = Depends(), b: Backend = Depends(backend)) -> LinkList | Response:
    """DERIVES_FROM links between measures in id order, with reviewer and date once reviewed; paged by key
    (``cursor`` = the last link id of the previous page), so every page costs the same."""
    return keyset_page(b.read(q.list_links, status, plan, after=paging.cursor, limit=paging.size), paging, "links")


@router.get("/links/{link}", response_model=LinkView, tags=["review"])
def link(link: str = Path(examples=["e-e5cf7fd40e3f2b06"]), b: Backend = Depends(backend)) -> LinkView:
    """One DERIVES_FROM link with its evidence."""
    return b.read(q.get_link, link)
